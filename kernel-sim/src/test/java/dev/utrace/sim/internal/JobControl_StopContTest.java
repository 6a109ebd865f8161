package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.WaitStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobControl_StopContTest {

    @Test
    void stopperStopsReportsJctlAndContinues() {
        try (Sim sim = new Sim()) {
            int pid = sim.spawn("stopper");
            SimTask t = sim.task(pid);
            Sim.await("it stops", () -> t.state() == TaskState.STOPPED);
            assertTrue(t.isJobControlStopped());
            assertEquals("type=5 notify=5", sim.hooks.of("jctl", t).get(0).detail(), "CLD_STOPPED, last to stop");
            sim.machine.kill(pid, Signals.SIGCONT);
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
            assertEquals("stopping\ncontinued\n", sim.machine.console(pid));
            List<RecordingHooks.Event> jctl = sim.hooks.of("jctl", t);
            assertEquals("type=6 notify=6", jctl.get(1).detail(), "CLD_CONTINUED");
            List<String> names = sim.hooks.names(t);
            assertTrue(names.indexOf("finishJobControlStop") > names.indexOf("jctl"), names.toString());
        }
    }

    @Test
    void aGroupStopStopsEveryThread() {
        try (Sim sim = new Sim()) {
            sim.program("grp", "thread t", "thread t", "t: sleep 1000000", "exit 0");
            int pid = sim.spawn("grp");
            Sim.await("three threads sleep", () -> sim.machine.tasks().stream()
                    .filter(i -> i.tgid() == pid && i.state() == TaskState.SLEEPING).count() == 3);
            sim.machine.kill(pid, Signals.SIGSTOP);
            Sim.await("all three stop", () -> sim.machine.tasks().stream()
                    .filter(i -> i.tgid() == pid && i.state() == TaskState.STOPPED).count() == 3);
            long notified = sim.hooks.of("jctl").stream().filter(e -> e.detail().equals("type=5 notify=5")).count();
            assertEquals(1, notified, "exactly one thread is the last to stop");
            sim.machine.kill(pid, Signals.SIGCONT);
            Sim.await("all three sleep again", () -> sim.machine.tasks().stream()
                    .filter(i -> i.tgid() == pid && i.state() == TaskState.SLEEPING).count() == 3);
            sim.machine.kill(pid, Signals.SIGKILL);
            assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), sim.waitExit(pid));
        }
    }

    @Test
    void theParentSeesStoppedAndContinuedWithWuntracedAndWcontinued() {
        try (Sim sim = new Sim()) {
            sim.program("par", "fork", "jz rax, kid", "mov rbx, rax", "wait rbx, untraced", "print \"{rdx} \"",
                    "kill rbx, SIGCONT", "wait rbx, continued", "print \"{rdx} \"", "kill rbx, SIGTERM", "wait rbx",
                    "print \"{rdx}\"", "exit 0", "kid: raise SIGTSTP", "kid_wait: pause", "jmp kid_wait");
            int pid = sim.spawn("par");
            sim.waitExit(pid);
            assertEquals((Signals.SIGTSTP << 8 | 0x7f) + " 65535 " + Signals.SIGTERM, sim.machine.console(pid));
        }
    }

    @Test
    void startingStoppedHoldsTheProgramUntilSigcont() {
        try (Sim sim = new Sim()) {
            int pid = sim.machine.spawn("hello", List.of(), true);
            Sim.await("it stops before its first instruction", () -> sim.task(pid).state() == TaskState.STOPPED);
            assertEquals("", sim.machine.console(pid));
            sim.machine.kill(pid, Signals.SIGCONT);
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
        }
    }
}
