package dev.utrace.watchpoint.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.hw.Access;
import dev.utrace.api.task.Signals;
import dev.utrace.api.proc.TaskInfo;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.watchpoint.Hit;
import dev.utrace.watchpoint.Scope;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Whole-process watches: every thread now, and each new thread from its first instruction. */
class ProcessWatchTest extends WatchFixture {

    /** The main thread starts a thread whose first instruction stores; main waits for it, then exits. */
    private void childWrites() {
        program("child", "    thread t",
                "wait:", "    yield", "    load8 rbx, " + PAGE, "    jz rbx, wait",
                "    exit_group 0",
                "t:", "    store8 " + PAGE + ", 2", "    pause");
    }

    @Test
    @DisplayName("R-HBP-3 a thread watch does not cover a new thread: its write is not seen")
    void threadScopeMissesTheNewThread() {
        childWrites();
        int pid = spawnStopped("child");
        watch.add(pid, PAGE, 8, Access.WRITE, Scope.THREAD, false);
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertEquals(List.of(), watch.hits(1, 10));
        assertCleanedUp();
    }

    @Test
    @DisplayName("R-HBP-3 a process watch installs on a new thread in reportClone, before it runs: its first instruction hits")
    void processScopeCoversTheNewThread() {
        childWrites();
        int pid = spawnStopped("child");
        watch.add(pid, PAGE, 8, Access.WRITE, Scope.PROCESS, false);
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid), "the new thread's trap was consumed too");
        List<Hit> hits = watch.hits(1, 10);
        assertEquals(1, hits.size(), hits::toString);
        assertNotEquals(pid, hits.getFirst().tid(), "the new thread's write");
        assertEquals(2, hits.getFirst().newValue());
        assertEquals("exit", watch.list().getFirst().state());
        assertCleanedUp();
        assertEquals(2, watch.attaches.get(), "one engine per thread");
    }

    @Test
    @DisplayName("a process watch covers the threads the process already has; each thread's writes are its own hits")
    void existingThreads() {
        program("workers", "    thread w", "    thread w",
                "w:", "    gettid", "    mov rbx, rax",
                "loop:", "    store8 " + PAGE + ", rbx", "    yield", "    jmp loop");
        int pid = sim.spawn("workers", List.of());
        await("three threads", () -> sim.info(pid).threads() == 3);
        watch.add(pid, PAGE, 8, Access.WRITE, Scope.PROCESS, false);
        assertEquals(3, watch.list().getFirst().threads());
        Set<Integer> tids = sim.tasks().stream().filter(i -> i.tgid() == pid).map(TaskInfo::tid).collect(Collectors.toSet());
        await("each thread hit", () -> watch.hits(1, 256).stream().map(Hit::tid).collect(Collectors.toSet()).equals(tids));
        for (Hit h : watch.hits(1, 256)) assertEquals(h.tid(), h.newValue(), "each thread stores its tid");
        watch.remove(1);
        for (int tid : tids) assertEquals(List.of(), slots.slots(task(tid)), "removed from thread " + tid);
        await("detached from every thread", () -> tids.stream().allMatch(tid -> ours(task(tid)).isEmpty()));
        for (int tid : tids) assertTrue(!sim.info(tid).state().hasExited(), "thread " + tid + " runs on");
        sim.kill(pid, Signals.SIGKILL);
        waitExit(pid);
        assertCleanedUp();
    }

    @Test
    @DisplayName("R-HBP-1 exec ends a process watch: every thread's claim goes once (the exec'ing one's and the dying siblings')")
    void execEndsAProcessWatch() {
        program("mtexec", "    thread s", "    thread s", "    sleep 10", "    exec \"after\"",
                "s:", "    store8 " + PAGE + ", 1", "p:", "    pause", "    jmp p");
        program("after", "    store8 " + PAGE + ", 5");
        int pid = spawnStopped("mtexec");
        watch.add(pid, PAGE, 8, Access.WRITE, Scope.PROCESS, false);
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertEquals("exec", watch.list().getFirst().state());
        assertTrue(watch.hits(1, 10).stream().allMatch(h -> h.newValue() == 1), "no hit in the new image");
        assertCleanedUp();
        assertEquals(3, watch.attaches.get());
    }
}
