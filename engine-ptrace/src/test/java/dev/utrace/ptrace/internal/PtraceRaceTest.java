package dev.utrace.ptrace.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.utrace.api.task.Signals;
import dev.utrace.ptrace.PtraceException;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.ptrace.WaitResult;
import dev.utrace.ptrace.WaitResult.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Real-thread races of the ptrace lifetime rules; {@code -Drace.iterations=N} scales them. */
class PtraceRaceTest extends PtraceFixture {
    private static final int ITERATIONS = Math.max(20, Integer.getInteger("race.iterations", 10_000) / 20);

    @Test
    @DisplayName("R-REL-3 race: the tracer detaches while the tracee is killed; the context is released exactly once, the process is reaped")
    void detachRacingDeath() throws Exception {
        int detached = 0;
        int lost = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            int pid = spawn("spin");
            attachStopped(pid);
            PtraceContext ctx = ((Session) tracer).contexts().get(0);
            CyclicBarrier go = new CyclicBarrier(2);
            CompletableFuture<Boolean> detach = CompletableFuture.supplyAsync(() -> {
                await(go);
                try {
                    tracer.detach(pid, 0);
                    return true;
                } catch (PtraceException e) {
                    assertEquals("ESRCH", e.errno(), e.getMessage());
                    return false;
                }
            });
            await(go);
            sim.kill(pid, Signals.SIGKILL);
            if (detach.get(20, TimeUnit.SECONDS)) {
                detached++;
            } else {
                lost++;
                // Still ours: its death is reported to us, then it goes on to init.
                WaitResult r = next(pid);
                assertEquals(Kind.KILLED, r.kind(), r.describe());
            }
            assertEquals(Signals.SIGKILL, exitOf(pid).word() & 0x7f, "iteration " + i);
            final int n = i;
            await(() -> "released in iteration " + n + " (refs " + ctx.engine.refCount() + ", " + ctx.engine.state()
                    + ", releases " + ctx.releases.get() + ", dead " + ctx.dead + ", detaching " + ctx.detaching
                    + ", held " + ctx.signalHeld + ", engines " + core.facade("probe").engines(ctx.task) + ", "
                    + ctx.task.state() + ")", () -> ctx.releases.get() == 1);
            assertTrue(tracer.tracees().isEmpty(), "iteration " + i + ": " + tracer.tracees());
        }
        assertEquals(ITERATIONS, detached + lost);
        assertEquals(ITERATIONS, ptrace.releases.get());
    }

    /** An engine after ptrace whose callbacks take a while: the pass ends, and the stop begins, only after them. */
    private void attachSlowNeighbour(int pid) {
        var t = sim.findTask(pid);
        var neighbour = core.facade("neighbour");
        var r = neighbour.attach(t, dev.utrace.api.AttachFlags.CREATE, new dev.utrace.api.EngineOps() {
            @Override
            public dev.utrace.api.ResumeAction reportQuiesce(dev.utrace.api.ResumeAction action, dev.utrace.api.Engine engine,
                    dev.utrace.api.task.Task task, dev.utrace.api.Event event) {
                java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.ThreadLocalRandom.current().nextLong(300_000));
                return dev.utrace.api.ResumeAction.RESUME;
            }
        }, null);
        assertTrue(r.ok(), r.toString());
        neighbour.setEvents(t, r.engine(), dev.utrace.api.Event.mask(dev.utrace.api.Event.QUIESCE));
        r.engine().put();
    }

    @Test
    @DisplayName("Every stop wait reports is already in force: the tracee shows TRACED (Linux: TASK_TRACED before the tracer is notified)")
    void waitReportsOnlyStopsInForce() throws Exception {
        int rounds = Math.max(20, ITERATIONS / 5);
        for (int i = 0; i < rounds; i++) {
            int pid = spawn("counter", "1000000000"); // a write per number: syscall stops to race
            tracer.attach(pid);
            attachSlowNeighbour(pid); // after ptrace: its callbacks run after ptrace chose the stop
            WaitResult r = tracer.wait(pid, 0).orElseThrow();
            assertEquals(dev.utrace.api.task.TaskState.TRACED, state(pid), "attach stop of round " + i + ": " + r.describe());
            tracer.setOptions(pid, PtraceOptions.TRACESYSGOOD);
            for (int stop = 0; stop < 4; stop++) { // syscall entry and exit stops
                tracer.syscall(pid, 0);
                r = tracer.wait(pid, 0).orElseThrow();
                assertEquals(dev.utrace.api.task.TaskState.TRACED, state(pid), "syscall stop " + stop + " of round " + i + ": " + r.describe());
            }
            sim.kill(pid, Signals.SIGKILL);
            assertEquals(Kind.KILLED, next(pid).kind());
        }
    }

    @Test
    @DisplayName("R-SIG-4 race: a tracer that exits right after resuming with a signal: the tracee gets that signal, whether its REPORT pass ran before or after the exit")
    void tracerExitsRightAfterInjectingASignal() {
        int rounds = Math.max(20, ITERATIONS / 5);
        for (int i = 0; i < rounds; i++) {
            tracer = ptrace.open("round " + i);
            int pid = spawnSeized("idle", 0);
            sim.kill(pid, Signals.SIGUSR1);
            assertStop(next(pid), Kind.SIGNAL_STOP, Signals.SIGUSR1);
            tracer.cont(pid, Signals.SIGUSR1); // delivered by the tracee's next REPORT pass
            tracer.close();
            assertEquals(dev.utrace.api.proc.WaitStatus.signaled(Signals.SIGUSR1, false), exitOf(pid),
                    "round " + i + ": the signal the tracer injected");
        }
        await("every context released", () -> ptrace.releases.get() == rounds);
    }

    @Test
    @DisplayName("12.3 race: a SIGUSR1 sent while a PTRACE_CONT takes effect gets its signal-delivery stop; it never kills the tracee unseen")
    void signalRacingContGetsItsSignalDeliveryStop() throws Exception {
        int pid = spawn("spin");
        attachStopped(pid);
        for (int i = 0; i < ITERATIONS; i++) {
            // From the last signal-delivery stop (SIGSTOP, then SIGUSR1): the cont's REPORT pass
            // drops that signal, then the tracee looks for the next one. The kill lands 0 to 31 us
            // after the cont, which sweeps that moment (it comes some microseconds after the wake-up).
            long delay = (i % 32) * 1_000L;
            CyclicBarrier go = new CyclicBarrier(2);
            CompletableFuture<Void> killer = CompletableFuture.runAsync(() -> {
                await(go);
                long start = System.nanoTime();
                while (System.nanoTime() - start < delay) Thread.onSpinWait();
                sim.kill(pid, Signals.SIGUSR1);
            });
            tracer.cont(pid, 0);
            await(go);
            killer.get(20, TimeUnit.SECONDS);
            WaitResult r = next(pid);
            assertEquals(Kind.SIGNAL_STOP, r.kind(), "iteration " + i + ": " + r.describe());
            assertEquals(Signals.SIGUSR1, r.signal(), "iteration " + i + ": " + r.describe());
        }
        sim.kill(pid, Signals.SIGKILL);
        assertEquals(Kind.KILLED, next(pid).kind());
    }

    @Test
    @DisplayName("R-REL-3 race: a tracer blocked in wait on the leader while a non-leader execs sees the exec under the leader's pid")
    void waitRacingMultithreadedExec() throws Exception {
        int rounds = Math.max(10, ITERATIONS / 5);
        for (int i = 0; i < rounds; i++) {
            int pid = spawnSeized("mt-exec", PtraceOptions.TRACECLONE | PtraceOptions.TRACEEXEC, "1");
            PtraceContext leader = ((Session) tracer).contexts().get(0);
            // Let the four threads start: each clone event and each new thread's first stop is resumed.
            List<Integer> threads = new ArrayList<>();
            int clones = 0;
            int firstStops = 0;
            while (clones < 4 || firstStops < 4) {
                WaitResult r = next(-1);
                if (r.event() == WaitResult.EVENT_CLONE) {
                    clones++;
                    threads.add((int) tracer.getEventMsg(r.pid()));
                } else if (r.pid() != pid && r.event() == WaitResult.EVENT_STOP) {
                    firstStops++;
                }
                tracer.cont(r.pid(), 0);
            }
            // The last thread started is the execer; the others are killed by its exec.
            CompletableFuture<WaitResult> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    while (true) {
                        Optional<WaitResult> r = tracer.wait(pid, 0);
                        WaitResult w = r.orElseThrow();
                        if (w.event() == WaitResult.EVENT_EXEC) return w;
                        if (!w.stopped()) fail("the leader pid reported " + w.describe());
                        tracer.cont(pid, 0);
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            for (int t = 0; t < 3; t++) {
                int tid = threads.get(t);
                WaitResult r = next(tid);
                // Killed by the exec, they report death as if they exited with 0 (ptrace(2), execve under ptrace).
                assertEquals(Kind.EXITED, r.kind(), "iteration " + i + ": " + r.describe());
                assertEquals(0, r.signal());
            }
            WaitResult exec;
            try {
                exec = waiter.get(20, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("iteration " + i + ": the waiter never saw the exec; " + tracer.tracees(), e);
            } catch (ExecutionException e) {
                throw new AssertionError("iteration " + i, e.getCause());
            }
            assertEquals(pid, exec.pid());
            assertEquals(threads.get(3).longValue(), tracer.getEventMsg(pid), "iteration " + i);
            await("old leader released, iteration " + i, () -> leader.releases.get() == 1);
            tracer.cont(pid, 0);
            assertEquals(Kind.EXITED, next(pid).kind());
            assertEquals(0, exitOf(pid).word());
        }
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
