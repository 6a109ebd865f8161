package dev.utrace.linux.internal.machine;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.hw.WatchHit;
import dev.utrace.api.task.Reg;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One thread's debug slots as {@link LinuxSlots} shares them between owners, and what the
 * hardware has been told (DR0-DR3, DR7 through PTRACE_POKEUSER, by the tracer thread while the
 * tracee is in a ptrace stop). Everything is guarded by this object's monitor, held for a few
 * field changes and never around a call that blocks, except the reads of DR6 and its dirty flag,
 * which belong to the task's safe points as its other registers do.
 */
final class DebugState {
    static final class Slot {
        final int index;
        final long address;
        final int length;
        final Access access;
        final List<LinuxSlots.Claim> claims = new ArrayList<>(2);
        /** False once the thread exec'd or exited: stale, kept until its claims are removed. */
        volatile boolean armed = true;
        /** The watched range's last value seen, the "old value" of the next hit. */
        long lastValue;

        Slot(int index, long address, int length, Access access) {
            this.index = index;
            this.address = address;
            this.length = length;
            this.access = access;
        }
    }

    private record Entry(Object owner, WatchHit hit) {}

    final Slot[] slots = new Slot[DebugSlots.SLOTS];
    private final ArrayDeque<Entry> hits = new ArrayDeque<>(4);
    /** The thread has begun to exit: installs fail with ESRCH. */
    boolean gone;
    /** A watchpoint SIGTRAP is being reported now (from its stop until the tracee runs again). */
    boolean trapOutstanding;
    /**
     * The DR7 the hardware has, and whether the slots changed since it was written ({@code dirty}
     * is written under the monitor and volatile, so the tracer can skip the monitor when clean).
     */
    long hardwareDr7;
    volatile boolean dirty;
    /** Completes when the hardware has the slots as they were when it was made. */
    CompletableFuture<Void> applied;

    volatile long dr6;
    volatile boolean dr6Dirty;

    /** The armed slot with exactly this range and access (a new claim shares it), or null. */
    Slot shareable(long address, int length, Access access) {
        for (Slot s : slots) {
            if (s != null && s.armed && s.address == address && s.length == length && s.access == access) return s;
        }
        return null;
    }

    int free() {
        for (int i = 0; i < slots.length; i++) if (slots[i] == null) return i;
        return -1;
    }

    /** DR7 enabling the armed slots: L0..L3, R/W at 16+4n, LEN at 18+4n (00=1, 01=2, 11=4, 10=8). */
    long dr7() {
        long dr7 = 0;
        for (Slot s : slots) {
            if (s == null || !s.armed) continue;
            int len = switch (s.length) {
                case 1 -> 0;
                case 2 -> 1;
                case 4 -> 3;
                default -> 2;
            };
            dr7 |= (1L << (2 * s.index)) | ((long) s.access.dr7Bits() << (16 + 4 * s.index)) | ((long) len << (18 + 4 * s.index));
        }
        return dr7;
    }

    /** The slots changed: the hardware must be told before the thread's next instruction. */
    CompletableFuture<Void> changed() {
        dirty = true;
        if (applied == null || applied.isDone()) applied = new CompletableFuture<>();
        return applied;
    }

    /** Exec or exit: the hardware forgets every slot (the kernel flushes them); the claims stay for their owners. */
    void disarm() {
        for (Slot s : slots) if (s != null) s.armed = false;
        hardwareDr7 = 0;
        dirty = false;
        if (applied != null) applied.complete(null);
    }

    void addHit(Object owner, WatchHit hit) {
        if (hits.size() == DebugSlots.HITS_KEPT) hits.removeFirst();
        hits.addLast(new Entry(owner, hit));
    }

    List<WatchHit> take(Object owner) {
        List<WatchHit> out = new ArrayList<>();
        for (Iterator<Entry> it = hits.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.owner == owner) {
                out.add(e.hit);
                it.remove();
            }
        }
        return out;
    }

    boolean hasHits(Object owner) {
        for (Entry e : hits) if (e.owner == owner) return true;
        return false;
    }

    synchronized long read(Reg r) {
        return switch (r) {
            case DR0, DR1, DR2, DR3 -> {
                Slot s = slots[r.ordinal() - Reg.DR0.ordinal()];
                yield s != null && s.armed ? s.address : 0;
            }
            case DR6 -> dr6;
            case DR7 -> dr7();
            default -> throw new IllegalArgumentException(r + " is not a debug register");
        };
    }

    void write(Reg r, long value) {
        switch (r) {
            case DR6 -> {
                dr6 = value;
                dr6Dirty = true;
            }
            case DR0, DR1, DR2, DR3, DR7 -> throw new IllegalArgumentException(r + " cannot be written directly:"
                    + " the debug slots are shared by their owners (the watchpoint engine, ptrace, ...);"
                    + " install a watchpoint through the machine's DebugSlots service (dev.utrace.api.hw),"
                    + " which composes DR0-DR3 and DR7");
            default -> throw new IllegalArgumentException(r + " is not a debug register");
        }
    }
}
