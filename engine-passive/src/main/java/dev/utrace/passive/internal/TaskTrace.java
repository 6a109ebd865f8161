package dev.utrace.passive.internal;

import dev.utrace.passive.Kind;
import dev.utrace.passive.SyscallStat;
import dev.utrace.passive.Stats;
import dev.utrace.passive.TraceEvent;
import dev.utrace.passive.TraceInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One traced task's data ({@code engine->data}): its ring and statistics. The task's own
 * callbacks write it; readers take snapshots. The lock guards only this object's fields and
 * is held for a few assignments, never while calling the core.
 */
final class TaskTrace {
    final int tid;
    final int tgid;
    final String comm;
    final Set<Kind> kinds;
    final boolean follow;
    final long mask;

    private final TraceEvent[] ring;
    private long written;
    private final Map<Integer, long[]> syscalls = new HashMap<>(); // calls, errors, nanos
    private final Map<Integer, Long> signals = new TreeMap<>();
    private long exits;

    // Written and read only by the traced task's own callbacks (one hook thread at a time).
    private int pendingNr = -1;
    private long[] pendingArgs;
    private long pendingStart;

    /** Set once by whoever ends the trace (untrace, death, release); later records are ignored. */
    private final AtomicBoolean retired = new AtomicBoolean();
    private volatile String ended = "";
    /** How many times release ran for this data; exactly 1 when all is well. */
    final AtomicInteger releases = new AtomicInteger();

    TaskTrace(int tid, int tgid, String comm, Set<Kind> kinds, boolean follow, int ringSize, long mask) {
        this.tid = tid;
        this.tgid = tgid;
        this.comm = comm;
        this.kinds = java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(kinds));
        this.follow = follow;
        this.ring = new TraceEvent[ringSize];
        this.mask = mask;
    }

    boolean wants(Kind k) {
        return kinds.contains(k);
    }

    boolean retired() {
        return retired.get();
    }

    /** Marks the trace ended; true for the one caller that did it. */
    boolean retire(String why) {
        if (!retired.compareAndSet(false, true)) return false;
        ended = why;
        return true;
    }

    String ended() {
        return ended;
    }

    void syscallEntry(int nr, long[] args, long now) {
        pendingNr = nr;
        pendingArgs = args;
        pendingStart = now;
        synchronized (this) {
            syscalls.computeIfAbsent(nr, k -> new long[3])[0]++;
        }
    }

    /** The finished syscall's event, or null if its entry was not seen. */
    TraceEvent syscallExit(long seq, long now, int nr, long result) {
        if (pendingNr != nr) {
            pendingNr = -1;
            return null;
        }
        long d = now - pendingStart;
        boolean error = result < 0 && result >= -4095;
        synchronized (this) {
            long[] s = syscalls.computeIfAbsent(nr, k -> new long[3]);
            if (error) s[1]++;
            s[2] += d;
        }
        TraceEvent e = new TraceEvent(seq, now, tid, Kind.SYSCALLS, nr, pendingArgs, result, true, d, null);
        pendingNr = -1;
        return e;
    }

    /** The syscall that never returned (exit_group, or death inside it), or null. */
    TraceEvent unfinishedSyscall(long seq, long now) {
        if (pendingNr < 0) return null;
        TraceEvent e = new TraceEvent(seq, now, tid, Kind.SYSCALLS, pendingNr, pendingArgs, 0, false, 0, null);
        pendingNr = -1;
        return e;
    }

    synchronized void countSignal(int signo) {
        signals.merge(signo, 1L, Long::sum);
    }

    synchronized void countExit() {
        exits++;
    }

    /** Adds to the ring, overwriting the oldest when full. */
    synchronized void add(TraceEvent e) {
        ring[(int) (written % ring.length)] = e;
        written++;
    }

    synchronized long dropped() {
        return Math.max(0, written - ring.length);
    }

    /** The last {@code n} events, oldest first. */
    synchronized List<TraceEvent> last(int n) {
        int have = (int) Math.min(written, ring.length);
        int k = Math.min(Math.max(n, 0), have);
        List<TraceEvent> out = new ArrayList<>(k);
        for (long i = written - k; i < written; i++) out.add(ring[(int) (i % ring.length)]);
        return out;
    }

    synchronized Stats stats() {
        List<SyscallStat> rows = new ArrayList<>();
        syscalls.forEach((nr, s) -> rows.add(new SyscallStat(nr, s[0], s[1], s[2])));
        return new Stats(tid, List.copyOf(rows), Map.copyOf(signals), exits, Math.max(0, written - ring.length));
    }

    synchronized TraceInfo info() {
        return new TraceInfo(tid, tgid, comm, kinds, follow, !retired.get(), ended, written,
                Math.max(0, written - ring.length), ring.length);
    }

    /** Sums several statistics into one (pid 0). */
    static Stats sum(List<Stats> all) {
        Map<Integer, long[]> sys = new HashMap<>();
        Map<Integer, Long> sig = new TreeMap<>();
        long exits = 0, dropped = 0;
        for (Stats s : all) {
            for (SyscallStat r : s.syscalls()) {
                long[] a = sys.computeIfAbsent(r.number(), k -> new long[3]);
                a[0] += r.calls();
                a[1] += r.errors();
                a[2] += r.nanos();
            }
            s.signals().forEach((k, v) -> sig.merge(k, v, Long::sum));
            exits += s.exits();
            dropped += s.dropped();
        }
        List<SyscallStat> rows = new ArrayList<>();
        sys.forEach((nr, a) -> rows.add(new SyscallStat(nr, a[0], a[1], a[2])));
        return new Stats(0, List.copyOf(rows), Map.copyOf(sig), exits, dropped);
    }
}
