package dev.utrace.passive.internal;

import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Task;
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
import dev.utrace.passive.Copied;
import dev.utrace.passive.internal.strace.SyscallTable;

/**
 * One traced task's data ({@code engine->data}): its ring and statistics. The task's own
 * callbacks are the only writers; readers take snapshots. The monitor guards the ring and the
 * statistics, and is taken once per recorded syscall (at its exit, or when it never returns),
 * for a few stores; the entry's number, arguments and start time are the writer's own and
 * need none. Never held while calling the core.
 */
final class TaskTrace {
    /**
     * The traced task's thread id. It changes once if the task execs from a thread that is not
     * its process's leader: the task takes the leader's tid (strace then shows it under that pid).
     */
    volatile int tid;
    /** The tid the task had before such an exec, or 0. */
    volatile int formerTid;
    final int tgid;
    final String comm;
    final Set<Kind> kinds;
    final boolean follow;
    /** The task whose trace followed this one into being (its parent or creating thread), or 0 if {@code trace} began it. */
    final int parent;
    final long mask;
    /** The machine's syscall names, and what each syscall's line needs copied from memory. */
    private final SyscallTable syscalls;

    private final TraceEvent[] ring;
    private long written;
    private final Map<Integer, long[]> counts = new HashMap<>(); // calls, errors, nanos
    private final Map<Integer, Long> signals = new TreeMap<>();
    private long exits;

    // Written and read only by the traced task's own callbacks (one hook thread at a time).
    private int pendingNr = -1;
    private final long[] pendingArgs = new long[Reg.SYSCALL_ARGS.length];
    private long pendingStart;
    /** What the pending syscall's entry copied from memory, by argument; null if nothing. */
    private Copied[] pendingCopied;

    /** Set once by whoever ends the trace (untrace, death, release); later records are ignored. */
    private final AtomicBoolean retired = new AtomicBoolean();
    private volatile String ended = "";
    /** How many times release ran for this data; exactly 1 when all is well. */
    final AtomicInteger releases = new AtomicInteger();

    TaskTrace(int tid, int tgid, String comm, Set<Kind> kinds, boolean follow, int ringSize, long mask,
              SyscallTable syscalls) {
        this(tid, tgid, comm, kinds, follow, 0, ringSize, mask, syscalls);
    }

    private TaskTrace(int tid, int tgid, String comm, Set<Kind> kinds, boolean follow, int parent, int ringSize, long mask,
              SyscallTable syscalls) {
        this.tid = tid;
        this.parent = parent;
        this.tgid = tgid;
        this.comm = comm;
        this.kinds = java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(kinds));
        this.follow = follow;
        this.ring = new TraceEvent[ringSize];
        this.mask = mask;
        this.syscalls = syscalls;
    }

    /** A trace of another task with this one's settings (a followed child). */
    TaskTrace forChild(int childTid, int childTgid, String childComm, int ringSize) {
        return new TaskTrace(childTid, childTgid, childComm, kinds, true, tid, ringSize, mask, syscalls);
    }

    /** The task now answers to {@code now} (it exec'd from a non-leader thread); its events from now on carry it. */
    void retid(int now) {
        formerTid = tid;
        tid = now;
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

    /**
     * Notes a syscall's entry: its number and arguments, read from {@code task} in its own callback,
     * and the strings its line shows, copied from the task's memory now (it may change once the
     * syscall runs). The syscall's time starts after the copying, which it does not include.
     */
    void syscallEntry(Task task, long now) {
        pendingNr = (int) task.register(Reg.ORIG_RAX);
        for (int i = 0; i < pendingArgs.length; i++) pendingArgs[i] = task.register(Reg.SYSCALL_ARGS[i]);
        pendingCopied = syscalls.atEntry(pendingNr, task, pendingArgs);
        pendingStart = pendingCopied == null ? now : System.nanoTime();
    }

    /**
     * Records the finished syscall (counted, timed, in the ring) and returns its event, or null if
     * its entry was not seen (a new task's first stop is the exit of the clone that made it; a
     * trace may begin in the middle of a syscall). What it wrote that its line shows is copied
     * from {@code task} first. The syscall is the one whose entry was seen, as strace has it:
     * {@code orig_rax} at the exit is not always its number any more ({@code rt_sigreturn}
     * restores a frame with -1 there, an exec gives the simulated machine's new image -1).
     */
    TraceEvent syscallExit(long seq, long now, Task task, long result) {
        int nr = pendingNr;
        if (nr < 0) return null;
        pendingNr = -1;
        long d = now - pendingStart;
        boolean error = result < 0 && result >= -4095;
        Copied[] copied = syscalls.atExit(nr, task, pendingArgs, result, pendingCopied);
        pendingCopied = null;
        TraceEvent e = new TraceEvent(seq, now, tid, Kind.SYSCALLS, nr, syscalls.name(nr), pendingArgs, result, true, d,
                null, copied == null ? null : List.of(copied));
        synchronized (this) {
            long[] s = counts.computeIfAbsent(nr, k -> new long[3]);
            s[0]++;
            if (error) s[1]++;
            s[2] += d;
            addLocked(e);
        }
        return e;
    }

    /**
     * Records the syscall that never returned (exit_group, or death inside it) and returns its event,
     * or null. Its duration runs to {@code now} (an export draws it so). The statistics do not count
     * it, as {@code strace -c} counts a syscall when it returns: their calls and time are of
     * syscalls that returned.
     */
    TraceEvent unfinishedSyscall(long seq, long now) {
        if (pendingNr < 0) return null;
        int nr = pendingNr;
        pendingNr = -1;
        Copied[] copied = pendingCopied;
        pendingCopied = null;
        TraceEvent e = new TraceEvent(seq, now, tid, Kind.SYSCALLS, nr, syscalls.name(nr), pendingArgs, 0, false,
                now - pendingStart, null, copied == null ? null : List.of(copied));
        add(e);
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
        addLocked(e);
    }

    private void addLocked(TraceEvent e) {
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
        counts.forEach((nr, s) -> rows.add(new SyscallStat(nr, syscalls.name(nr), s[0], s[1], s[2])));
        return new Stats(tid, List.copyOf(rows), Map.copyOf(signals), exits, Math.max(0, written - ring.length));
    }

    synchronized TraceInfo info() {
        return new TraceInfo(tid, tgid, comm, kinds, follow, !retired.get(), ended, written,
                Math.max(0, written - ring.length), ring.length);
    }

    /** Sums several statistics into one (pid 0). */
    static Stats sum(List<Stats> all) {
        Map<Integer, long[]> sys = new HashMap<>();
        Map<Integer, String> names = new HashMap<>();
        Map<Integer, Long> sig = new TreeMap<>();
        long exits = 0, dropped = 0;
        for (Stats s : all) {
            for (SyscallStat r : s.syscalls()) {
                long[] a = sys.computeIfAbsent(r.number(), k -> new long[3]);
                names.put(r.number(), r.name());
                a[0] += r.calls();
                a[1] += r.errors();
                a[2] += r.nanos();
            }
            s.signals().forEach((k, v) -> sig.merge(k, v, Long::sum));
            exits += s.exits();
            dropped += s.dropped();
        }
        List<SyscallStat> rows = new ArrayList<>();
        sys.forEach((nr, a) -> rows.add(new SyscallStat(nr, names.get(nr), a[0], a[1], a[2])));
        return new Stats(0, List.copyOf(rows), Map.copyOf(sig), exits, dropped);
    }
}
