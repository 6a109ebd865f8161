package dev.utrace.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.spi.TracedTask;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The second stop model, of machines that hold utrace stops themselves (one tracer thread for many
 * tasks, as the Linux machine): a hook that stops the task returns at once, nothing of the core is
 * parked, and the machine calls the hook again when the task is released; the hook goes on from
 * its stop (R-STOP-3, R-SYS-2, R-ACT-6). The rule tests run in this model too
 * ({@code -Dsim.stops=machine}, a second run of the itests in {@code bin/test}).
 */
class HeldStops_ModelTest extends CoreOnSimFixture {

    @BeforeEach
    void heldByTheMachine() {
        sim.setStopsHeldByMachine(true);
    }

    /** Stops at the first syscall entry and asks to look again (REPORT), then aborts the syscall on the repeat. */
    static final class StopThenAbort implements EngineOps {
        final AtomicInteger entries = new AtomicInteger();
        volatile int resumedFlag;

        @Override
        public int reportSyscallEntry(int action, Engine engine, Task task) {
            int n = entries.incrementAndGet();
            if (n == 1) return SyscallAction.RUN.with(ResumeAction.STOP);
            if (n == 2) {
                resumedFlag = action & SyscallAction.RESUMED;
                return SyscallAction.ABORT.with(ResumeAction.RESUME);
            }
            return SyscallAction.RUN.with(ResumeAction.RESUME);
        }
    }

    @Test
    @DisplayName("R-STOP-3, R-SYS-2: a syscall-entry stop leaves nothing of the core parked; after REPORT the pass repeats with RESUMED")
    void syscallEntryStopIsHeldByTheMachine() {
        int pid = spawnStopped("hello");
        TracedTask t = task(pid);
        StopThenAbort ops = new StopThenAbort();
        Engine e = attach(t, ops, Event.mask(Event.SYSCALL_ENTRY, Event.QUIESCE));
        sim.kill(pid, dev.utrace.api.task.Signals.SIGCONT);
        await("stopped at its first syscall", () -> t.state() == TaskState.TRACED);

        Thread thread = threadOf(t);
        String stack = Arrays.toString(thread.getStackTrace());
        assertFalse(stack.contains("UtraceTask.sleepWhileStopped"), () -> "the core parks nothing: " + stack);
        assertTrue(stack.contains("Kernel.awaitRelease"), () -> "the machine holds the task: " + stack);
        assertTrue(core.hooks().held(t) || t.state() == TaskState.TRACED);

        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.REPORT)); // releases it, and asks to look again
        await("the repeat of the entry pass", () -> ops.entries.get() >= 2);
        assertEquals(SyscallAction.RESUMED, ops.resumedFlag, "the repeat says RESUMED");
        assertEquals(0, waitExit(pid).exitCode());
        // hello's first syscall is its write, which the engine aborted on the repeat: nothing printed.
        assertEquals("", sim.console(pid), "the aborted write printed nothing");
        e.put();
    }

    private static Thread threadOf(TracedTask t) {
        try {
            java.lang.reflect.Field f = t.getClass().getDeclaredField("thread");
            f.setAccessible(true);
            return (Thread) f.get(t);
        } catch (ReflectiveOperationException x) {
            throw new AssertionError(x);
        }
    }

    @Test
    @DisplayName("R-ACT-6, R-STOP-6: a task held in its EXIT stop by the machine ends on SIGKILL; the hook goes on from the stop")
    void exitStopHeldByTheMachineEndsOnSigkill() throws InterruptedException {
        int pid = spawnStopped("hello");
        TracedTask t = task(pid);
        Kill_InExitStopTest.ExitHolder holder = new Kill_InExitStopTest.ExitHolder();
        Engine e = attach(t, holder, Event.mask(Event.EXIT));
        e.put();
        sim.kill(pid, dev.utrace.api.task.Signals.SIGCONT);
        await("held in its exit report", () -> t.state() == TaskState.TRACED);
        assertTrue(Arrays.toString(threadOf(t).getStackTrace()).contains("Kernel.awaitRelease"));
        sim.kill(pid, dev.utrace.api.task.Signals.SIGKILL);
        assertEquals(0, waitExit(pid).exitCode());
        assertEquals(1, holder.exits.get(), "the exit report ran once: the second call only went on from the stop");
        assertTrue(holder.released.await(20, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(List.of(), sim.tasks().stream().filter(i -> i.tid() == pid).toList());
    }
}
