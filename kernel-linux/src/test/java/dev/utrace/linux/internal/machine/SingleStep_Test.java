package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SignalAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SINGLESTEP on a real thread: each instruction traps with SIGTRAP (TRAP_TRACE), which the stepping engine consumes. */
class SingleStep_Test extends MachineFixture {
    private static final int SYS_GETPPID = 110;
    private static final int STEPS = 5;

    @Test
    @DisplayName("R-CTL-SINGLESTEP an engine steps five instructions after a syscall, each a TRAP_TRACE report with a new rip, then lets it run")
    void steps() {
        int pid = spawnStopped("regs");
        List<Long> rips = new CopyOnWriteArrayList<>();
        List<Integer> codes = new CopyOnWriteArrayList<>();
        Recorder stepper = new Recorder() {
            @Override
            public int reportSyscallEntry(int action, Engine engine, Task task) {
                boolean marker = task.register(Reg.ORIG_RAX) == SYS_GETPPID;
                // Step from the marker on: SINGLESTEP takes effect at the resume point after the syscall.
                return (action & SyscallAction.MASK) | (marker ? ResumeAction.SINGLESTEP : ResumeAction.RESUME).code();
            }

            @Override
            public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa, SigAction returnKa) {
                if (origKa == null || info.signo != Signals.SIGTRAP) return action;
                rips.add(task.register(Reg.RIP));
                codes.add(info.code);
                ResumeAction next = rips.size() < STEPS ? ResumeAction.SINGLESTEP : ResumeAction.RESUME;
                return SignalAction.IGN.with(next); // our trap: the program never sees it
            }
        };
        attach(task(pid), stepper, Event.mask(Event.SYSCALL_ENTRY, Event.QUIESCE) | Event.SIGNAL_ALL);
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertEquals("buf=original ro=constant ret=", console(pid, "ret=").replaceAll("ret=\\d+\n", "ret="));
        assertEquals(STEPS, rips.size(), rips::toString);
        assertTrue(codes.stream().allMatch(c -> c == Signals.TRAP_TRACE || c == 1), codes::toString); // TRAP_BRKPT after a syscall instruction
        assertEquals(STEPS, rips.stream().distinct().count(), () -> "one instruction each: " + rips);
    }

    @ParameterizedTest(name = "held by {0}")
    @ValueSource(strings = {"INTERRUPT", "STOP"})
    @DisplayName("R-CTL-SINGLESTEP: a step asked of a thread held in a stop (a signal REPORT after INTERRUPT, or a quiesce) traps at the next instruction")
    void stepAfterAStop(String how) {
        int pid = spawn("ticker", "20");
        console(pid, "tick 2\n");
        AtomicBoolean stepping = new AtomicBoolean();
        Recorder stepper = new Recorder() {
            @Override
            public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa, SigAction returnKa) {
                if (origKa == null) {
                    add(task, "report");
                    return (action & SignalAction.MASK) | (stepping.get() ? ResumeAction.SINGLESTEP : ResumeAction.STOP).code();
                }
                add(task, "signal " + Signals.name(info.signo));
                return SignalAction.IGN.with(ResumeAction.RESUME); // our trap: the program never sees it
            }

            @Override
            public ResumeAction reportQuiesce(ResumeAction action, Engine engine, Task task, Event event) {
                add(task, "quiesce");
                return stepping.get() ? ResumeAction.SINGLESTEP : ResumeAction.STOP;
            }
        };
        LinuxTask t = task(pid);
        Engine e = attach(t, stepper, Event.mask(Event.QUIESCE) | Event.SIGNAL_ALL);
        utrace.control(t, e, ResumeAction.valueOf(how));
        await("held", t::isUtraceStopped);
        assertEquals(List.of(pid + (how.equals("INTERRUPT") ? " report" : " quiesce")), stepper.all());
        stepping.set(true);
        utrace.control(t, e, ResumeAction.SINGLESTEP);
        await("the step traps", () -> stepper.saw(pid + " signal SIGTRAP"));
        // The engine's callbacks may be running at this moment (the trap's report): the detach then
        // completes when they return, and says IN_PROGRESS (R-CTL-DETACH).
        stepping.set(false);
        Outcome detached = utrace.control(t, e, ResumeAction.DETACH);
        assertTrue(detached == Outcome.DONE || detached == Outcome.IN_PROGRESS, detached::toString);
        machine.kill(pid, Signals.SIGKILL);
        assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), waitExit(pid));
    }
}
