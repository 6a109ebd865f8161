package dev.utrace.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.spi.TracedTask;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SIGKILL ends a task that an engine holds stopped in its exit report (R-STOP-6, R-ACT-6). */
class Kill_InExitStopTest extends CoreOnSimFixture {

    /** Holds every exit report with STOP and counts the reports. */
    static final class ExitHolder implements EngineOps {
        final AtomicInteger exits = new AtomicInteger();
        final AtomicInteger releases = new AtomicInteger();
        final CountDownLatch released = new CountDownLatch(1);

        @Override
        public ResumeAction reportExit(ResumeAction action, Engine engine, Task task, long origCode, ExitCode code) {
            exits.incrementAndGet();
            return ResumeAction.STOP;
        }

        @Override
        public void release(Object data) {
            releases.incrementAndGet();
            released.countDown();
        }
    }

    @Test
    @DisplayName("R-STOP-6, R-ACT-6: SIGKILL wakes a task held in its EXIT stop and it dies")
    void sigkillEndsTheExitStop() throws InterruptedException {
        int pid = spawnStopped("hello");
        TracedTask t = task(pid);
        ExitHolder holder = new ExitHolder();
        Engine e = attach(t, holder, Event.mask(Event.EXIT));
        e.put();
        sim.kill(pid, Signals.SIGCONT);
        await("the task is held in its exit report", () -> t.state() == TaskState.TRACED);
        assertEquals(1, holder.exits.get());

        sim.kill(pid, Signals.SIGKILL);

        WaitStatus s = waitExit(pid);
        // The exit began with exit_group(0): the status is the one the exit already carries.
        assertEquals(0, s.exitCode(), () -> "status " + s);
        assertTrue(holder.released.await(20, java.util.concurrent.TimeUnit.SECONDS), "the engine is released at reap");
    }

    @Test
    @DisplayName("R-STOP-6: SIGKILL wakes a task held in the EXIT stop of a group exit a fatal signal began")
    void sigkillEndsTheExitStopOfAGroupExit() throws InterruptedException {
        int pid = spawnStopped("idle");
        TracedTask t = task(pid);
        ExitHolder holder = new ExitHolder();
        // Wanting SIGNAL_TERM makes the fatal signal go through delivery (R-EVT-7), so the exit
        // begins from get_signal with no SIGKILL pending.
        Engine e = attach(t, holder, Event.mask(Event.EXIT, Event.SIGNAL_TERM));
        e.put();
        sim.kill(pid, Signals.SIGCONT);
        sim.kill(pid, Signals.SIGTERM); // default action: the group exits
        await("the task is held in its exit report", () -> t.state() == TaskState.TRACED);

        sim.kill(pid, Signals.SIGKILL);

        WaitStatus s = waitExit(pid);
        assertTrue(s.isSignaled(), () -> "status " + s);
        assertTrue(holder.released.await(20, java.util.concurrent.TimeUnit.SECONDS), "the engine is released at reap");
    }

    @Test
    @DisplayName("R-STOP-6: zombie children of a parent killed in its EXIT stop are reaped once it dies")
    void zombieChildrenOfAKilledHeldParentAreReaped() throws InterruptedException {
        program("orphaner", """
                # forks two children that exit at once, then exits without reaping them
                    fork
                    jz rax, child
                    mov r12, rax
                    fork
                    jz rax, child
                    mov r13, rax
                    mov rdi, 200
                    sleep rdi
                    exit 5
                child:
                    exit 7
                """);
        int pid = spawnStopped("orphaner");
        TracedTask t = task(pid);
        ExitHolder holder = new ExitHolder();
        Engine e = attach(t, holder, Event.mask(Event.EXIT));
        e.put();
        sim.kill(pid, Signals.SIGCONT);
        await("the parent is held in its exit report", () -> t.state() == TaskState.TRACED);
        int[] children = sim.tasks().stream().filter(i -> i.ppid() == pid).mapToInt(i -> i.tid()).toArray();
        assertEquals(2, children.length, () -> "the parent's two zombie children: " + sim.tasks());
        for (int c : children) {
            assertEquals(TaskState.ZOMBIE, sim.info(c).state(), "child " + c + " is a zombie while its parent is held");
        }

        sim.kill(pid, Signals.SIGKILL);

        waitExit(pid);
        for (int c : children) {
            await("zombie child " + c + " reaped by init", () -> sim.tasks().stream().noneMatch(i -> i.tid() == c));
        }
        assertTrue(holder.released.await(20, java.util.concurrent.TimeUnit.SECONDS));
    }
}
