package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.hw.Access;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Task;
import dev.utrace.linux.internal.sys.Wait;
import dev.utrace.linux.internal.trace.UntracedChild;
import dev.utrace.linux.internal.trace.Workloads;
import dev.utrace.watchpoint.Hit;
import dev.utrace.watchpoint.Scope;
import dev.utrace.watchpoint.WatchInfo;
import dev.utrace.watchpoint.Watchpoints;
import dev.utrace.watchpoint.internal.WatchpointsImpl;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The watchpoint engine on a real program's variables ({@code workloads/vars.c}): one of each
 * length x86 can watch, some on the main thread only, some on the whole process including the
 * threads it starts later. Every write is a hit with the value before and after, on the thread
 * that made it; the program never sees a SIGTRAP (it counts them with a handler) and writes what
 * an untraced run writes.
 */
class Watchpoint_RealProgramTest extends MachineFixture {
    private static final int SYS_GETPPID = 110;

    @Test
    @DisplayName("R-HBP-1: watches of 1, 2, 4 and 8 bytes of a real program, on its main thread or its whole process (threads started later included): each write a hit with old and new value; no SIGTRAP reaches the program")
    void watchesOfEachLengthOnAThreadAndOnTheProcess() throws Exception {
        String untraced = untracedOutput();
        WatchpointsImpl watch = new WatchpointsImpl(core.facade("watch"), machine);
        try {
            int pid = spawnStopped("vars");
            AtomicLong where = new AtomicLong();
            LinuxTask main = task(pid);
            Engine marker = attach(main, heldAtMarker(where), Event.mask(Event.SYSCALL_ENTRY));
            cont(pid);
            await("held at its marker", () -> where.get() != 0 && main.isUtraceStopped());
            long v = where.get();
            WatchInfo b = watch.add(pid, v, 1, Access.WRITE, Scope.THREAD, false);
            WatchInfo h = watch.add(pid, v + 2, 2, Access.WRITE, Scope.PROCESS, false);
            WatchInfo w = watch.add(pid, v + 4, 4, Access.WRITE, Scope.THREAD, false);
            WatchInfo q = watch.add(pid, v + 8, 8, Access.WRITE, Scope.PROCESS, false);
            assertEquals(Outcome.DONE, utrace.control(main, marker, ResumeAction.DETACH));

            assertEquals(WaitStatus.exited(0), waitExit(pid));
            assertEquals(untraced, console(pid, "traps"), "what an untraced run writes, no SIGTRAP among it");

            // The main thread's three writes of each; the threads' writes only where the whole process is watched.
            assertHits(watch.hits(b.id(), 100), v, 1, List.of(0L, 0x11L, 0x22L, 0x33L));
            assertHits(watch.hits(w.id(), 100), v + 4, 4, List.of(0L, 0x11111111L, 0x22222222L, 0x33333333L));
            assertEquals(List.of(pid, pid, pid), tids(watch.hits(b.id(), 100)));
            assertEquals(List.of(pid, pid, pid), tids(watch.hits(w.id(), 100)));
            assertHits(watch.hits(h.id(), 100), v + 2, 2, List.of(0L, 0x1111L, 0x2222L, 0x3333L, 0x1001L, 0x1002L));
            assertHits(watch.hits(q.id(), 100), v + 8, 8,
                    List.of(0L, 0x1111111111111111L, 0x2222222222222222L, 0x3333333333333333L, 0x2001L, 0x2002L));
            List<Integer> threads = tids(watch.hits(h.id(), 100));
            assertEquals(List.of(pid, pid, pid), threads.subList(0, 3));
            int first = threads.get(3);
            int second = threads.get(4);
            assertTrue(first != pid && second != pid && first != second, "each thread's write on that thread: " + threads);
            assertEquals(threads, tids(watch.hits(q.id(), 100)), "the same threads hit the 8-byte watch");
        } finally {
            watch.deactivate();
        }
    }

