package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.WaitStatus;
import org.junit.jupiter.api.Test;

/**
 * The window of clone in which the new thread is already in its group (so a group kill marks it)
 * but its Java thread has not started: the kill's wake-up comes before there is anything to wake,
 * and the thread must still die before running a user instruction.
 */
class Clone_KilledBeforeStartTest {

    @Test
    void threadKilledBetweenJoiningItsGroupAndStartingDies() {
        RecordingHooks hooks = new RecordingHooks();
        hooks.stopAt(e -> e.hook().equals("clone")); // the parent reports CLONE before it starts the child
        try (Sim sim = new Sim(hooks)) {
            sim.program("cloner", "thread idle", "idle: pause", "jmp idle");
            int pid = sim.spawn("cloner");
            SimTask parent = sim.task(pid);
            Sim.await("the parent is held in its clone report", () -> parent.state() == TaskState.TRACED);
            SimTask child = parent.proc.firstThread == parent ? parent.groupNext : parent.proc.firstThread;
            assertNotNull(child, "the child is in the group before it starts");
            assertEquals(Thread.State.NEW, child.thread.getState(), "the child's thread has not started");

            sim.machine.kill(pid, Signals.SIGKILL); // marks and wakes both; the parent's stop ends

            assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), sim.waitExit(pid));
            sim.deaths(2);
            assertEquals(1, hooks.of("death", child).size(), "the child died");
            assertEquals("pending=true", hooks.of("fatalSignal", child).get(0).detail());
            assertEquals(0, hooks.of("syscallEntry", child).size(), "the child ran no user code");
        }
    }
}
