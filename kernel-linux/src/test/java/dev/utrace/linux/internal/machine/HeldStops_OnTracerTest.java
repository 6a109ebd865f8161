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

    /**
     * Stops its task at every getppid entry; counts every syscall entry, and the repeats of the
     * entry pass that a REPORT given while it is held brings (R-SYS-2), noting a syscall that
     * begins while such a repeat is still owed.
     */
    static final class StopAtGetppidCountRepeats implements EngineOps {
        final AtomicInteger held = new AtomicInteger();
        final AtomicInteger entries = new AtomicInteger();
        final AtomicInteger repeats = new AtomicInteger();
        final AtomicInteger unrepeated = new AtomicInteger();
        volatile boolean repeatOwed;

        @Override
        public int reportSyscallEntry(int action, Engine engine, Task task) {
            if (SyscallAction.isResumed(action)) {
                repeatOwed = false;
                repeats.incrementAndGet();
                return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
            }
            entries.incrementAndGet();
            if (repeatOwed) unrepeated.incrementAndGet();
            if (task.register(Reg.ORIG_RAX) != SYS_GETPPID) return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
            held.incrementAndGet();
            return (action & SyscallAction.MASK) | ResumeAction.STOP.code();
        }
    }

    @Test
    @DisplayName("R-SYS-2 R-CTL-REPORT a held syscall entry let go with REPORT repeats its entry pass before the syscall"
            + " runs; the work it leaves for the return to user mode waits for the syscall's exit stop, as Linux's"
            + " notify-resume does: no ptrace stop beyond each syscall's two")
    void reportFromHeldEntryMakesNoExtraStop() {
        int pid = spawnStopped("getppid_loop", Integer.toString(STOPS));
        StopAtGetppidCountRepeats ops = new StopAtGetppidCountRepeats();
        Task t = task(pid);
        Engine e = attach(t, ops, Event.mask(Event.SYSCALL_ENTRY, Event.QUIESCE));
        long stopsBefore = machine.tracerStops();
        cont(pid);
        for (int released = 0; released < STOPS; released++) {
            int seen = released;
            await("stop " + (seen + 1) + " in force", () -> ops.held.get() > seen && t.state() == TaskState.TRACED);
            ops.repeatOwed = true;
            assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.REPORT), "REPORT from stop " + (seen + 1));
        }
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertEquals(STOPS, ops.repeats.get(), "one repeat of the entry pass per REPORT");
        assertEquals(0, ops.unrepeated.get(), "syscalls that began before the repeat owed to the one before");
        long stops = machine.tracerStops() - stopsBefore;
        // Two stops per syscall (entry and exit; exit_group's second is its exit event), a few to spare; an
        // interrupt per REPORT would add up to STOPS more.
        long expected = 2L * ops.entries.get();
        assertTrue(stops <= expected + 8, stops + " ptrace stops for " + ops.entries.get() + " syscalls, expected about "
                + expected);
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
