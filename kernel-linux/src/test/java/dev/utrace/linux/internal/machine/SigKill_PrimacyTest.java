package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** R-STOP-6 on real processes: SIGKILL ends a task an engine holds stopped, wherever it holds it. */
class SigKill_PrimacyTest extends MachineFixture {
    private static final int SYS_PAUSE = 34;

    /** Holds its task at the entry of pause(). */
    static final class HoldAtPause extends Recorder {
        @Override
        public int reportSyscallEntry(int action, Engine engine, Task task) {
            super.reportSyscallEntry(action, engine, task);
            boolean pause = task.register(Reg.ORIG_RAX) == SYS_PAUSE;
            return (action & SyscallAction.MASK) | (pause ? ResumeAction.STOP : ResumeAction.RESUME).code();
        }
    }

    /** Holds its task in its exit report. */
    static final class HoldAtExit extends Recorder {
        @Override
        public ResumeAction reportExit(ResumeAction action, Engine engine, Task task, long origCode, ExitCode code) {
            super.reportExit(action, engine, task, origCode, code);
            return ResumeAction.STOP;
        }
    }

    @Test
    @DisplayName("R-STOP-6 SIGKILL from another process (kill -9) ends a task held at a syscall entry; the syscall never runs")
    void killFromOutsideWhileHeld() throws Exception {
        int pid = spawnStopped("holder");
        HoldAtPause rec = new HoldAtPause();
        attach(task(pid), rec, Event.SYSCALL | Recorder.all(Event.EXIT, Event.DEATH, Event.REAP));
        cont(pid);
        await("held at pause", () -> rec.saw(pid + " entry " + SYS_PAUSE) && task(pid).state() == TaskState.TRACED);
        dev.utrace.linux.internal.sys.Signals.send(pid, Signals.SIGKILL);
        assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), waitExit(pid));
        await("reaped", () -> rec.saw(pid + " reap"));
        List<String> all = rec.all();
        assertEquals(List.of(pid + " entry " + SYS_PAUSE, pid + " exit-report 0x9", pid + " death group", pid + " reap"),
                all.subList(all.size() - 4, all.size()), "no exit of pause: it never ran");
    }

    @Test
    @DisplayName("R-STOP-6 SIGKILL through the machine ends a task held in its exit report (the exit status stays the one it had)")
    void killWhileHeldInExitReport() {
        int pid = spawnStopped("signals", "stop");
        HoldAtExit rec = new HoldAtExit();
        LinuxTask t = task(pid);
        attach(t, rec, Recorder.all(Event.EXIT, Event.DEATH, Event.REAP, Event.JCTL));
        cont(pid);
        await("stopped by its own SIGSTOP", () -> rec.saw(pid + " jctl 5 5") && machine.inGroupStop(t));
        cont(pid);
        await("held in its exit report", () -> rec.saw(pid + " exit-report 0x400") && t.state() == TaskState.TRACED);
        machine.kill(pid, Signals.SIGKILL);
        assertEquals(WaitStatus.exited(4), waitExit(pid));
        await("reaped", () -> rec.saw(pid + " reap"));
    }

    @Test
    @DisplayName("R-STOP-6 a task dying of SIGKILL is not held by an engine that answers STOP in its exit report")
    void killedTaskNotHeldInExitReport() {
        int pid = spawnStopped("holder");
        HoldAtExit rec = new HoldAtExit();
        attach(task(pid), rec, Recorder.all(Event.EXIT, Event.DEATH, Event.REAP));
        cont(pid);
        await("running", () -> machine.info(pid).state() == TaskState.SLEEPING);
        dev.utrace.linux.internal.sys.Signals.send(pid, Signals.SIGKILL);
        assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), waitExit(pid));
        await("reaped", () -> rec.saw(pid + " reap"));
        assertTrue(rec.saw(pid + " exit-report 0x9"), rec.all()::toString);
    }

    @Test
    @DisplayName("R-STOP-6 SIGKILL ends a task held in an adopted group stop")
    void killWhileHeldInGroupStop() {
        int pid = spawnStopped("holder");
        Recorder rec = new Recorder();
        LinuxTask t = task(pid);
        Engine e = attach(t, rec, Recorder.all(Event.DEATH, Event.REAP));
        assertEquals(dev.utrace.api.Outcome.DONE, utrace.control(t, e, ResumeAction.STOP));
        assertEquals(TaskState.TRACED, t.state());
        machine.kill(pid, Signals.SIGKILL);
        assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), waitExit(pid));
        await("reaped", () -> rec.saw(pid + " reap"));
    }
}
