package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.SyscallSet;
import dev.utrace.linux.internal.sys.Wait;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Programs spawned under a seccomp filter ({@link SpawnSpec#syscalls()}), on real processes: only
 * the filter's syscalls stop, each seen once as an entry and an exit (the same as
 * {@code strace --seccomp-bpf} sees); stopping at every syscall anyway shows each syscall once
 * too (the same stream as strace's without a filter).
 */
class Seccomp_FilterTest extends TracerTestBase {
    static final int OPENAT = 257, GETPPID = 110;

    @TempDir
    Path temp;

    private long stops() throws Exception {
        return get(tracer.stats()).stops();
    }

    /** The tracer's stop count just after the EXEC stop of the program (the wrapper shell's stops before it left out). */
    private java.util.concurrent.CompletableFuture<Tracer.Stats> countFromExec(java.util.function.BiFunction<Tracee, Stop, Resume> then) {
        java.util.concurrent.CompletableFuture<Tracer.Stats> atExec = new java.util.concurrent.CompletableFuture<>();
        recorder.policy = (t, stop) -> {
            if (stop.kind() == StopKind.EXEC) tracer.stats().whenComplete((st, e) -> atExec.complete(st)); // after this stop
            return then.apply(t, stop);
        };
        return atExec;
    }

    /** "entry NR" / "exit" per syscall stop of {@code pid}, in order. */
    private List<String> syscallStops(int pid) {
        List<String> out = new ArrayList<>();
        for (Recorder.Event e : recorder.of(pid)) {
            if (e.is(StopKind.SYSCALL_ENTRY)) out.add("entry " + e.syscall());
            else if (e.is(StopKind.SYSCALL_EXIT)) out.add("exit");
        }
        return out;
    }

    @Test
    @DisplayName("under a filter on openat only openat stops (none of 4,000 getppids), each as one entry and one exit")
    void onlyTheFiltersSyscallsStop() throws Exception {
        Path input = Files.writeString(temp.resolve("in.txt"), "filtered\n");
        var atExec = countFromExec((t, stop) -> null);
        Spawned s = spawn(SpawnSpec.of(Workloads.path("filtered"), input.toString(), "20", "200")
                .withSyscalls(SyscallSet.of(OPENAT)));
        assertEquals(Wait.exitedStatus(0), exit(s));
        String out = stdout(s);
        assertTrue(out.startsWith("loop 1: filtered\n") && out.endsWith("loop 20: filtered\nend\n"), out);
        long stopped = stops() - get(atExec).stops();

        List<String> seen = syscallStops(s.pid());
        assertEquals("exit", seen.getFirst(), "the execve's exit, as without a filter");
        List<String> rest = seen.subList(1, seen.size());
        int opens = 0;
        for (int i = 0; i < rest.size(); i += 2) {
            assertEquals("entry " + OPENAT, rest.get(i), "only openat entries: " + rest);
            assertEquals("exit", rest.get(i + 1), "each entry followed by its exit: " + rest);
            opens++;
        }
        assertTrue(opens >= 20, "the 20 opens of the file, and the loader's: " + opens);
        // After the EXEC stop: execve's exit, two per openat, the EXIT event; the 4,000 getppids stopped none.
        assertEquals(2L * opens + 2, stopped, "stops after EXEC: " + recorder.of(s.pid()));
    }

    @Test
    @DisplayName("under a filter on openat the openat calls and results are those strace --seccomp-bpf -e trace=openat shows")
    void sameOpenatsAsStraceSeccompBpf() throws Exception {
        Path input = Files.writeString(temp.resolve("input.txt"), "seventeen bytes.\n");
        String program = Workloads.path("stream");
        Spawned s = spawn(SpawnSpec.of(program, input.toString()).withSyscalls(SyscallSet.of(OPENAT)));
        assertEquals(Wait.exitedStatus(3), exit(s));
        assertEquals("seventeen bytes.\n", stdout(s));
        List<String> ours = SyscallStream_StraceTest.ours(recorder, s.pid());
        assertEquals("execve 0", ours.getFirst());
        List<String> theirs = SyscallStream_StraceTest.strace(temp, "trace=openat", program, input);
        assertTrue(theirs.size() >= 3 && theirs.stream().allMatch(l -> l.startsWith("openat ")),
                "the loader's opens and the program's two: " + theirs);
        assertEquals(theirs, ours.subList(1, ours.size()));
    }

    @Test
    @DisplayName("under a filter but stopping at every syscall, each syscall is seen exactly once: the stream strace -e trace=all shows")
    void everySyscallOnceBeyondTheFilter() throws Exception {
        Path input = Files.writeString(temp.resolve("input.txt"), "seventeen bytes.\n");
        String program = Workloads.path("stream");
        boolean[] switched = new boolean[2];
        var atExec = countFromExec((t, stop) -> {
            if (stop.kind() == StopKind.EXEC) {
                switched[0] = t.wantSyscalls(SyscallSet.ALL); // beyond the filter: now at every syscall
                switched[1] = t.stopsAtEverySyscall();
            }
            return null;
        });
        Spawned s = spawn(SpawnSpec.of(program, input.toString()).withSyscalls(SyscallSet.of(OPENAT)));
        assertEquals(Wait.exitedStatus(3), exit(s));
        long stopped = stops() - get(atExec).stops();
        assertTrue(switched[0] && switched[1], "switched to every syscall at the EXEC stop");
        List<String> ours = SyscallStream_StraceTest.ours(recorder, s.pid());
        assertEquals(SyscallStream_StraceTest.strace(temp, "trace=all", program, input), ours,
                "the syscall-entry stop and the seccomp stop of one openat are one entry");
        long opens = ours.stream().filter(l -> l.startsWith("openat ")).count();
        long stopsSeen = recorder.of(s.pid()).size() - 2; // after EXEC; END is no stop
        assertEquals(stopsSeen + opens, stopped, "one more stop per openat (its seccomp stop), not shown: " + recorder.of(s.pid()));
    }

    @Test
    @DisplayName("switched to every syscall and back while it runs: no entry seen twice, no exit without its entry")
    void switchingWhileItRuns() throws Exception {
        Path input = Files.writeString(temp.resolve("in.txt"), "x\n");
        Spawned s = spawn(SpawnSpec.of(Workloads.path("filtered"), input.toString(), "300", "20", "1")
                .withSyscalls(SyscallSet.of(OPENAT)));
        int switches = 0;
        while (!s.exit().isDone() && switches < 40) {
            SyscallSet wanted = switches % 2 == 0 ? SyscallSet.ALL : SyscallSet.of(OPENAT);
            onTracer(() -> {
                Tracee t = tracer.tracee(s.pid());
                return t == null ? null : t.wantSyscalls(wanted);
            });
            switches++;
            Thread.sleep(5);
        }
        assertEquals(Wait.exitedStatus(0), exit(s));
        assertTrue(stdout(s).endsWith("loop 300: x\nend\n"));
        List<String> seen = syscallStops(s.pid());
        assertEquals("exit", seen.getFirst(), "execve's");
        for (int i = 1; i < seen.size(); i++) {
            boolean entry = seen.get(i).startsWith("entry");
            boolean lastEntry = seen.get(i - 1).startsWith("entry");
            int at = i;
            assertFalse(entry && lastEntry, () -> "an entry twice in a row: " + around(seen, at));
            assertFalse(!entry && !lastEntry, () -> "an exit without its entry: " + around(seen, at));
        }
        long getppids = seen.stream().filter(e -> e.equals("entry " + GETPPID)).count();
        assertTrue(switches < 4 || getppids > 0, "while at every syscall, getppid was seen: " + switches + " switches");
        assertTrue(getppids < 300L * 20, "while under the filter, getppid was not: " + getppids);
        assertTrue(seen.stream().filter(e -> e.equals("entry " + OPENAT)).count() >= 300, () -> "every open of the file: "
                + seen.stream().collect(Collectors.groupingBy(e -> e, Collectors.counting())));
    }

    private static List<String> around(List<String> l, int i) {
        return l.subList(Math.max(0, i - 6), Math.min(l.size(), i + 6));
    }

    @Test
    @DisplayName("a program under a filter tracing openat, with no tracer: its open fails with ENOSYS (why the tracer keeps it)")
    void withoutATracerAFilteredSyscallFailsWithEnosys() throws Exception {
        UntracedChild c = untraced("selffilter", "/etc/hostname");
        assertEquals(Wait.exitedStatus(0), c.waitExit());
        assertEquals("open -1 ENOSYS\ngetpid ok\n", c.stdout());
    }

    private static String expected(int loops, String line) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= loops; i++) sb.append("loop ").append(i).append(": ").append(line);
        return sb.append("end\n").toString();
    }

    @Test
    @DisplayName("a filtered program detached is kept, not detached: told DETACHED, it runs on still attached, its output as untraced")
    void detachedIsKept() throws Exception {
        Path input = Files.writeString(temp.resolve("in.txt"), "kept\n");
        Spawned s = spawn(SpawnSpec.of(Workloads.path("filtered"), input.toString(), "40", "50", "5")
                .withSyscalls(SyscallSet.of(OPENAT)));
        await(() -> s.output().stdout().contains("loop 3:"), "three loops");
        get(tracer.detach(s.pid()));
        assertEquals(0, get(recorder.ended(s.pid())), "the listener was told it ended");
        assertEquals(End.DETACHED, recorder.of(s.pid()).getLast().end());
        int eventsAtDetach = recorder.of(s.pid()).size();
        ProcFs.Status st = ProcFs.status(s.pid());
        assertTrue(st != null && st.tracerPid() == tracer.tracerTid(), "still attached to the tracer thread: " + st);
        assertEquals(Wait.exitedStatus(0), exit(s));
        assertEquals(expected(40, "kept\n"), stdout(s), "no open failed with ENOSYS");
        assertEquals(eventsAtDetach, recorder.of(s.pid()).size(), "the listener heard nothing more");
    }

    @Test
    @DisplayName("at close a filtered program is kept until it ends (job control still works); close returns while it runs")
    void closeKeepsItUntilItEnds() throws Exception {
        Path input = Files.writeString(temp.resolve("in.txt"), "closed\n");
        Spawned s = spawn(SpawnSpec.of(Workloads.path("filtered"), input.toString(), "60", "50", "5")
                .withSyscalls(SyscallSet.of(OPENAT)));
        await(() -> s.output().stdout().contains("loop 2:"), "two loops");
        trackChildrenOfTracerThread();
        tracer.close();
        assertFalse(s.exit().isDone(), "close returned while it runs");
        assertEquals(End.DETACHED, recorder.of(s.pid()).getLast().end());
        dev.utrace.linux.internal.sys.Signals.send(s.pid(), dev.utrace.linux.internal.sys.Signals.SIGSTOP);
        // State t is also a seccomp stop the tracer answers at once; stopped means t or T and not a
        // line written over four of its loops (50 ms each). Were SIGSTOP not honoured, it would
        // write on, and this times out.
        await(() -> stoppedFor(s, 200), "stopped by SIGSTOP, writing nothing");
        dev.utrace.linux.internal.sys.Signals.send(s.pid(), dev.utrace.linux.internal.sys.Signals.SIGCONT);
        assertEquals(Wait.exitedStatus(0), exit(s));
        assertEquals(expected(60, "closed\n"), stdout(s));
    }

    /** Whether {@code s} is stopped and writes nothing for {@code millis}. */
    private static boolean stoppedFor(Spawned s, long millis) {
        String before = s.output().stdout();
        if (!stopped(s.pid())) return false;
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return stopped(s.pid()) && before.equals(s.output().stdout());
    }

    private static boolean stopped(int pid) {
        ProcFs.Status st = ProcFs.status(pid);
        return st != null && (st.state() == 't' || st.state() == 'T');
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_SECONDS * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(2);
        }
    }
}