    @Test
    @DisplayName("R-HBP-1: a watch added to a running real program with two threads, on its whole process, and removed while it runs: a hit per line it writes, consecutive values; its output is an untraced run's")
    void watchAddedAndRemovedWhileItRuns() throws Exception {
        int lines = 300;
        String untraced;
        try (UntracedChild c = new UntracedChild(Workloads.path("busy"), Integer.toString(lines), "2")) {
            guard.track(c.pid);
            assertEquals(Wait.exitedStatus(0), c.waitExit());
            untraced = withoutAddress(c.stdout());
        }
        WatchpointsImpl watch = new WatchpointsImpl(core.facade("watch"), machine);
        try {
            int pid = spawn("busy", Integer.toString(lines), "2");
            String first = console(pid, "line 5\n").lines().findFirst().orElseThrow();
            long watched = Long.decode(first.substring("watched ".length()));
            await("both threads on the machine", () -> machine.threads(task(pid)).size() == 2);
            WatchInfo w = watch.add(pid, watched, 8, Access.WRITE, Scope.PROCESS, false);
            assertEquals(2, w.threads(), "every thread it has");
            await("ten lines written under the watch", () -> watch.hits(w.id(), 100).size() >= 10);
            watch.remove(w.id());
            int seen = watch.hits(w.id(), Watchpoints.HITS_KEPT).size();
            assertEquals(WaitStatus.exited(0), waitExit(pid));
            assertEquals(untraced, withoutAddress(console(pid, "end\n")), "what an untraced run writes");

            List<Hit> hits = watch.hits(w.id(), Watchpoints.HITS_KEPT);
            assertEquals(seen, hits.size(), "no hit once removed");
            assertTrue(seen < lines, "removed before the end: " + seen);
            for (Hit hit : hits) {
                assertEquals(hit.oldValue() + 1, hit.newValue(), hit::toString);
                assertTrue(hit.tid() == pid && hit.write() && hit.address() == watched && hit.length() == 8, hit::toString);
            }
            for (int i = 1; i < hits.size(); i++) assertEquals(hits.get(i - 1).newValue(), hits.get(i).oldValue(), hits::toString);
        } finally {
            watch.deactivate();
        }
    }

    /** busy's output without its first line (the watched variable's address, which moves from run to run). */
    private static String withoutAddress(String out) {
        assertTrue(out.startsWith("watched 0x"), out);
        return out.substring(out.indexOf('\n') + 1);
    }

    /** Holds the program at its marker getppid(&v) and tells where v is. */
    private static Recorder heldAtMarker(AtomicLong where) {
        return new Recorder() {
            @Override
            public int reportSyscallEntry(int action, Engine engine, Task task) {
                if (task.register(Reg.ORIG_RAX) != SYS_GETPPID) return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
                where.set(task.register(Reg.RDI));
                return (action & SyscallAction.MASK) | ResumeAction.STOP.code(); // held while the watches are set
            }
        };
    }

    /** Consecutive writes: hit i took the range from values[i] to values[i + 1], all writes of the whole range. */
    private static void assertHits(List<Hit> hits, long address, int length, List<Long> values) {
        assertEquals(values.subList(0, values.size() - 1), hits.stream().map(Hit::oldValue).toList(), hits::toString);
        assertEquals(values.subList(1, values.size()), hits.stream().map(Hit::newValue).toList(), hits::toString);
        for (Hit hit : hits) {
            assertTrue(hit.write() && hit.address() == address && hit.length() == length && !hit.stopped(), hit::toString);
            assertNotEquals(0, hit.ip(), hit::toString);
        }
    }

    private static List<Integer> tids(List<Hit> hits) {
        return hits.stream().map(Hit::tid).toList();
    }

    /** The program's output run untraced, to compare the traced run with. */
    private String untracedOutput() throws Exception {
        try (UntracedChild c = new UntracedChild(Workloads.path("vars"))) {
            guard.track(c.pid);
            assertEquals(Wait.exitedStatus(0), c.waitExit());
            String out = c.stdout();
            assertTrue(out.endsWith("traps 0\n"), out);
            return out;
        }
    }
}
