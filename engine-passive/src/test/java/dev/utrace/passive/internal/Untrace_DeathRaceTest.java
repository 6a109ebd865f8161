package dev.utrace.passive.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.passive.Kind;
import dev.utrace.passive.UntraceResult;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** untrace (MATCH_OPS lookup + DETACH) against the task's death: every outcome of section 10.3, release exactly once. */
class Untrace_DeathRaceTest extends SimFixture {

    static void awaitLatch(CountDownLatch l) {
        try {
            if (!l.await(20, TimeUnit.SECONDS)) fail("timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    int idle() {
        int pid = sim.spawn("idle", List.of());
        await("idle sleeps", () -> sim.info(pid).state() == TaskState.SLEEPING);
        return pid;
    }

    @Test
    @DisplayName("R-CTL-DETACH untrace DONE: the tracer cleans up; no callback afterwards; release once")
    void untraceDone() {
        int pid = idle();
        TaskTrace tr = null;
        tracer.trace(pid, null, null);
        tr = tracer.traceOf(pid);
        UntraceResult r = tracer.untrace(pid);
        assertEquals(Outcome.DONE, r.detach());
        assertNull(r.barrier());
        assertEquals("untraced", tr.ended());
        assertTrue(!tracer.tracing(pid));
        sim.kill(pid, Signals.SIGKILL);
        waitExit(pid);
        TaskTrace t = tr;
        await("released", () -> t.releases.get() == 1);
        assertTrue(tracer.log(pid, 100).stream().noneMatch(e -> e.kind() == Kind.DEATH), "no callback after DONE");
        assertEquals(1, t.releases.get());
    }

    @Test
    @DisplayName("R-BAR-5 untrace IN_PROGRESS: barrier, then clean up; release once")
    void untraceInProgress() throws Exception {
        program("spin", "loop:\n    getpid\n    jmp loop\n");
        int pid = sim.spawn("spin", List.of());
        tracer.trace(pid, kinds("syscalls"), false);
        TaskTrace tr = tracer.traceOf(pid);
        CountDownLatch entered = new CountDownLatch(1), letGo = new CountDownLatch(1), detached = new CountDownLatch(1);
        AtomicReference<Outcome> detach = new AtomicReference<>();
        seams.beforeCallback = (t, cb) -> {
            if (cb.equals("syscallExit") && entered.getCount() > 0) {
                entered.countDown();
                awaitLatch(letGo); // test only: hold this one callback while untrace runs
            }
        };
        seams.afterControl = (action, o) -> {
            if (action != ResumeAction.DETACH) return;
            detach.set(o);
            detached.countDown();
        };
        awaitLatch(entered);
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<UntraceResult> f = ex.submit(() -> tracer.untrace(pid));
            awaitLatch(detached);
            assertEquals(Outcome.IN_PROGRESS, detach.get());
            assertEquals(0, tr.releases.get());
            letGo.countDown();
            UntraceResult r = f.get(20, TimeUnit.SECONDS);
            assertEquals(Outcome.IN_PROGRESS, r.detach());
            assertTrue(r.barrier() == Outcome.DONE || r.barrier() == Outcome.GONE, r::toString);
            assertEquals("untraced", tr.ended());
        } finally {
            letGo.countDown();
            ex.shutdownNow();
        }
        long recorded = tr.info().recorded();
        sim.kill(pid, Signals.SIGKILL);
        waitExit(pid);
        await("released", () -> tr.releases.get() == 1);
        assertEquals(recorded, tr.info().recorded(), "nothing recorded after untrace");
    }

    @Test
    @DisplayName("R-CTL-3 untrace ALREADY during the death report: reportDeath detaches, release once")
    void untraceAlready() {
        // A child whose parent never waits: its death report cannot race a reap (which would answer GONE).
        program("nowait", "    fork\n    jz rax, child\np:  pause\n    jmp p\nchild:\nc:  pause\n    jmp c\n");
        int parent = sim.spawn("nowait", List.of());
        await("the child exists", () -> sim.tasks().stream().anyMatch(t -> t.ppid() == parent));
        int pid = sim.tasks().stream().filter(t -> t.ppid() == parent).findFirst().orElseThrow().tid();
        await("the child sleeps", () -> sim.info(pid).state() == TaskState.SLEEPING);
        tracer.trace(pid, null, null);
        TaskTrace tr = tracer.traceOf(pid);
        CountDownLatch entered = new CountDownLatch(1), letGo = new CountDownLatch(1);
        seams.beforeCallback = (t, cb) -> {
            if (cb.equals("death")) {
                entered.countDown();
                awaitLatch(letGo);
            }
        };
        sim.killThread(pid, Signals.SIGKILL);
        awaitLatch(entered);
        UntraceResult r;
        try {
            r = tracer.untrace(pid);
        } finally {
            letGo.countDown();
        }
        assertEquals(Outcome.ALREADY, r.detach());
        await("released", () -> tr.releases.get() == 1);
        assertEquals("died", tr.ended());
        sim.kill(parent, Signals.SIGKILL);
        waitExit(parent);
        assertEquals(1, tr.releases.get());
    }

    @Test
    @DisplayName("R-REF-6 untrace GONE after the reap: the callbacks cleaned up; release runs once")
    void untraceGone() {
        int pid = idle();
        tracer.trace(pid, null, null);
        TaskTrace tr = tracer.traceOf(pid);
        seams.afterLookup = () -> {
            sim.kill(pid, Signals.SIGKILL);
            waitExit(pid);
            await("reaped", () -> sim.findTask(pid) == null);
            assertEquals(0, tr.releases.get(), "untrace still holds its lookup reference");
        };
        UntraceResult r = tracer.untrace(pid);
        assertEquals(Outcome.GONE, r.detach());
        // The last put is untrace's or the dying task's own reset, whichever comes later (R-REF-6).
        await("released", () -> tr.releases.get() >= 1);
        assertEquals(1, tr.releases.get());
        assertEquals("died", tr.ended());
        assertTrue(assertThrowsIae(pid).contains("not traced"));
    }

    private String assertThrowsIae(int pid) {
        return org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> tracer.untrace(pid)).getMessage();
    }

