package dev.utrace.watchpoint.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.hw.Access;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.impl.UtraceFacade;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.watchpoint.Scope;
import dev.utrace.watchpoint.WatchInfo;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The owner's clean-up paths racing on real threads: exec and exit (the task's callbacks)
 * against remove (a detach from another thread) and against unload, and a detach against the
 * task's own traps. However they interleave, each claim is removed by exactly one call that
 * answers true, each engine is released exactly once, and the program never sees a trap.
 */
class Teardown_RaceTest extends WatchFixture {
    static int iterations(int divisor) {
        return Math.max(20, Integer.getInteger("race.iterations", 10_000) / divisor);
    }

    /** Runs {@code program} watched, and {@code other} on another thread at the moment it starts; returns how each ended. */
    private Map<String, Integer> race(String program, WatchpointsImpl engine, Other other, int n) throws Exception {
        Map<String, Integer> seen = new TreeMap<>();
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < n; i++) {
                int pid = spawnStopped(program);
                Task t = task(pid);
                WatchInfo w = engine.add(pid, PAGE, 8, Access.WRITE, Scope.THREAD, false);
                CountDownLatch go = new CountDownLatch(1);
                Future<String> f = ex.submit(() -> {
                    go.await();
                    return other.run(w.id());
                });
                go.countDown();
                cont(pid);
                String how = f.get(20, TimeUnit.SECONDS);
                assertEquals(WaitStatus.exited(0), waitExit(pid), "the program saw no trap");
                assertEquals(List.of(), slots.slots(t), "no claim left on thread " + pid);
                seen.merge(how + "/" + stateOf(engine, w.id()), 1, Integer::sum);
            }
        } finally {
            ex.shutdownNow();
        }
        return seen;
    }

    interface Other {
        String run(int watchId) throws Exception;
    }

    private static String stateOf(WatchpointsImpl engine, int id) {
        return engine.list().stream().filter(i -> i.id() == id).map(WatchInfo::state).findFirst().orElse("gone from the list");
    }

    private String remove(int id) {
        try {
            watch.remove(id);
            return "removed";
        } catch (IllegalArgumentException ended) {
            return "too late"; // exec or exit ended it first
        }
    }

    @Test
    @DisplayName("R-HBP-1 R-HBP-2 exec racing remove (real threads): each claim removed once, each engine released once")
    void execRacesRemove() throws Exception {
        program("execer", "    store8 " + PAGE + ", 1", "    exec \"after\"");
        program("after", "    store8 " + PAGE + ", 2");
        int n = iterations(20);
        Map<String, Integer> seen = race("execer", watch, this::remove, n);
        assertCleanedUp();
        assertEquals(n, seen.values().stream().mapToInt(Integer::intValue).sum());
        System.out.println("exec vs remove, " + n + " iterations: " + seen);
    }

    @Test
    @DisplayName("R-HBP-1 R-HBP-2 exit racing remove (real threads): each claim removed once, each engine released once")
    void exitRacesRemove() throws Exception {
        program("writer", "    store8 " + PAGE + ", 1");
        int n = iterations(20);
        Map<String, Integer> seen = race("writer", watch, this::remove, n);
        assertCleanedUp();
        System.out.println("exit vs remove, " + n + " iterations: " + seen);
    }

    @Test
    @DisplayName("R-HBP-1 R-HBP-2 exit racing unload (deactivate, then the core revokes): each claim removed once, release once")
    void exitRacesUnload() throws Exception {
        program("writer", "    store8 " + PAGE + ", 1", "    store8 " + PAGE + ", 2");
        int n = iterations(50);
        Map<String, Integer> all = new TreeMap<>();
        long attached = 0, released = 0;
        for (int i = 0; i < n; i++) {
            UtraceFacade bundle = core.facade("unload-" + i);
            WatchpointsImpl engine = new WatchpointsImpl(new AttachRecorder(bundle, engines::add), slots);
            Map<String, Integer> seen = race("writer", engine, id -> {
                engine.deactivate();
                bundle.revoke();
                return "unloaded";
            }, 1);
            seen.forEach((k, v) -> all.merge(k, v, Integer::sum));
            await("released", () -> engine.released() == engine.attaches.get());
            attached += engine.attaches.get();
            released += engine.released();
        }
        assertEquals(attached, released);
        assertEquals("", slots.problems());
        for (TaskWatch tw : engines) assertEquals(1, tw.releases.get(), () -> "release of " + tw);
        System.out.println("exit vs unload, " + n + " iterations: " + all);
    }

    @Test
    @DisplayName("R-HBP-2 remove racing the thread's own traps: no SIGTRAP ever reaches the program, each claim removed once")
    void removeRacesTraps() throws Exception {
        program("spin", "loop:", "    store8 " + PAGE + ", rcx", "    add rcx, 1", "    jmp loop");
        int pid = sim.spawn("spin", List.of());
        Task t = task(pid);
        int n = iterations(10);
        long hits = 0;
        for (int i = 0; i < n; i++) {
            WatchInfo w = watch.add(pid, PAGE, 8, Access.WRITE, Scope.THREAD, false);
            jitter(i % 64); // lands the remove anywhere between a trap and its report
            hits += watch.remove(w.id()).hits();
            assertFalse(sim.info(pid).state().hasExited(), "the program runs on");
        }
        assertEquals(List.of(), slots.slots(t));
        assertTrue(sim.info(pid).state() == TaskState.RUNNING, sim.info(pid).toString());
        sim.kill(pid, Signals.SIGKILL);
        assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), waitExit(pid), "killed by us, not by a SIGTRAP");
        assertCleanedUp();
        long inCallback = engines.stream().filter(tw -> tw.detachInCallback).count();
        System.out.println("remove vs traps, " + n + " iterations, " + hits + " hits, " + inCallback
                + " detached by their signal callback (the trap was in flight)");
    }

    /** Busy-waits about {@code micros} microseconds: a spread of interleavings, not a timing assertion. */
    private static void jitter(int micros) {
        long end = System.nanoTime() + micros * 1000L;
        while (System.nanoTime() < end) Thread.onSpinWait();
    }
}
