package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.CloneFlags;
import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.TaskInfo;
import dev.utrace.api.proc.WaitStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThreadGroup_PoolTest {

    @Test
    void threadpoolRunsItsWorkersInOneGroup() {
        try (Sim sim = new Sim()) {
            int pid = sim.spawn("threadpool", "3");
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
            assertTrue(sim.machine.console(pid).endsWith("all 3 workers done\n"), sim.machine.console(pid));
            List<RecordingHooks.Event> clones = sim.hooks.of("clone");
            assertEquals(3, clones.size(), clones::toString);
            for (RecordingHooks.Event c : clones) {
                assertEquals(pid, c.task().tgid(), "cloned by the process");
                assertEquals("flags=" + SyscallTable.THREAD_FLAGS, c.detail().split(" ")[0]);
            }
            assertTrue((SyscallTable.THREAD_FLAGS & CloneFlags.CLONE_THREAD) != 0);
        }
    }

    /**
     * Issue 18: {@code threadpool 1000} died of SIGSEGV. The cause was the program's own array
     * of done flags (one word per worker index, 528 bytes of .data, one page): indexes from
     * 512 on stored past the data segment. N is now checked against the documented 1..64.
     */
    @Test
    void threadpoolRefusesAnNOutsideOneToSixtyFourWithAMessageAndExitsTwo() {
        for (String n : new String[] {"65", "512", "1000", "-1", "0x8000000000000000"}) {
            try (Sim sim = new Sim()) {
                int pid = sim.spawn("threadpool", n);
                assertEquals(WaitStatus.exited(2), sim.waitExit(pid), "threadpool " + n);
                assertEquals("threadpool: N must be from 1 to 64, not " + ExecPath.number(n) + "\n", sim.machine.console(pid));
                assertTrue(sim.hooks.of("clone").isEmpty(), "no worker started for " + n);
            }
        }
    }

    @Test
    void threadpoolRunsItsLargestDocumentedPool() {
        try (Sim sim = new Sim()) {
            int pid = sim.spawn("threadpool", "64");
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
            assertTrue(sim.machine.console(pid).endsWith("all 64 workers done\n"), sim.machine.console(pid));
            assertEquals(64, sim.hooks.of("clone").size());
        }
    }

    @Test
    void threadsShareTheProcessAndItsParent() {
        try (Sim sim = new Sim()) {
            // Threads that wait, so that all of them are alive when we look (workers that exit soon
            // could all be gone before a busy machine lets the test look).
            sim.program("waiters", "thread w", "thread w", "thread w", "w: pause", "jmp w");
            int pid = sim.spawn("waiters");
            Sim.await("three threads run", () -> sim.machine.tasks().stream().filter(i -> i.tgid() == pid).count() == 4);
            List<TaskInfo> group = sim.machine.tasks().stream().filter(i -> i.tgid() == pid).toList();
            for (TaskInfo i : group) {
                assertEquals(1, i.ppid(), "threads share the process's parent");
                assertEquals("waiters", i.comm());
            }
            sim.machine.kill(pid, dev.utrace.api.task.Signals.SIGKILL);
            assertEquals(WaitStatus.signaled(dev.utrace.api.task.Signals.SIGKILL, false), sim.waitExit(pid));
        }
    }

    @Test
    void aThreadThatExitsReapsItselfAtOnce() {
        try (Sim sim = new Sim()) {
            sim.program("one", "thread t", "pause", "t: exit 0");
            int pid = sim.spawn("one");
            Sim.await("the thread is gone", () -> sim.hooks.of("releaseTask").size() == 1);
            RecordingHooks.Event reap = sim.hooks.of("releaseTask").get(0);
            assertSame(sim.hooks.of("death", reap.task()).get(0).thread(), reap.thread());
            assertEquals(TaskState.DEAD, reap.state());
            assertEquals(1, sim.machine.info(pid).threads());
            sim.machine.kill(pid, dev.utrace.api.task.Signals.SIGKILL);
            sim.waitExit(pid);
        }
    }

    @Test
    void unknownPidsAreClearErrorsForInfoConsoleAndWait() {
        try (Sim sim = new Sim()) {
            String info = org.junit.jupiter.api.Assertions.assertThrows(dev.utrace.api.proc.ProcessException.class,
                    () -> sim.machine.info(424242)).getMessage();
            assertEquals("no task with pid 424242; tasks() lists the live ones", info);
            String console = org.junit.jupiter.api.Assertions.assertThrows(dev.utrace.api.proc.ProcessException.class,
                    () -> sim.machine.console(424242)).getMessage();
            assertEquals("no process with pid 424242 is alive or recently ended", console);
            org.junit.jupiter.api.Assertions.assertThrows(dev.utrace.api.proc.ProcessException.class,
                    () -> sim.machine.waitExit(424242, java.time.Duration.ZERO));
        }
    }
}
