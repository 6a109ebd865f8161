package dev.utrace.watchpoint.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.WatchpointException;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.watchpoint.Hit;
import dev.utrace.watchpoint.Scope;
import dev.utrace.watchpoint.WatchInfo;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The engine's watches on one thread: hits, consumed traps, stop on hit, and the owner's clean-up at exit, exec and remove. */
class WatchpointsTest extends WatchFixture {

    @Test
    @DisplayName("R-HBP-1 hits are recorded (old, new, ip), the program never sees the SIGTRAP; at exit the claim goes once, release once")
    void hitsThenExit() {
        program("w3", "    store8 " + PAGE + ", 1", "    store8 " + PAGE + ", 2", "    load8 rax, " + PAGE,
                "    store4 " + (PAGE + 4) + ", 3");
        int pid = spawnStopped("w3");
        WatchInfo w = watch.add(pid, PAGE, 8, Access.WRITE, Scope.THREAD, false);
        assertEquals(new WatchInfo(1, pid, Scope.THREAD, PAGE, 8, Access.WRITE, false, 1, 0, 0, List.of(), "watching"), w);
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid), "every trap consumed");
        List<Hit> hits = watch.hits(1, 10);
        assertEquals(List.of("0x0->0x1", "0x1->0x2", "0x2->0x300000002"),
                hits.stream().map(h -> "0x" + Long.toHexString(h.oldValue()) + "->0x" + Long.toHexString(h.newValue())).toList());
        assertTrue(hits.stream().allMatch(h -> h.tid() == pid && h.write() && !h.stopped()));
        assertEquals(List.of(PAGE, PAGE, PAGE + 4), hits.stream().map(Hit::address).toList());
        assertTrue(hits.get(0).ip() < hits.get(1).ip(), "the ip after each store");
        assertCleanedUp();
        WatchInfo after = watch.list().getFirst();
        assertEquals("exit", after.state());
        assertEquals(0, after.threads());
        assertEquals(3, after.hits());
    }

    @Test
    @DisplayName("R-HBP-1 at exec the engine removes the thread's claims once and detaches; the new program's writes do not trap")
    void exec() {
        program("execer", "    store8 " + PAGE + ", 1", "    exec \"after\"");
        program("after", "    store8 " + PAGE + ", 5");
        int pid = spawnStopped("execer");
        Task t = task(pid);
        watch.add(pid, PAGE, 8, Access.WRITE, Scope.THREAD, false);
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid), "the new image ran unwatched to its end");
        assertEquals(1, watch.hits(1, 10).size());
        assertEquals("exec", watch.list().getFirst().state());
        assertCleanedUp();
        assertEquals(List.of(), slots.slots(t));
    }

    @Test
    @DisplayName("R-HBP-2 remove detaches: the claims go once, no engine of ours is left, the task runs on; release once")
    void removeDetaches() {
        program("spin", "loop:", "    store8 " + PAGE + ", rcx", "    add rcx, 1", "    yield", "    jmp loop");
        int pid = sim.spawn("spin", List.of());
        Task t = task(pid);
        watch.add(pid, PAGE, 8, Access.WRITE, Scope.THREAD, false);
        watch.add(pid, PAGE + 8, 8, Access.READ_WRITE, Scope.THREAD, false);
        assertEquals(2, slots.slots(t).size());
        await("hits", () -> watch.hits(1, 10).size() >= 3);
        assertEquals(1, ours(t).size(), "one engine per thread, whatever its number of watches");
        assertEquals("removed", watch.remove(1).state());
        assertEquals(1, slots.slots(t).size(), "the other watch stays");
        assertEquals(1, ours(t).size());
        watch.remove(2);
        assertEquals(List.of(), slots.slots(t));
        await("our engine is gone from the task", () -> ours(t).isEmpty());
        assertCleanedUp();
        assertEquals(TaskState.RUNNING, sim.info(pid).state());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> watch.remove(1));
        assertEquals("no live watch 1; watch:list shows the watches", e.getMessage());
        sim.kill(pid, Signals.SIGKILL);
        waitExit(pid);
    }

    @Test
    @DisplayName("R-HBP-4 refusals at request time change nothing: EINVAL, ENOSPC, ESRCH, no task, kernel thread")
    void refusals() {
        int pid = sim.spawn("idle", List.of());
        Task t = task(pid);
        assertEquals("EINVAL: length 3 cannot be watched; use 1, 2, 4 or 8 bytes",
                assertThrows(WatchpointException.class, () -> watch.add(pid, PAGE, 3, Access.WRITE, Scope.THREAD, false)).getMessage());
        assertEquals("EINVAL", assertThrows(WatchpointException.class,
                () -> watch.add(pid, PAGE + 2, 4, Access.WRITE, Scope.THREAD, false)).errno());
        assertTrue(ours(t).isEmpty(), "nothing attached for a bad range");
        for (int i = 0; i < 4; i++) watch.add(pid, PAGE + 8L * i, 8, Access.WRITE, Scope.THREAD, false);
        List<WatchInfo> before = watch.list();
        WatchpointException full = assertThrows(WatchpointException.class,
                () -> watch.add(pid, PAGE + 64, 8, Access.WRITE, Scope.THREAD, false));
        assertEquals("ENOSPC", full.errno());
        assertTrue(full.getMessage().contains("by watchpoint engine on " + pid), full.getMessage());
        assertEquals(before, watch.list(), "nothing changed");
        assertEquals(4, slots.slots(t).size());
        assertEquals("no task with pid 999; utrace:ps lists them",
                assertThrows(IllegalArgumentException.class, () -> watch.add(999, PAGE, 8, Access.WRITE, Scope.THREAD, false))
                        .getMessage());
        assertEquals("pid 1 is a kernel thread (init); it runs no user code to watch",
                assertThrows(IllegalArgumentException.class, () -> watch.add(1, PAGE, 8, Access.WRITE, Scope.THREAD, false))
                        .getMessage());
        sim.kill(pid, Signals.SIGKILL);
        waitExit(pid);
        assertCleanedUp();
    }

    @Test
    @DisplayName("R-HBP-4 ESRCH for a thread that has begun to exit (a zombie)")
    void exiting() {
        program("nowait", "    fork", "    jz rax, child", "p:  pause", "    jmp p", "child:", "    exit 3");
        int parent = sim.spawn("nowait", List.of());
        await("the child is a zombie", () -> sim.tasks().stream().anyMatch(i -> i.ppid() == parent && i.state() == TaskState.ZOMBIE));
        int child = sim.tasks().stream().filter(i -> i.ppid() == parent).findFirst().orElseThrow().tid();
        WatchpointException e = assertThrows(WatchpointException.class,
                () -> watch.add(child, PAGE, 8, Access.WRITE, Scope.THREAD, false));
        assertEquals("ESRCH", e.errno());
        assertEquals(List.of(), watch.list(), "nothing listed");
        sim.kill(parent, Signals.SIGKILL);
        waitExit(parent);
        assertCleanedUp();
    }

    @Test
    @DisplayName("stop on hit: the thread is held stopped where it hit, can be examined, and runs on after resume")
    void stopOnHit() {
        program("twice", "    store8 " + PAGE + ", 7", "    store8 " + PAGE + ", 8");
        int pid = spawnStopped("twice");
        Task t = task(pid);
        watch.add(pid, PAGE, 8, Access.WRITE, Scope.THREAD, true);
        cont(pid);
        await("stopped on the first hit", () -> sim.info(pid).state() == TaskState.TRACED);
        WatchInfo w = watch.list().getFirst();
        assertEquals(List.of(pid), w.stopped());
        assertEquals(7, t.readMemory(PAGE, 8), "a debugger can examine the stopped thread");
        assertTrue(watch.hits(1, 1).getFirst().stopped());
        watch.resume(pid);
        await("stopped on the second hit", () -> watch.hits(1, 10).size() == 2 && sim.info(pid).state() == TaskState.TRACED);
        assertEquals(8, t.readMemory(PAGE, 8));
        watch.resume(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertEquals("thread " + pid + " is not stopped on a watchpoint hit; watch:list shows the stopped threads",
                assertThrows(IllegalArgumentException.class, () -> watch.resume(pid)).getMessage());
        assertCleanedUp();
    }

    @Test
    @DisplayName("R-HBP-2 removing a --stop watch that holds its thread lets the thread run on")
    void removeReleasesAStop() {
        program("once", "    store8 " + PAGE + ", 7");
        int pid = spawnStopped("once");
        watch.add(pid, PAGE, 8, Access.WRITE, Scope.THREAD, true);
        cont(pid);
        await("stopped on the hit", () -> sim.info(pid).state() == TaskState.TRACED);
        watch.remove(1);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertFalse(watch.list().getFirst().active());
        assertCleanedUp();
    }

    @Test
    @DisplayName("watches coming and going on a thread that never traps keep a bounded list of removed claims")
    void removedClaimsStayBounded() {
        int pid = sim.spawn("idle", List.of());
        watch.add(pid, PAGE, 8, Access.WRITE, Scope.THREAD, false); // keeps the engine attached
        for (int i = 0; i < 50; i++) watch.remove(watch.add(pid, PAGE + 8, 8, Access.WRITE, Scope.THREAD, false).id());
        assertEquals(1, engines.size(), "one engine all along");
        TaskWatch tw = engines.getFirst();
        watch.lock.lock();
        try {
            assertEquals(1, tw.live());
            assertTrue(tw.entries.size() <= 1 + TaskWatch.REMOVED_KEPT, tw.entries.size() + " entries");
        } finally {
            watch.lock.unlock();
        }
        sim.kill(pid, Signals.SIGKILL);
        waitExit(pid);
        assertCleanedUp();
    }
}
