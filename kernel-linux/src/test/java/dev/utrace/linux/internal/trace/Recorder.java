package dev.utrace.linux.internal.trace;

import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.Signals;
import dev.utrace.linux.internal.sys.Wait;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * A listener that records every stop and end, for the tests to read afterwards from any thread.
 * Tracees go on with PTRACE_SYSCALL (LISTEN at a group stop) unless the policy says otherwise;
 * every pid seen is handed to the {@link LeakGuard}.
 */
final class Recorder implements TraceeListener {

    /** One listener call; {@code kind} is a StopKind name, or "END" (then {@code end} and {@code status}). */
    record Event(int tid, int pid, String kind, long syscall, long value, boolean error, int signal, long message,
                 int formerTid, int child, End end, int status) {

        boolean is(StopKind k) {
            return kind.equals(k.name());
        }

        @Override
        public String toString() {
            String what = switch (kind) {
                case "SYSCALL_ENTRY" -> "entry " + syscall;
                case "SYSCALL_EXIT" -> "exit " + (error ? "-" + Errno.name((int) -value) : Long.toString(value));
                case "SIGNAL", "GROUP_STOP" -> kind + " " + Signals.name(signal);
                case "END" -> "END " + end + (status != 0 || end == End.EXITED ? " " + Wait.describe(status) : "");
                case "EXEC" -> "EXEC former " + formerTid;
                case "CLONE", "FORK", "VFORK" -> kind + " " + child;
                default -> kind;
            };
            return tid + " " + what;
        }
    }

    final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
    private final Map<Integer, CompletableFuture<Integer>> ends = new ConcurrentHashMap<>();
    private final LeakGuard guard;
    /** Returns how to resume, or null for the default. */
    volatile BiFunction<Tracee, Stop, Resume> policy = (t, s) -> null;

    Recorder(LeakGuard guard) {
        this.guard = guard;
    }

    @Override
    public Resume onStop(Tracee tracee, Stop stop) {
        guard.track(tracee.pid());
        events.add(new Event(tracee.tid(), tracee.pid(), stop.kind().name(), stop.syscall(),
                stop.kind() == StopKind.SYSCALL_EXIT ? stop.returnValue() : stop.arg(0), stop.isError(), stop.signal(),
                stop.message(), stop.formerTid(), stop.child() == null ? 0 : stop.child().tid(), null, 0));
        if (stop.child() != null) guard.track(stop.child().pid());
        Resume r = policy.apply(tracee, stop);
        if (r != null) return r;
        return stop.kind() == StopKind.GROUP_STOP ? Resume.LISTEN : Resume.SYSCALL;
    }

    @Override
    public void onEnd(Tracee tracee, End end, int status) {
        events.add(new Event(tracee.tid(), tracee.pid(), "END", -1, 0, false, 0, 0, 0, 0, end, status));
        ended(tracee.tid()).complete(status);
    }

    /** Completes with the wait status (0 for a detach or an exec replacement) when thread {@code tid} ends. */
    CompletableFuture<Integer> ended(int tid) {
        return ends.computeIfAbsent(tid, k -> new CompletableFuture<>());
    }

    List<Event> of(int tid) {
        return select(e -> e.tid() == tid);
    }

    List<Event> select(Predicate<Event> p) {
        List<Event> out = new ArrayList<>();
        for (Event e : events) if (p.test(e)) out.add(e);
        return out;
    }

    List<Event> all() {
        return new ArrayList<>(events);
    }
}
