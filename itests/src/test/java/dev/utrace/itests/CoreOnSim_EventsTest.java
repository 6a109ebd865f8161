package dev.utrace.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SignalAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.spi.TracedTask;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Engines on real simulated tasks: what they see, and what their votes do to the task. */
class CoreOnSim_EventsTest extends CoreOnSimFixture {
    private static final String GETPIDS = """
            # five getpid calls, then exit 7
                mov rbx, 5
            again:
                getpid
                loop rbx, again
                exit 7
            """;

    /** Records syscall numbers at entry and exit, and the exit path's events. */
    static class Recorder implements EngineOps {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final AtomicInteger releases = new AtomicInteger();

        @Override
        public int reportSyscallEntry(int action, Engine engine, Task task) {
            seen.add("entry " + task.register(Reg.ORIG_RAX));
            return SyscallAction.RUN.with(ResumeAction.RESUME);
        }

        @Override
        public ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task task) {
            seen.add("exit " + task.register(Reg.ORIG_RAX));
            return ResumeAction.RESUME;
        }

        @Override
        public ResumeAction reportExit(ResumeAction action, Engine engine, Task task, long origCode, ExitCode code) {
            seen.add("EXIT");
            return ResumeAction.RESUME;
        }

        @Override
        public ResumeAction reportDeath(Engine engine, Task task, boolean groupDead, int signal) {
            seen.add("DEATH");
            return ResumeAction.RESUME;
        }

        @Override
        public void reportReap(Engine engine, Task task) {
            seen.add("REAP");
        }

