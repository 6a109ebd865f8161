package dev.utrace.linux.internal.ptrace;

import static dev.utrace.api.task.Signals.SIGCONT;
import static dev.utrace.api.task.Signals.SIGKILL;
import static dev.utrace.api.task.Signals.SIGSTOP;
import static dev.utrace.api.task.Signals.SIGTERM;
import static dev.utrace.api.task.Signals.SIGTRAP;
import static dev.utrace.api.task.Signals.SIGUSR1;
import static dev.utrace.ptrace.PtraceOptions.EXITKILL;
import static dev.utrace.ptrace.PtraceOptions.TRACECLONE;
import static dev.utrace.ptrace.PtraceOptions.TRACEEXEC;
import static dev.utrace.ptrace.PtraceOptions.TRACEEXIT;
import static dev.utrace.ptrace.PtraceOptions.TRACEFORK;
import static dev.utrace.ptrace.PtraceOptions.TRACESYSGOOD;
import static dev.utrace.ptrace.PtraceOptions.TRACEVFORK;
import static dev.utrace.ptrace.PtraceOptions.TRACEVFORKDONE;

import dev.utrace.api.task.Reg;
import dev.utrace.ptrace.WaitResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The ptrace conformance scenarios (engine-ptrace's PtraceConformanceTest and more), each written
 * once against {@link Steps} and run on the three backends: their list, the known deviations, and
 * the helpers they share; the scenarios themselves are in {@link StopScenarios} (attach, detach,
 * signals, group stops, steps, requests) and {@link EventScenarios} (syscalls, exec, fork, vfork,
 * clone, exit, the tracer's exit). A scenario logs what a debugger sees: wait statuses, events,
 * event messages, errors, and checks of values that differ run to run.
 */
final class Scenarios {
    /**
     * A difference from the kernel that a backend is known to have, and why (a limit the README
     * documents): where the kernel's log has the lines {@code kernel}, the backend's has
     * {@code instead}.
     */
    record Deviation(String backend, List<String> kernel, List<String> instead, String why) {
        /** The log {@code backend} is expected to write, given the kernel's. */
        List<String> apply(List<String> kernelLog) {
            int at = java.util.Collections.indexOfSubList(kernelLog, kernel);
            if (at < 0) throw new AssertionError("the deviation of " + backend + " (" + why + ") names lines the kernel's log lacks: " + kernel);
            List<String> out = new ArrayList<>(kernelLog.subList(0, at));
            out.addAll(instead);
            out.addAll(kernelLog.subList(at + kernel.size(), kernelLog.size()));
            return out;
        }
    }

    record Scenario(String name, String description, Consumer<Steps> body, List<Deviation> deviations) {
        Scenario(String name, String description, Consumer<Steps> body) {
            this(name, description, body, List.of());
        }

        /** What {@code backend}'s log must be: the kernel's, with the backend's known deviations. */
        List<String> expected(String backend, List<String> kernelLog) {
            List<String> out = kernelLog;
            for (Deviation d : deviations) {
                if (d.backend().equals(backend)) out = d.apply(out);
            }
            return out;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final int SYS_GETPID = 39;
    static final int SYS_GETPPID = 110;
    static final int SYS_EXECVE = 59;
    static final int SYS_CLONE = 56;
    static final int SYS_FORK = 57;
    static final int SYS_CLONE3 = 435;
    static final long ENOSYS = -38;
    static final long PAGE = 0x1000_0000L;

    private Scenarios() {
    }

    static List<Scenario> all() {
        return List.of(
                new Scenario("attach_running", "PTRACE_ATTACH to a running task: SIGSTOP stop, siginfo, CONT 0, requests need a stop",
                        StopScenarios::attachRunning),
                new Scenario("detach_stopped", "PTRACE_DETACH from the SIGSTOP stop: runs untraced, can be attached again",
                        StopScenarios::detachStopped),
                new Scenario("attach_sleeping", "attach to a task in nanosleep: it stops, CONT restarts the sleep, it exits 0",
                        StopScenarios::attachSleeping),
                new Scenario("attach_group_stopped", "attach to a group-stopped task: its stop and the attach's SIGSTOP",
                        StopScenarios::attachGroupStopped),
                new Scenario("detach_group_stopped", "attach to a group-stopped task, detach: it stays stopped until SIGCONT",
                        StopScenarios::detachGroupStopped),
                new Scenario("cont_from_group_stop", "CONT SIGSTOP stops the group; CONT 0 from that stop resumes it",
                        StopScenarios::contFromGroupStop),
                new Scenario("second_tracer", "a second tracer, a second attach, a gone pid are refused", StopScenarios::secondTracer),
                new Scenario("signal_injection", "CONT 0 suppresses SIGUSR1, CONT SIGUSR1 delivers it (it kills)",
                        StopScenarios::signalInjection),
                new Scenario("signal_changed", "the tracer turns SIGUSR1 into SIGTERM", StopScenarios::signalChanged),
                new Scenario("syscall_stops", "PTRACE_SYSCALL with TRACESYSGOOD after an INTERRUPT: entry and exit stops, a skipped syscall, a result written",
                        EventScenarios::syscallStops),
                new Scenario("syscalls_across_exec", "PTRACE_SYSCALL through an execve with TRACEEXEC: entry, event, exit",
                        EventScenarios::syscallsAcrossExec),
                new Scenario("syscalls_across_fork", "PTRACE_SYSCALL through a fork with TRACEFORK: event, child, exit",
                        EventScenarios::syscallsAcrossFork),
                new Scenario("exec_event", "TRACEEXEC's event stop and message; without it the legacy SIGTRAP",
                        EventScenarios::execEvent),
                new Scenario("seize_group_stopped", "PTRACE_SEIZE of a group-stopped task, then SIGCONT: the stops in order",
                        StopScenarios::seizeGroupStopped),
                new Scenario("fork_event", "TRACEFORK: the fork event, its message, the child seized and stopped before it runs",
                        EventScenarios::forkEvent),
                new Scenario("vfork_events", "TRACEVFORK and TRACEVFORKDONE: events and messages", EventScenarios::vforkEvents),
                new Scenario("clone_events", "TRACECLONE: each thread traced from its start, its exit reported",
                        EventScenarios::cloneEvents),
                new Scenario("exec_by_thread", "an exec by a non-leader thread: the others' ends, the event on the leader's pid",
                        EventScenarios::execByThread),
                new Scenario("exit_kill", "EXITKILL: the tracer exits and its tracee dies of SIGKILL", EventScenarios::exitKill),
                new Scenario("killed_while_stopped", "SIGKILL to a stopped tracee: reported, then ECHILD",
                        EventScenarios::killedWhileStopped),
                new Scenario("zombie_to_tracer_first", "a traced zombie is the tracer's first, then its real parent's",
                        EventScenarios::zombieToTracerFirst, List.of(new Deviation("linux",
                                List.of("reapable by its parent P1: no"), List.of("reapable by its parent P1: P1 0x0 exited with 0"),
                                "the Linux machine reports a spawned program's end to waitExit at once, while a tracer link"
                                        + " still keeps its zombie for the engines (kernel-linux/README.md, what differs)"))),
                new Scenario("tracer_exits_first", "the tracer exits: a stopped tracee delivers its SIGSTOP unless the tracer waited for that stop",
                        EventScenarios::tracerExitsFirst),
                new Scenario("memory_and_user", "PEEKDATA/POKEDATA, PEEKUSER/POKEUSER, bad addresses and offsets",
                        StopScenarios::memoryAndUser),
                new Scenario("seize_interrupt", "PTRACE_INTERRUPT stops a sleeping seized tracee; not an attached one",
                        StopScenarios::seizeInterrupt),
                new Scenario("seize_group_stop_listen", "a seized tracee's group stop, LISTEN, SIGCONT's re-trap, then a step",
                        StopScenarios::seizeGroupStopListen),
                new Scenario("listen_after_continue", "LISTEN after SIGCONT ended the group stop whose trap the tracee is in: the re-trap",
                        StopScenarios::listenAfterContinue),
                new Scenario("single_step", "PTRACE_SINGLESTEP: one instruction, a SIGTRAP stop with TRAP_TRACE",
                        StopScenarios::singleStep),
                new Scenario("exit_event", "TRACEEXIT: the exit event stop before teardown, the status as message",
                        EventScenarios::exitEvent),
                new Scenario("bad_requests", "unknown options, a bad signal, a pid not traced, wait without tracees",
                        StopScenarios::badRequests));
    }

    // ---- helpers, not logged step by step ----

    /**
     * {@code program} started and run up to the end of its marker syscall (getppid), then let go.
     * spin and memwriter make the marker in their loop's first round, so from there on they are
     * surely in their loop, whatever their start-up (libc's, or none): a counter already counts.
     */
    static int inLoop(Steps s, String program, String... args) {
        PtraceBackend b = s.b;
        int pid = b.spawn(program, true, List.of(args));
        s.note("spawn " + program + (args.length == 0 ? "" : " " + String.join(" ", args)) + ", run to its marker: "
                + s.name(pid));
        startSeized(s, pid, TRACESYSGOOD);
        b.syscall(pid, 0);
        while (true) {
            int[] w = b.wait(pid, false).orElseThrow();
            if (!WaitResult.decode(w[0], w[1], true).stopped()) throw new Steps.Aborted(program + " ended before its marker");
            if (((w[1] >> 8) & 0xff) == (SIGTRAP | 0x80)) {
                long[] regs = b.getRegs(pid);
                if (regs[Reg.ORIG_RAX.ordinal()] == SYS_GETPPID && regs[Reg.RAX.ordinal()] != ENOSYS) break;
            }
            b.syscall(pid, 0);
        }
        b.detach(pid, 0);
        return pid;
    }

    /**
     * Seizes {@code pid}, which was spawned stopped, and lets SIGCONT end its group stop; returns
     * with it held in SIGCONT's signal-delivery stop, before the program's first instruction.
     * Every stop on the way is checked (see seize_group_stopped and seize_group_stop_listen for
     * them, logged). It listens in the group-stop trap before the SIGCONT: a resume from that
     * trap while a SIGCONT is on its way would race the Linux machine's own handling of the
     * SIGCONT, which the scenarios do not mean to test here.
     */
    static void startSeized(Steps s, int pid, int options) {
        PtraceBackend b = s.b;
        b.seize(pid, options);
        expect(s, pid, SIGSTOP, WaitResult.EVENT_STOP);
        b.listen(pid);
        b.signal(pid, SIGCONT);
        expect(s, pid, SIGTRAP, WaitResult.EVENT_STOP);
        b.cont(pid, 0);
        expect(s, pid, SIGCONT, 0);
    }

    /** The next report of {@code pid} is a stop with {@code signal} and {@code event}, else the scenario ends. */
    private static void expect(Steps s, int pid, int signal, int event) {
        int[] w = s.b.wait(pid, false).orElseThrow();
        if ((w[1] & 0xff) != 0x7f || (w[1] >> 8 & 0xff) != signal || (w[1] >> 16 & 0xff) != event) {
            throw new Steps.Aborted("expected a stop with " + Steps.sig(signal) + " and event " + event + " of " + s.name(pid)
                    + ", got " + s.describe(w[0], w[1]));
        }
    }

    /** Seized at start with {@code options} ({@link #startSeized}, not logged) and let run into the program. */
    static int seizedAtStart(Steps s, String program, int options, String... args) {
        PtraceBackend b = s.b;
        int pid = b.spawn(program, true, List.of(args));
        s.note("spawn " + program + (args.length == 0 ? "" : " " + String.join(" ", args)) + " seized at its start with "
                + Steps.options(options) + ": " + s.name(pid));
        startSeized(s, pid, options);
        b.cont(pid, 0);
        return pid;
    }

    /** Attaches and takes the SIGSTOP stop (logged). */
    static Steps.Wait attachStopped(Steps s, int pid) {
        s.attach(pid);
        return s.await(pid);
    }
}
