package dev.utrace.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A job-control stop begins only after its JCTL report: while an engine's {@code reportJctl} runs
 * the task is running its callbacks, not stopped, so nothing may treat the engine as quiescent
 * (R-EVT-3, R-CTL-STOP, R-CTL-DETACH, R-BAR-4, R-BAR-5).
 */
class Jctl_CallbackLifetimeTest extends CoreOnSimFixture {

    /** Parks in its first CLD_STOPPED report until {@link #proceed}; records when release runs. */
    static final class ParkingJctl implements EngineOps {
        final CountDownLatch inCallback = new CountDownLatch(1);
        final CountDownLatch proceed = new CountDownLatch(1);
        final AtomicBoolean running = new AtomicBoolean();
        final AtomicBoolean releasedDuringCallback = new AtomicBoolean();
        final AtomicInteger releases = new AtomicInteger();

        @Override
        public ResumeAction reportJctl(ResumeAction action, Engine engine, Task task, int type, int notify) {
            if (type != Signals.CLD_STOPPED || inCallback.getCount() == 0) return ResumeAction.RESUME;
            running.set(true);
            inCallback.countDown();
            try {
                proceed.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.set(false);
            return ResumeAction.RESUME;
        }

        @Override
        public void release(Object data) {
            if (running.get()) releasedDuringCallback.set(true);
            releases.incrementAndGet();
        }
    }

    @Test
    @DisplayName("R-CTL-DETACH, R-BAR-5, R-EVT-3: DETACH during reportJctl is IN_PROGRESS; release waits for the callback")
    void detachDuringTheJctlCallbackWaitsForIt() throws Exception {
        int pid = sim.spawn("idle", List.of());
        TracedTask t = task(pid);
        ParkingJctl ops = new ParkingJctl();
        Engine e = attach(t, ops, Event.mask(Event.JCTL));
        await("idle waits in pause", () -> sim.info(pid).state() == TaskState.SLEEPING);
        sim.kill(pid, Signals.SIGSTOP);
        assertTrue(ops.inCallback.await(20, TimeUnit.SECONDS), "reportJctl(CLD_STOPPED) was called");

        assertEquals(Outcome.IN_PROGRESS, utrace.control(t, e, ResumeAction.STOP),
                "the task runs its JCTL callback: it is not stopped yet");
        assertEquals(Outcome.IN_PROGRESS, utrace.control(t, e, ResumeAction.DETACH),
                "the engine's callback is running");
        CompletableFuture<Outcome> barrier = CompletableFuture.supplyAsync(() -> utrace.barrier(t, e));
        e.put(); // our reference; only the attached one is left, and the pass owns the engine now
        Thread.sleep(50); // give a wrong barrier or release the chance to happen now
        assertFalse(barrier.isDone(), "the barrier waits while the callback runs");
        assertEquals(0, ops.releases.get(), "release waits for the callback");

        ops.proceed.countDown();
        assertEquals(Outcome.GONE, barrier.get(20, TimeUnit.SECONDS), "after DETACH the barrier ends GONE");
        await("release ran", () -> ops.releases.get() == 1);
        assertFalse(ops.releasedDuringCallback.get());
        await("the task is in its job-control stop", () -> sim.info(pid).state() == TaskState.STOPPED);
        sim.kill(pid, Signals.SIGKILL);
        waitExit(pid);
        assertEquals(1, ops.releases.get());
    }

    @Test
    @DisplayName("R-EVT-3: DETACH of the engine from its own reportJctl answers IN_PROGRESS")
    void selfDetachFromTheJctlCallback() {
        int pid = sim.spawn("idle", List.of());
        TracedTask t = task(pid);
        AtomicReference<Outcome> own = new AtomicReference<>();
        AtomicReference<Engine> self = new AtomicReference<>();
        Engine e = attach(t, new EngineOps() {
            @Override
            public ResumeAction reportJctl(ResumeAction action, Engine engine, Task task, int type, int notify) {
                if (type == Signals.CLD_STOPPED) own.compareAndSet(null, utrace.control(task, engine, ResumeAction.DETACH));
                return ResumeAction.RESUME;
            }
        }, Event.mask(Event.JCTL));
        self.set(e);
        await("idle waits in pause", () -> sim.info(pid).state() == TaskState.SLEEPING);
        sim.kill(pid, Signals.SIGSTOP);
        await("the JCTL callback detached itself", () -> own.get() != null);
        assertEquals(Outcome.IN_PROGRESS, own.get());
        await("the task is in its job-control stop", () -> sim.info(pid).state() == TaskState.STOPPED);
        assertEquals(Outcome.GONE, utrace.control(t, e, ResumeAction.RESUME), "detached");
        e.put();
        sim.kill(pid, Signals.SIGKILL);
        waitExit(pid);
    }
}
