package dev.utrace.passive.internal;

import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Task;
import dev.utrace.passive.Kind;
import dev.utrace.passive.SyscallStat;
import dev.utrace.passive.Stats;
import dev.utrace.passive.TraceEvent;
import dev.utrace.passive.TraceInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import dev.utrace.passive.internal.strace.CopyBuffer;
import dev.utrace.passive.internal.strace.SyscallTable;

/**
 * One traced task's data ({@code engine->data}): its ring and statistics. The task's own
 * callbacks are the only writers; readers take snapshots. The monitor guards the ring and the
 * statistics, and is taken once per recorded syscall (at its exit, or when it never returns),
 * for a few stores; the entry's number, arguments and start time are the writer's own and
 * need none. Never held while calling the core.
 */
final class TaskTrace {
    private static final int ARGS = Reg.SYSCALL_ARGS.length;
    private static final int FIRST_CAPACITY = 16;
    /** Syscall numbers counted in arrays: every machine's numbers are below it. */
    private static final int NUMBERS = 4096;
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

    /**
     * The ring, as columns of primitive arrays, so a syscall is recorded without an object: slot
     * {@code i % size} holds the {@code i}-th event. A syscall's slot holds its values and, if it
     * copied memory, a {@link CopyBuffer} (swapped with the pending one, so nothing is copied twice
     * and nothing allocated once every slot has one); any other event's slot holds its
     * {@link TraceEvent} in {@link #objects}. The columns start small and double up to
     * {@link #size} (a short-lived task's trace stays small); from then on nothing is allocated.
     */
    private final int size;
    private int capacity;
    private long[] seqs;
    private long[] times;
    private int[] tids;
    private int[] numbers;
    private long[] argv;
    private long[] results;
    private long[] durations;
    private boolean[] finished;
    private TraceEvent[] objects;
    private CopyBuffer[] copies;
    private long written;
    /** Calls, errors and nanoseconds by syscall number (below {@link #NUMBERS}); grown as numbers come. */
    private long[] calls = new long[0];
    private long[] errors = new long[0];
    private long[] nanos = new long[0];
    /** The same for a number beyond the arrays (no machine has one today). */
    private final Map<Integer, long[]> rareCounts = new HashMap<>();
    private final Map<Integer, Long> signals = new TreeMap<>();
    private long exits;

