package dev.utrace.sim.internal;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.hw.SlotInfo;
import dev.utrace.api.hw.WatchHit;
import dev.utrace.api.hw.Watchpoint;
import dev.utrace.api.hw.WatchpointException;
import dev.utrace.api.task.MemoryFault;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The machine's debug-slot allocator ({@link DebugSlots}): claims with owners on each thread's
 * {@link DebugRegisters}, the CPU's trap path, and what exec and exit do to the slots.
 *
 * <p><b>Locking.</b> Everything here runs under {@link Kernel#lock}, held for a few field
 * changes and never while calling anything outside the machine (it never calls a client). The
 * lock orders an install against the thread's exit (an install that comes after the owner's
 * exit callback removed its claims sees the EXITING state written before that callback ran),
 * and a recorded hit against the SIGTRAP it raises and against {@link #discardHits}, which may
 * withdraw that SIGTRAP. The CPU's per-access check is lock-free ({@link DebugRegisters#armed}).
 */
final class HwSlots implements DebugSlots {
    private final SimKernel machine;

    HwSlots(SimKernel machine) {
        this.machine = machine;
    }

    // ---- the service ----

    @Override
    public Watchpoint install(Task task, Object owner, long address, int length, Access access) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(access, "access (WRITE or READ_WRITE)");
        SimTask t = sim(task);
        DebugSlots.checkRange(address, length);
        if (t.kernelThread) {
            throw new WatchpointException("EINVAL", "task " + t.tid() + " is a kernel thread (" + t.comm()
                    + "); it runs no user code to watch");
        }
        Kernel k = t.kernel;
        DebugRegisters d = t.debug;
        k.lock.lock();
        try {
            TaskState s = t.rawState();
            if (d.gone || s == TaskState.EXITING || s.hasExited()) {
                throw new WatchpointException("ESRCH", "thread " + t.tid() + " has begun to exit (" + s
                        + "); a watchpoint can no longer be installed on it");
            }
            DebugRegisters.Slot slot = d.shareable(address, length, access);
            if (slot == null) {
                int free = d.free();
                if (free < 0) throw noSpace(t, address, length, access);
                slot = new DebugRegisters.Slot(free, address, length, access);
                d.slots[free] = slot;
            }
            Claim c = new Claim(t, owner, slot);
            slot.claims.add(c);
            if (slot.claims.size() == 1) d.rearm();
            return c;
        } finally {
            k.lock.unlock();
        }
    }

    private static WatchpointException noSpace(SimTask t, long address, int length, Access access) {
        StringBuilder used = new StringBuilder();
        for (DebugRegisters.Slot s : t.debug.slots) {
            used.append(used.isEmpty() ? "" : "; ").append(s.index).append(": ").append(range(s.address, s.length, s.access))
                    .append(s.armed ? "" : " (stale since exec, waiting for its owner)").append(" by ").append(owners(s));
        }
        return new WatchpointException("ENOSPC", "all " + SLOTS + " debug slots of thread " + t.tid() + " are in use ("
                + used + "), so " + range(address, length, access) + " cannot be watched; remove a watchpoint on that"
                + " thread first, or watch one of those ranges with the same access, which shares its slot");
    }

    private static String owners(DebugRegisters.Slot s) {
        StringBuilder sb = new StringBuilder();
        for (Claim c : s.claims) {
            String o = String.valueOf(c.owner);
            if (sb.indexOf(o) < 0) sb.append(sb.isEmpty() ? "" : ", ").append(o);
        }
        return sb.toString();
    }

    static String range(long address, int length, Access access) {
        return "0x" + Long.toHexString(address) + "/" + length + " " + (access == Access.WRITE ? "w" : "rw");
    }

    @Override
    public boolean remove(Watchpoint watchpoint) {
        if (!(watchpoint instanceof Claim c) || c.task.kernel != machine.kernel()) {
            throw new IllegalArgumentException(watchpoint + " was not installed by this machine's DebugSlots");
        }
        Kernel k = c.task.kernel;
        DebugRegisters d = c.task.debug;
        k.lock.lock();
        try {
            if (!c.installed) return false;
            c.installed = false;
            DebugRegisters.Slot s = c.slot;
            s.claims.remove(c);
            if (s.claims.isEmpty()) {
                d.slots[s.index] = null;
                if (s.armed) d.rearm();
            }
            return true;
        } finally {
            k.lock.unlock();
        }
    }

    @Override
    public List<Watchpoint> claims(Task task, Object owner) {
        SimTask t = sim(task);
        List<Watchpoint> out = new ArrayList<>();
        t.kernel.lock.lock();
        try {
            for (DebugRegisters.Slot s : t.debug.slots) {
                if (s == null) continue;
                for (Claim c : s.claims) {
                    if (c.owner == owner) out.add(c);
                }
            }
        } finally {
            t.kernel.lock.unlock();
        }
        return List.copyOf(out);
    }

    @Override
    public List<SlotInfo> slots(Task task) {
        SimTask t = sim(task);
        List<SlotInfo> out = new ArrayList<>();
        t.kernel.lock.lock();
        try {
            for (DebugRegisters.Slot s : t.debug.slots) {
                if (s != null) out.add(new SlotInfo(s.index, s.address, s.length, s.access, s.armed, List.copyOf(s.claims)));
            }
        } finally {
            t.kernel.lock.unlock();
        }
        return List.copyOf(out);
    }

    @Override
    public List<WatchHit> takeHits(Task task, Object owner) {
        SimTask t = sim(task);
        t.kernel.lock.lock();
        try {
            HitLog log = t.debug.hits;
            return log == null ? List.of() : List.copyOf(log.take(owner));
        } finally {
            t.kernel.lock.unlock();
        }
    }

    @Override
    public boolean discardHits(Task task, Object owner) {
        SimTask t = sim(task);
        DebugRegisters d = t.debug;
        t.kernel.lock.lock();
        try {
            HitLog log = d.hits;
            if (log == null || !log.has(owner)) return true;
            SigQueue q = t.pending;
            boolean trapPending = q != null && (q.mask & Signals.bit(Signals.SIGTRAP)) != 0;
            // Dequeued but the task not back in user mode: the owner's signal callback is about
            // to see this trap; dropping its hits now would let the SIGTRAP reach the program.
            if (!trapPending && d.trapOutstanding) return false;
            log.take(owner);
            if (trapPending && log.isEmpty()) withdrawTrap(q);
            return true;
        } finally {
            t.kernel.lock.unlock();
        }
    }

    /** Drops a pending watchpoint SIGTRAP nobody waits for; another SIGTRAP (a step, a kill) stays. */
    private static void withdrawTrap(SigQueue q) {
        SignalInfo info = new SignalInfo();
        q.take(Signals.SIGTRAP, info);
        if (info.code != Signals.TRAP_HWBKPT) q.addFirst(info);
    }

    @Override
    public List<Task> threads(Task task) {
        SimTask t = sim(task);
        List<SimTask> out = new ArrayList<>();
        t.kernel.lock.lock();
        try {
            for (SimTask q = t.proc.firstThread; q != null; q = q.groupNext) {
                TaskState s = q.rawState();
                if (s != TaskState.EXITING && !s.hasExited()) out.add(q);
            }
        } finally {
            t.kernel.lock.unlock();
        }
        out.sort(Comparator.comparingInt(SimTask::tid));
        return List.copyOf(out);
    }

    /** Hits dropped on {@code t} because its log was full (for tests). */
    static long droppedHits(SimTask t) {
        t.kernel.lock.lock();
        try {
            return t.debug.hits == null ? 0 : t.debug.hits.dropped;
        } finally {
            t.kernel.lock.unlock();
        }
    }

    private SimTask sim(Task task) {
        Objects.requireNonNull(task, "task");
        if (task instanceof SimTask t && t.kernel == machine.kernel()) return t;
        throw new IllegalArgumentException("task " + task + " does not belong to this machine");
    }

    // ---- the CPU, exec and exit ----

    /**
     * What an access may hit, seen before it runs: the armed slots it overlaps, and each one's
     * value before and after it (bit n and index n for slot n).
     */
    record WatchedAccess(DebugRegisters.Armed armed, int slots, long address, int size, boolean write, long[] before,
            long[] after) {
    }

    /**
     * Before a load or store of {@code t}'s: the slots it would fire, or null (almost always,
     * and without a lock). The watched ranges are read now, before a store writes; their new
     * values are the old ones with the stored bytes laid over, so another thread's write to the
     * same range cannot show up as this access's.
     */
    static WatchedAccess before(SimTask t, long address, int size, boolean write, long stored) {
        DebugRegisters.Armed a = t.debug.armed;
        int fired = a.match(address, size, write);
        if (fired == 0) return null;
        long[] old = new long[SLOTS];
        long[] now = new long[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            if ((fired & (1 << i)) == 0) continue;
            old[i] = value(t, a.address(i), a.length(i));
            now[i] = write ? overlay(old[i], a.address(i), a.length(i), address, size, stored) : old[i];
        }
        return new WatchedAccess(a, fired, address, size, write, old, now);
    }

    /** The range {@code [start, start+length)} holding {@code old}, after {@code size} bytes of {@code value} were written at {@code at}. */
    static long overlay(long old, long start, int length, long at, int size, long value) {
        long out = old;
        for (int k = 0; k < length; k++) {
            long off = start + k - at;
            if (off < 0 || off >= size) continue;
            long b = (value >>> (8 * off)) & 0xff;
            out = (out & ~(0xffL << (8 * k))) | (b << (8 * k));
        }
        return out;
    }

    /** A watched range's value; 0 if unmapped (the access then faults and records nothing). */
    private static long value(SimTask t, long address, int length) {
        try {
            return t.proc.mm.read(address, length);
        } catch (MemoryFault unmapped) {
            return 0;
        }
    }

    /**
     * After the access of {@code a} completed: records a hit for every claim of each slot that
     * still watches what the CPU saw, sets their DR6 bits and raises SIGTRAP (TRAP_HWBKPT,
     * si_addr {@code ip}), all under the kernel lock. Returns whether anything fired: a claim
     * removed since the CPU looked gets nothing, and with no claim left there is no trap.
     */
    static boolean trap(SimTask t, WatchedAccess a, long ip) {
        Kernel k = t.kernel;
        DebugRegisters d = t.debug;
        k.lock.lock();
        try {
            List<DebugRegisters.Slot> fired = new ArrayList<>(2);
            for (int i = 0; i < SLOTS; i++) {
                if ((a.slots & (1 << i)) == 0) continue;
                DebugRegisters.Slot s = d.slots[i];
                if (s != null && s.armed && !s.claims.isEmpty() && s.address == a.armed.address(i)
                        && s.length == a.armed.length(i) && (a.write || s.access == Access.READ_WRITE)) {
                    fired.add(s);
                }
            }
            if (fired.isEmpty()) return false;
            if (d.hits == null) d.hits = new HitLog();
            for (DebugRegisters.Slot s : fired) {
                long old = a.before[s.index];
                long now = a.after[s.index];
                for (Claim c : s.claims) {
                    d.hits.add(c.owner, new WatchHit(c, a.address, a.size, a.write, old, now, ip));
                }
                d.dr6 |= 1L << s.index;
            }
            d.trapOutstanding = true;
            SignalInfo info = new SignalInfo(Signals.SIGTRAP, Signals.TRAP_HWBKPT);
            info.addr = ip;
            k.signals.force(t, info);
            return true;
        } finally {
            k.lock.unlock();
        }
    }

    /** The task is back in user mode after a trap: its SIGTRAP has been reported (or withdrawn). */
    static void trapReported(SimTask t) {
        DebugRegisters d = t.debug;
        if (d.trapOutstanding) d.trapOutstanding = false;
    }

    /** Exec installed a new image: the hardware forgets the old one's slots; their claims stay for the owners to remove (R-HBP-1). */
    static void execd(SimTask t) {
        DebugRegisters d = t.debug;
        t.kernel.lock.lock();
        try {
            d.disarm();
            d.dr6 = 0;
        } finally {
            t.kernel.lock.unlock();
        }
    }

    /** The thread exited (after its EXIT report): disarmed for good, installs fail; claims stay for the owners (R-HBP-1). */
    static void exited(SimTask t) {
        DebugRegisters d = t.debug;
        t.kernel.lock.lock();
        try {
            d.gone = true;
            d.disarm();
            d.trapOutstanding = false;
        } finally {
            t.kernel.lock.unlock();
        }
    }

    /** One owner's claim on one slot of one thread. */
    static final class Claim implements Watchpoint {
        final SimTask task;
        final Object owner;
        final DebugRegisters.Slot slot;
        /** Written under the kernel lock; volatile for lock-free readers of {@link #installed()}. */
        volatile boolean installed = true;

        Claim(SimTask task, Object owner, DebugRegisters.Slot slot) {
            this.task = task;
            this.owner = owner;
            this.slot = slot;
        }

        @Override
        public Task task() {
            return task;
        }

        @Override
        public Object owner() {
            return owner;
        }

        @Override
        public long address() {
            return slot.address;
        }

        @Override
        public int length() {
            return slot.length;
        }

        @Override
        public Access access() {
            return slot.access;
        }

        @Override
        public int slot() {
            return slot.index;
        }

        @Override
        public boolean installed() {
            return installed;
        }

        @Override
        public boolean armed() {
            return installed && slot.armed;
        }

        @Override
        public String toString() {
            return "watchpoint " + range(slot.address, slot.length, slot.access) + " on thread " + task.tid()
                    + " (slot " + slot.index + ", " + owner + (installed ? "" : ", removed") + ")";
        }
    }
}