    @Test
    @DisplayName("R-REF-5 untrace racing the task's death (real threads): release exactly once per trace")
    void untraceRacesDeath() throws Exception {
        int iterations = Math.max(20, Integer.getInteger("race.iterations", 10_000) / 5);
        tracer = newTracer("race", new Settings(Kind.all(), 16, false, 8));
        Map<Outcome, Integer> seen = new EnumMap<>(Outcome.class);
        int notTraced = 0;
        List<TaskTrace> traces = new java.util.ArrayList<>();
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < iterations; i++) {
                int pid = sim.spawn("true", List.of(), true);
                await("stopped", () -> sim.info(pid).state() == TaskState.STOPPED);
                tracer.trace(pid, null, false);
                traces.add(tracer.traceOf(pid));
                CountDownLatch go = new CountDownLatch(1);
                Future<UntraceResult> f = ex.submit(() -> {
                    go.await();
                    try {
                        return tracer.untrace(pid);
                    } catch (IllegalArgumentException e) {
                        return null; // released before the lookup: not traced any more
                    }
                });
                go.countDown();
                sim.kill(pid, Signals.SIGCONT);
                UntraceResult r = f.get(20, TimeUnit.SECONDS);
                if (r == null) notTraced++;
                else seen.merge(r.detach(), 1, Integer::sum);
                waitExit(pid);
            }
        } finally {
            ex.shutdownNow();
        }
        await("every trace released", () -> tracer.releases.get() == traces.size());
        for (TaskTrace t : traces) assertEquals(1, t.releases.get(), () -> "trace of " + t.tid);
        assertEquals(iterations, tracer.releases.get());
        System.out.println("untrace vs death, " + iterations + " iterations: " + seen + ", not traced " + notTraced);
    }
}