    // Written and read only by the traced task's own callbacks (one hook thread at a time).
    private int pendingNr = -1;
    private final long[] pendingArgs = new long[Reg.SYSCALL_ARGS.length];
    private long pendingStart;
    /** What the pending syscall copied from memory; in no slot of the ring. */
    private CopyBuffer pending = new CopyBuffer();

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
        this.size = ringSize;
        grow(Math.min(ringSize, FIRST_CAPACITY));
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
        pending.clear();
        pendingStart = syscalls.atEntry(pendingNr, task, pendingArgs, pending) ? System.nanoTime() : now;
    }

    /**
     * Records the finished syscall (counted, timed, in the ring), with nothing allocated once the
     * ring is full, and returns its slot for {@link #event}; -1 if its entry was not seen (a new task's first stop is the exit of the clone that
     * made it; a trace may begin in the middle of a syscall). What it wrote that its line shows is
     * copied from {@code task} first. The syscall is the one whose entry was seen, as strace has
     * it: {@code orig_rax} at the exit is not always its number any more ({@code rt_sigreturn}
     * restores a frame with -1 there, an exec gives the simulated machine's new image -1).
     */
    int syscallExit(long seq, long now, Task task, long result) {
        int nr = pendingNr;
        if (nr < 0) return -1;
        pendingNr = -1;
        long d = now - pendingStart;
        boolean error = result < 0 && result >= -4095;
        syscalls.atExit(nr, task, pendingArgs, result, pending);
        synchronized (this) {
            count(nr, error, d);
            return putSyscallLocked(seq, now, nr, result, true, d);
        }
    }

    private void count(int nr, boolean error, long d) {
        if (nr >= NUMBERS) {
            long[] s = rareCounts.computeIfAbsent(nr, k -> new long[3]);
            s[0]++;
            if (error) s[1]++;
            s[2] += d;
            return;
        }
        if (nr >= calls.length) {
            int n = Math.min(NUMBERS, Math.max(nr + 1, Math.max(512, calls.length * 2)));
            calls = Arrays.copyOf(calls, n);
            errors = Arrays.copyOf(errors, n);
            nanos = Arrays.copyOf(nanos, n);
        }
        calls[nr]++;
        if (error) errors[nr]++;
        nanos[nr] += d;
    }

    /**
     * Records the syscall that never returned (exit_group, or death inside it) and returns its
     * slot for {@link #event}; -1 if there is none. Its duration runs to {@code now} (an
     * export draws it so). The statistics do not count it, as {@code strace -c} counts a syscall
     * when it returns: their calls and time are of syscalls that returned.
     */
    int unfinishedSyscall(long seq, long now) {
        if (pendingNr < 0) return -1;
        int nr = pendingNr;
        pendingNr = -1;
        synchronized (this) {
            return putSyscallLocked(seq, now, nr, 0, false, now - pendingStart);
        }
    }

    /** Puts the pending syscall in the next slot; its copies change places with the slot's old ones. */
    private int putSyscallLocked(long seq, long now, int nr, long result, boolean done, long d) {
        int slot = nextSlotLocked();
        seqs[slot] = seq;
        times[slot] = now;
        tids[slot] = tid;
        numbers[slot] = nr;
        System.arraycopy(pendingArgs, 0, argv, slot * ARGS, ARGS);
        results[slot] = result;
        finished[slot] = done;
        durations[slot] = d;
        objects[slot] = null;
        CopyBuffer old = copies[slot];
        if (!pending.isEmpty()) {
            copies[slot] = pending;
            pending = old != null ? old : new CopyBuffer(); // new only until every slot has one
        } else if (old != null) {
            old.clear();
        }
        written++;
        return slot;
    }

    /**
     * The event the task's own callback has just recorded in {@code slot}, made now (for the
     * listeners); only that callback may ask, before it records another.
     */
    synchronized TraceEvent event(int slot) {
        return eventLocked(slot);
    }

    /** The event in {@code slot}, made now. */
    private TraceEvent eventLocked(int slot) {
        TraceEvent o = objects[slot];
        if (o != null) return o;
        CopyBuffer c = copies[slot];
        return new TraceEvent(seqs[slot], times[slot], tids[slot], Kind.SYSCALLS, numbers[slot], syscalls.name(numbers[slot]),
                Arrays.copyOfRange(argv, slot * ARGS, slot * ARGS + ARGS), results[slot], finished[slot], durations[slot],
                null, c == null ? null : c.toList());
    }

    synchronized void countSignal(int signo) {
        signals.merge(signo, 1L, Long::sum);
    }

    synchronized void countExit() {
        exits++;
    }

    /** Adds an event that is an object (not a syscall) to the ring, overwriting the oldest when full. */
    synchronized void add(TraceEvent e) {
        int slot = nextSlotLocked();
        objects[slot] = e;
        CopyBuffer c = copies[slot];
        if (c != null) c.clear();
        written++;
    }

    /** The slot of the next event; the columns grow first while they are smaller than the ring. */
    private int nextSlotLocked() {
        if (written == capacity && capacity < size) grow(Math.min(size, capacity * 2));
        return (int) (written % size);
    }

    private void grow(int n) {
        seqs = seqs == null ? new long[n] : Arrays.copyOf(seqs, n);
        times = times == null ? new long[n] : Arrays.copyOf(times, n);
        tids = tids == null ? new int[n] : Arrays.copyOf(tids, n);
        numbers = numbers == null ? new int[n] : Arrays.copyOf(numbers, n);
        argv = argv == null ? new long[n * ARGS] : Arrays.copyOf(argv, n * ARGS);
        results = results == null ? new long[n] : Arrays.copyOf(results, n);
        durations = durations == null ? new long[n] : Arrays.copyOf(durations, n);
        finished = finished == null ? new boolean[n] : Arrays.copyOf(finished, n);
        objects = objects == null ? new TraceEvent[n] : Arrays.copyOf(objects, n);
        copies = copies == null ? new CopyBuffer[n] : Arrays.copyOf(copies, n);
        capacity = n;
    }

    synchronized long dropped() {
        return Math.max(0, written - size);
    }

    /** The last {@code n} events, oldest first (made now from the ring). */
    synchronized List<TraceEvent> last(int n) {
        int have = (int) Math.min(written, size);
        int k = Math.min(Math.max(n, 0), have);
        List<TraceEvent> out = new ArrayList<>(k);
        for (long i = written - k; i < written; i++) out.add(eventLocked((int) (i % size)));
        return out;
    }

    synchronized Stats stats() {
        List<SyscallStat> rows = new ArrayList<>();
        for (int nr = 0; nr < calls.length; nr++) {
            if (calls[nr] > 0) rows.add(new SyscallStat(nr, syscalls.name(nr), calls[nr], errors[nr], nanos[nr]));
        }
        rareCounts.forEach((nr, s) -> rows.add(new SyscallStat(nr, syscalls.name(nr), s[0], s[1], s[2])));
        return new Stats(tid, List.copyOf(rows), Map.copyOf(signals), exits, Math.max(0, written - size));
    }

    synchronized TraceInfo info() {
        return new TraceInfo(tid, tgid, comm, kinds, follow, !retired.get(), ended, written,
                Math.max(0, written - size), size);
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
