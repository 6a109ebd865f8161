package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.linux.internal.sys.Wait;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Threads are traced from their first instruction: each new tid is announced by its parent's
 * CLONE event before its own first stop reaches the listener, even when the kernel reported the
 * child's stop first (the race test makes that happen many times).
 */
class Threads_CloneTest extends TracerTestBase {

    private static final int SYS_GETTID = 186;

    @Test
    @DisplayName("each thread is announced by a CLONE event, stops first as ATTACHED, makes its syscall and exits")
    void threadsAreTraced() throws Exception {
        Spawned s = spawn("threads", "1", "3");
        assertEquals(Wait.exitedStatus(0), exit(s));
        assertEquals("threads 3\n", stdout(s));
        List<Integer> children = checkCloneOrder(s.pid());
        assertEquals(3, children.size());
        for (int child : children) {
            List<Recorder.Event> mine = recorder.of(child);
            assertTrue(mine.stream().anyMatch(e -> e.is(StopKind.SYSCALL_ENTRY) && e.syscall() == SYS_GETTID),
                    "thread " + child + " made its gettid: " + mine);
            Recorder.Event last = mine.get(mine.size() - 1);
            assertEquals(End.EXITED, last.end(), "thread " + child + " ended: " + mine);
        }
    }

    @Test
    @DisplayName("race: many threads created at once; the child's first stop never reaches the listener before its CLONE event")
    void cloneOrderUnderRace() throws Exception {
        int rounds = Math.max(5, Integer.getInteger("race.iterations", 10_000) / 200);
        Spawned s = spawn("threads", Integer.toString(rounds), "8");
        assertEquals(Wait.exitedStatus(0), exit(s));
        assertEquals("threads " + rounds * 8 + "\n", stdout(s));
        assertEquals(rounds * 8, checkCloneOrder(s.pid()).size());
    }

    @Test
    @DisplayName("a new thread's first stop reported before its parent's CLONE event is held back until that event")
    void childStopBeforeParentEvent() throws Exception {
        // The kernel's list of tracees is newest first, so with both stops pending waitpid returns
        // the child's: at the leader's marker the listener lets thread A (running without syscall
        // stops) go on to create B, and keeps the tracer thread there until A (in its CLONE event)
        // and B (in its first stop) are both stopped.
        int[] a = {0};
        recorder.policy = (t, stop) -> {
            if (stop.kind() == StopKind.CLONE && t.isLeader() && a[0] == 0) a[0] = stop.child().tid();
            if (stop.kind() == StopKind.SYSCALL_ENTRY && stop.syscall() == 110 && stop.arg(0) == 0x5151) {
                try (Arena arena = Arena.ofConfined()) {
                    t.writeMemory(stop.arg(1), arena.allocateFrom(ValueLayout.JAVA_LONG, 1L));
                }
                awaitAllStopped(t.pid(), 3);
            }
            return t.tid() == a[0] ? Resume.CONT : null;
        };
        Spawned s = spawn("nested");
        assertEquals(Wait.exitedStatus(0), exit(s));
        assertEquals("nested\n", stdout(s));
        assertTrue(get(tracer.stats()).orphanStops() >= 1, "B's first stop came before A's CLONE event: " + recorder.all());
        List<Integer> fromA = recorder.select(e -> e.tid() == a[0] && e.is(StopKind.CLONE)).stream().map(Recorder.Event::child).toList();
        assertEquals(1, fromA.size(), "A created B: " + recorder.all());
        checkCloneOrder(s.pid());
        assertEquals(StopKind.ATTACHED.name(), recorder.of(fromA.get(0)).get(0).kind());
    }

    /** Keeps the tracer thread here until {@code pid} has {@code threads} threads, all in a tracing stop. */
    private static void awaitAllStopped(int pid, int threads) {
        long deadline = System.nanoTime() + TIMEOUT_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            int[] tids = ProcFs.tasks(pid);
            if (tids.length == threads && java.util.Arrays.stream(tids).allMatch(tid -> {
                ProcFs.Status st = ProcFs.status(tid);
                return st != null && st.state() == 't';
            })) {
                return;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** For every CLONE event: the child's events all come after it, the first being ATTACHED. */
    private List<Integer> checkCloneOrder(int pid) {
        List<Recorder.Event> all = recorder.all();
        List<Integer> children = all.stream().filter(e -> e.pid() == pid && e.is(StopKind.CLONE)).map(Recorder.Event::child).toList();
        for (int i = 0; i < all.size(); i++) {
            Recorder.Event e = all.get(i);
            if (!e.is(StopKind.CLONE) || e.pid() != pid) continue;
            int child = e.child();
            for (int j = 0; j < i; j++) {
                Recorder.Event before = all.get(j);
                // A tid can be reused by a later thread; only events after the previous END of that tid count.
                if (before.tid() == child && before.kind().equals("END")) continue;
                assertFalse(before.tid() == child && !endedBetween(all, child, j, i), "thread " + child
                        + " reported " + before + " before its CLONE event");
            }
            Recorder.Event first = all.subList(i + 1, all.size()).stream().filter(x -> x.tid() == child).findFirst().orElseThrow();
            assertTrue(first.is(StopKind.ATTACHED), "the first stop of thread " + child + " is ATTACHED: " + first);
        }
        return children;
    }

    private static boolean endedBetween(List<Recorder.Event> all, int tid, int from, int to) {
        for (int k = from; k < to; k++) if (all.get(k).tid() == tid && all.get(k).kind().equals("END")) return true;
        return false;
    }
}
