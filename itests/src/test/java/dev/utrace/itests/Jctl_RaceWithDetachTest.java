package dev.utrace.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.spi.TracedTask;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * DETACH and STOP from a controller racing the JCTL callbacks of a job-control stop, with the
 * controller's reference put at once: {@code release} never runs while the engine's callback
 * runs, runs exactly once, and DETACH answers DONE only once no callback can still be running
 * (R-CTL-DETACH, R-BAR-4, R-EVT-3, R-REF-5).
 */
class Jctl_RaceWithDetachTest extends CoreOnSimFixture {

    /** Counts callbacks in flight; a release during one is a violation. */
    static final class Watched implements EngineOps {
        final AtomicInteger inCallback = new AtomicInteger();
        final AtomicInteger releases = new AtomicInteger();
        final AtomicInteger releasedDuringCallback = new AtomicInteger();
        final AtomicInteger callbacksAfterDone = new AtomicInteger();
        volatile boolean detachedDone;

        @Override
        public ResumeAction reportJctl(ResumeAction action, Engine engine, Task task, int type, int notify) {
            inCallback.incrementAndGet();
            try {
                if (detachedDone) callbacksAfterDone.incrementAndGet();
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(50_000)); // a callback that takes a while
                return ThreadLocalRandom.current().nextBoolean() ? ResumeAction.RESUME : ResumeAction.STOP;
            } finally {
                inCallback.decrementAndGet();
            }
        }

        @Override
        public void release(Object data) {
            if (inCallback.get() != 0) releasedDuringCallback.incrementAndGet();
            releases.incrementAndGet();
        }
    }

    @Test
    @DisplayName("R-CTL-DETACH, R-BAR-4, R-EVT-3: DETACH racing reportJctl never releases under the callback")
    void detachRacesTheJctlReport() {
        int rounds = Math.max(100, Integer.getInteger("race.iterations", 10_000) / 10);
        int pid = sim.spawn("idle", List.of());
        TracedTask t = task(pid);
        await("idle waits in pause", () -> sim.info(pid).state() == TaskState.SLEEPING);
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        for (int round = 0; round < rounds; round++) {
            Watched w = new Watched();
            Engine e = attach(t, w, Event.mask(Event.JCTL));
            sim.kill(pid, Signals.SIGSTOP);
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(100_000));
            if (ThreadLocalRandom.current().nextBoolean()) utrace.control(t, e, ResumeAction.STOP);
            Outcome o = utrace.control(t, e, ResumeAction.DETACH);
            if (o == Outcome.DONE) w.detachedDone = true;
            outcomes.merge(o, 1, Integer::sum);
            int r0 = round;
            if (o == Outcome.IN_PROGRESS) {
                CompletableFuture<Outcome> bf = CompletableFuture.supplyAsync(() -> utrace.barrier(t, e));
                Outcome b;
                try {
                    b = bf.get(20, TimeUnit.SECONDS); // the pass that ran the callback finishes the detach
                } catch (Exception x) {
                    throw new AssertionError("the barrier after IN_PROGRESS did not end in round " + r0 + ": " + sim.info(pid) + ", engines " + utrace.engines(t), x);
                }
                assertEquals(Outcome.GONE, b, "after DETACH the barrier ends GONE (R-BAR-5)");
            }
            e.put();
            sim.kill(pid, Signals.SIGCONT);
            await("released once", () -> w.releases.get() == 1);
            int r = round;
            Outcome out = o;
            try {
                await("idle waits in pause again", () -> sim.info(pid).state() == TaskState.SLEEPING);
            } catch (AssertionError x) {
                throw new AssertionError("round " + r + " after " + out + ": " + sim.info(pid) + " engines " + utrace.engines(t), x);
            }
            assertEquals(0, w.releasedDuringCallback.get(), "release ran during reportJctl in round " + round);
            assertEquals(0, w.callbacksAfterDone.get(), "a callback after DETACH answered DONE in round " + round);
            assertEquals(1, w.releases.get());
        }
        System.out.println("jctl vs detach, " + rounds + " rounds: " + outcomes);
        assertTrue(outcomes.containsKey(Outcome.DONE), () -> "some DETACHes came before or after the report: " + outcomes);
        sim.kill(pid, Signals.SIGKILL);
        waitExit(pid);
    }
}
