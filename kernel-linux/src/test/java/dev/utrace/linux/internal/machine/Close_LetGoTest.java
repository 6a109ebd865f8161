package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.linux.internal.sys.Signals;
import dev.utrace.linux.internal.trace.Workloads;
import dev.utrace.spi.TraceHooks;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the machine's close does to the programs it spawned: they run on, untraced, unless the machine was told to end them. */
class Close_LetGoTest extends MachineFixture {

    @Test
    @DisplayName("a spawned program runs on, untraced, when the machine closes")
    void spawnedRunsOn() throws Exception {
        int pid = spawn("holder");
        await("sleeping in pause", () -> machine.info(pid).state() == dev.utrace.api.task.TaskState.SLEEPING);
        machine.close();
        await("let go", () -> Adopt_DetachTest.tracerPid(pid) == 0);
        assertTrue(ProcInfo.exists(pid), "still running");
        Signals.send(pid, Signals.SIGKILL); // the test's own process: ended by pid (its reaper thread reaps it)
        await("gone", () -> !ProcInfo.exists(pid));
    }

    @Test
    @DisplayName("with end.spawned.on.close the machine kills the programs it spawned when it closes")
    void spawnedEnded() throws Exception {
        machine.close();
        machine = new LinuxMachine(TraceHooks.NONE, true);
        int pid = machine.spawn(SpawnRequest.of(Workloads.path("holder"), List.of()));
        guard.track(pid);
        await("sleeping in pause", () -> machine.info(pid).state() == dev.utrace.api.task.TaskState.SLEEPING);
        machine.close();
        await("killed", () -> !ProcInfo.exists(pid));
        await("its death reported and reaped", () -> machine.tasks().isEmpty());
        assertEquals(WaitStatus.signaled(dev.utrace.api.task.Signals.SIGKILL, false), waitExit(pid));
    }
}