        @Override
        public void release(Object data) {
            releases.incrementAndGet();
        }
    }

    @Test
    @DisplayName("R-EVT-ORD-3: a traced program's syscalls, then EXIT, DEATH, REAP, then release once")
    void syscallsAndTheExitPathInOrder() {
        program("getpids", GETPIDS);
        int pid = spawnStopped("getpids");
        Recorder rec = new Recorder();
        Engine e = attach(task(pid), rec, Event.SYSCALL | Event.mask(Event.EXIT, Event.DEATH, Event.REAP));
        e.put();
        sim.kill(pid, Signals.SIGCONT);
        WaitStatus status = waitExit(pid);
        assertTrue(status.isExited() && status.exitCode() == 7, status.toString());
        // The reaper may come while the death report is pending; the dying thread then makes the
        // death and reap reports after wait returned (section 10.2), so wait for them.
        await("the reap report and the release", () -> rec.seen.contains("REAP") && rec.releases.get() == 1);
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            expected.add("entry 39");
            expected.add("exit 39");
        }
        expected.addAll(List.of("entry 60", "EXIT", "DEATH", "REAP"));
        assertEquals(expected, rec.seen);
        assertEquals(1, rec.releases.get());
        assertEquals(0, utrace.liveEngines());
    }

    @Test
    @DisplayName("R-STOP-6, R-SYS-3: SIGKILL wakes a task stopped at syscall entry; the syscall has no effect; EXIT, DEATH, REAP still come")
    void sigkillDuringAUtraceStop() {
        program("printer", """
                # prints once, then exits
                    print "ran\\n"
                    exit 0
                """);
        int pid = spawnStopped("printer");
        Recorder rec = new Recorder() {
            @Override
            public int reportSyscallEntry(int action, Engine engine, Task task) {
                super.reportSyscallEntry(action, engine, task);
                return SyscallAction.RUN.with(ResumeAction.STOP);
            }
        };
        TracedTask t = task(pid);
        Engine e = attach(t, rec, Event.SYSCALL | Event.mask(Event.EXIT, Event.DEATH, Event.REAP));
        sim.kill(pid, Signals.SIGCONT);
        await("the task is held at its first syscall", () -> sim.info(pid).state() == TaskState.TRACED);
        assertTrue(e.holdsStop());
        sim.kill(pid, Signals.SIGKILL);
        WaitStatus status = waitExit(pid);
        assertTrue(status.isSignaled() && status.termSignal() == Signals.SIGKILL, status.toString());
        assertEquals("", sim.console(pid), "the held write never ran");
        await("the reap report", () -> rec.seen.contains("REAP"));
        // As on Linux, a skipped syscall still passes the syscall-exit report on its way out.
        assertEquals(List.of("entry 1", "exit 1", "EXIT", "DEATH", "REAP"), rec.seen);
        e.put();
        assertEquals(1, rec.releases.get());
    }

    /** Holds the task whenever asked, as ptrace does: quiesce reports answer STOP while {@code hold} is set. */
    static final class Holder implements EngineOps {
        volatile boolean hold;
        final AtomicInteger syscalls = new AtomicInteger();

        @Override
        public ResumeAction reportQuiesce(ResumeAction action, Engine engine, Task task, Event event) {
            return hold ? ResumeAction.STOP : ResumeAction.RESUME;
        }

        @Override
        public ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task task) {
            syscalls.incrementAndGet();
            return hold ? ResumeAction.STOP : ResumeAction.RESUME;
        }
    }

    @Test
    @DisplayName("R-CTL-STOP, R-CTL-RESUME, R-EXAM-1, R-EXAM-2: stop a running program, read its registers, resume it")
    void stopExamineResume() {
        program("spin", """
                # counts in rbx forever, with a syscall each round
                again:
                    add rbx, 1
                    yield
                    jmp again
                """);
        int pid = sim.spawn("spin", List.of());
        TracedTask t = task(pid);
        Holder holder = new Holder();
        Engine e = attach(t, holder, Event.mask(Event.QUIESCE, Event.SYSCALL_EXIT));
        long first = stopAndRead(t, e, holder);
        int syscallsWhileStopped = holder.syscalls.get();
        holder.hold = false;
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME));
        // It may stop again at its very next resume point if asked at once; let it run a round.
        await("the task runs a round of its loop", () -> holder.syscalls.get() > syscallsWhileStopped + 1);
        long second = stopAndRead(t, e, holder);
        assertTrue(second > first, "it ran between the stops: " + first + " then " + second);
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH), "detaching a stopped task is immediate");
        await("the task runs again", () -> sim.info(pid).state() != TaskState.TRACED);
        sim.kill(pid, Signals.SIGKILL);
        assertTrue(waitExit(pid).isSignaled());
        e.put();
    }

    private long stopAndRead(TracedTask t, Engine e, Holder holder) {
        holder.hold = true;
        Outcome o = utrace.control(t, e, ResumeAction.STOP);
        assertTrue(o == Outcome.IN_PROGRESS || o == Outcome.DONE, o.toString());
        await("the task stops", () -> t.state() == TaskState.TRACED);
        dev.utrace.api.Examination exam = new dev.utrace.api.Examination();
        assertEquals(Outcome.DONE, utrace.prepareExamine(t, e, exam));
        long rbx = t.register(Reg.RBX);
        long again = t.register(Reg.RBX);
        assertEquals(Outcome.DONE, utrace.finishExamine(t, e, exam));
        assertEquals(rbx, again, "a stopped task does not run");
        return rbx;
    }

    @Test
    @DisplayName("R-SIG-1, R-EVT-9: an engine turns SIGTERM into IGN; SIGKILL is never shown to it")
    void anEngineIgnoresSigterm() {
        program("sleeper", """
                # sleeps in a loop
                again:
                    sleep 5
                    jmp again
                """);
        int pid = sim.spawn("sleeper", List.of());
        List<String> signals = new CopyOnWriteArrayList<>();
        EngineOps ops = new EngineOps() {
            @Override
            public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa,
                                    SigAction returnKa) {
                signals.add(Signals.name(info.signo) + " " + SignalAction.of(action));
                return SignalAction.IGN.with(ResumeAction.RESUME);
            }
        };
        Engine e = attach(task(pid), ops, Event.SIGNAL_ALL);
        sim.kill(pid, Signals.SIGTERM);
        await("the engine saw SIGTERM", () -> !signals.isEmpty());
        assertFalse(sim.info(pid).state().hasExited(), "SIGTERM was ignored");
        sim.kill(pid, Signals.SIGKILL);
        assertTrue(waitExit(pid).isSignaled());
        assertEquals(List.of("SIGTERM TERM"), signals);
        e.put();
    }
}
