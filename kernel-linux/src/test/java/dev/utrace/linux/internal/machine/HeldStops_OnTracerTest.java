package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.proc.ProcessException;
import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.linux.internal.trace.Workloads;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Hooks on the tracer thread (the machine's default): a utrace stop holds the tracee in its
 * ptrace stop without parking any thread, and the core's release, from any thread, makes the
 * tracer call the held hook again and restart the tracee.
 */
class HeldStops_OnTracerTest extends MachineFixture {
    private static final int SYS_GETPPID = 110;
    private static final int STOPS = Integer.getInteger("race.iterations", 2000) / 4 + 100;

    /** Stops its task at every getppid entry; counts the entries. */
    static final class StopAtEveryGetppid implements EngineOps {
        final AtomicInteger entries = new AtomicInteger();

        @Override
        public int reportSyscallEntry(int action, Engine engine, Task task) {
            if (task.register(Reg.ORIG_RAX) != SYS_GETPPID) return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
            entries.incrementAndGet();
            return (action & SyscallAction.MASK) | ResumeAction.STOP.code();
        }
    }

    @Test
    @DisplayName("R-STOP-3 R-CTL-RESUME a stop at every syscall entry, each released by another thread the moment it is in"
            + " force (racing the tracer thread's handling of it): every syscall runs once, and the program exits 0")
    void releasesRaceTheTracer() {
        int pid = spawnStopped("getppid_loop", Integer.toString(STOPS));
        StopAtEveryGetppid ops = new StopAtEveryGetppid();
        Task t = task(pid);
        Engine e = attach(t, ops, Event.SYSCALL_ENTRY.bit());
        cont(pid);
        int released = 0;
        while (released < STOPS) {
            int seen = released;
            await("stop " + (seen + 1) + " in force", () -> ops.entries.get() > seen && t.state() == TaskState.TRACED);
            // While held: the registers of the stop are the task's, from this thread too (R-EXAM-3).
            assertEquals(SYS_GETPPID, t.register(Reg.ORIG_RAX));
            Outcome o = utrace.control(t, e, ResumeAction.RESUME);
            assertEquals(Outcome.DONE, o, "resume of stop " + (seen + 1));
            released++;
        }
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertEquals(STOPS, ops.entries.get(), "one report, one stop, one release per getppid");
    }

    @Test
    @DisplayName("An engine's callback that starts a process is refused with the reason (callbacks run on the tracer thread,"
            + " which would have to do it), and its task goes on unharmed")
    void spawnInCallbackIsRefused() {
        int pid = spawnStopped("getppid_loop", "3");
        AtomicReference<String> refusal = new AtomicReference<>();
        AtomicInteger tries = new AtomicInteger();
        EngineOps ops = new EngineOps() {
            @Override
            public int reportSyscallEntry(int action, Engine engine, Task task) {
                if (task.register(Reg.ORIG_RAX) == SYS_GETPPID && tries.getAndIncrement() == 0) {
                    try {
                        int started = machine.spawn(SpawnRequest.of(Workloads.path("getppid_loop"), List.of("1")));
                        guard.track(started);
                        refusal.set("started " + started);
                    } catch (ProcessException ex) {
                        refusal.set(ex.getMessage());
                    }
                }
                return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
            }
        };
        attach(task(pid), ops, Event.SYSCALL_ENTRY.bit());
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        String why = refusal.get();
        if (machine.hooksOnTracer()) {
            assertTrue(why != null && why.contains("engine's callback") && why.contains("another thread"), why);
        } else {
            assertTrue(why != null && why.startsWith("started "), "on hook threads a callback may start a process: " + why);
        }
    }

    /** Blocks in its first getppid entry for longer than the stall threshold. */
    static final class BlocksOnce implements EngineOps {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public int reportSyscallEntry(int action, Engine engine, Task task) {
            if (task.register(Reg.ORIG_RAX) == SYS_GETPPID && calls.getAndIncrement() == 0) {
                try {
                    Thread.sleep(StallWatch.THRESHOLD_NANOS / 1_000_000 + 600);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
        }
    }

    @Test
    @DisplayName("A callback that blocks the tracer thread is reported, naming the task and the engine's code, and the task"
            + " goes on when it returns")
    void blockingCallbackIsReported() {
        assumeTrue(machine.hooksOnTracer(), "on hook threads a blocking callback holds up its own task only");
        int pid = spawnStopped("getppid_loop", "3");
        attach(task(pid), new BlocksOnce(), Event.SYSCALL_ENTRY.bit());
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        String report = machine.stallWatch().lastReport;
        assertTrue(report != null && report.contains("task " + pid) && report.contains("BlocksOnce.reportSyscallEntry")
                && report.contains("utrace.linux.hooks=threads"), report);
    }
}
