package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.WaitStatus;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SigKill_WakesStopsTest {

    @Test
    @DisplayName("R-STOP-6: SIGKILL wakes a task held in a utrace stop; it runs no user code and reports exit, death, reap")
    void sigkillDuringUtraceStop_R_STOP_6() {
        RecordingHooks hooks = new RecordingHooks();
        hooks.stopAt(e -> e.hook().equals("syscallEntry") && e.detail().equals("nr=34"));
        try (Sim sim = new Sim(hooks)) {
            int pid = sim.spawn("idle");
            SimTask t = sim.task(pid);
            Sim.await("it is held at pause's entry", () -> t.state() == TaskState.TRACED);
            assertEquals(34, t.register(Reg.ORIG_RAX), "another thread may read registers while it is held");
            sim.machine.kill(pid, Signals.SIGKILL);
            assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), sim.waitExit(pid));
            RecordingHooks.Event fatal = hooks.of("fatalSignal", t).get(0);
            assertEquals("pending=true", fatal.detail(), "SIGKILL is pending before the core hears of it");
            sim.deaths(1);
            List<String> names = new java.util.ArrayList<>(hooks.names(t));
            names.remove("fatalSignal");
            List<String> tail = names.subList(names.lastIndexOf("syscallEntry"), names.size());
            assertEquals(List.of("syscallEntry", "syscallExit", "getSignal", "exit"), tail.subList(0, 4),
                    "no user code ran after the stop");
            assertEquals(java.util.Set.of("death", "releaseTask"), java.util.Set.copyOf(tail.subList(4, tail.size())));
            assertEquals("nr=34 rax=-38", hooks.of("syscallExit", t).get(hooks.of("syscallExit", t).size() - 1).detail(),
                    "the aborted syscall did not run (-ENOSYS)");
        }
    }

    @Test
    @DisplayName("R-STOP-6: SIGKILL ends a job-control stop and an interruptible sleep")
    void sigkillEndsJobControlStopAndSleep_R_STOP_6() {
        try (Sim sim = new Sim()) {
            int stopped = sim.spawn("stopper");
            int sleeping = sim.spawn("sleeper", "1000000");
            Sim.await("one stops and one sleeps", () -> sim.task(stopped).state() == TaskState.STOPPED
                    && sim.task(sleeping).state() == TaskState.SLEEPING);
            sim.machine.kill(stopped, Signals.SIGKILL);
            sim.machine.kill(sleeping, Signals.SIGKILL);
            assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), sim.waitExit(stopped));
            assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), sim.waitExit(sleeping));
        }
    }

    @Test
    @DisplayName("R-STOP-6: a core that adopted a job-control stop keeps the task in finishJobControlStop until SIGKILL")
    void adoptedJobControlStopIsBrokenBySigkill_R_STOP_6() {
        RecordingHooks hooks = new RecordingHooks();
        hooks.stopAt(e -> e.hook().equals("finishJobControlStop"));
        try (Sim sim = new Sim(hooks)) {
            int pid = sim.spawn("stopper");
            Sim.await("it stops", () -> sim.task(pid).state() == TaskState.STOPPED);
            sim.machine.kill(pid, Signals.SIGCONT);
            Sim.await("the core holds it", () -> sim.task(pid).state() == TaskState.TRACED);
            sim.machine.kill(pid, Signals.SIGKILL);
            assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), sim.waitExit(pid));
            assertTrue(!sim.machine.console(pid).contains("continued"), "no user code ran after the stop");
        }
    }
}
