package dev.utrace.sim.internal;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.task.Reg;

/**
 * One thread's x86 debug registers, as the allocator ({@link HwSlots}) programs them: four
 * {@link Slot}s, each holding the claims that share it, and what the hardware sees of them.
 *
 * <p><b>Who guards what.</b>
 * <ul>
 * <li>{@link Kernel#lock} guards {@link #slots}, every {@link Slot}'s claims, {@link #hits} and
 *     {@link #gone}. Claims are made and removed by any thread (an engine on a controller
 *     thread, or in a callback), so they need the lock; one lock also orders an install against
 *     the thread's exit state and a hit against the SIGTRAP it raises.
 * <li>{@link #armed} is an immutable snapshot of the armed slots, replaced (volatile write)
 *     under the lock whenever they change and read without a lock by the CPU before each load
 *     and store: a change made by another thread takes effect before the thread's next
 *     instruction. The CPU re-checks a match under the lock before it records a hit, so a claim
 *     removed meanwhile gets none.
 * <li>{@link #trapOutstanding} is volatile: set under the lock when a watchpoint SIGTRAP is
 *     raised, cleared by the task's own thread once it leaves the return-to-user work (the
 *     SIGTRAP was then reported); {@link HwSlots#discardHits} reads it to tell a SIGTRAP being
 *     reported right now from one long gone.
 * <li>{@link #dr6} (the status register) belongs to the task: written on its own thread (traps)
 *     or while it is held stopped, like the other registers.
 * </ul>
 */
final class DebugRegisters {
    /** DR6 bit set for a single-step trap. */
    static final long DR6_BS = 1L << 14;

    final Slot[] slots = new Slot[DebugSlots.SLOTS];
    /** Untaken hits, created at the first hit. */
    HitLog hits;
    /** The thread has exited: nothing is armed again and installs fail with ESRCH. */
    boolean gone;
    volatile Armed armed = Armed.NONE;
    volatile boolean trapOutstanding;
    long dr6;

    /** One used slot: a range and access, the claims sharing it, and whether the hardware watches it. */
    static final class Slot {
        final int index;
        final long address;
        final int length;
        final Access access;
        final java.util.List<HwSlots.Claim> claims = new java.util.ArrayList<>(2);
        /**
         * False once the thread exec'd or exited: a stale slot, kept until its claims are removed.
         * Written under the kernel lock; volatile for {@link HwSlots.Claim#armed()}.
         */
        volatile boolean armed = true;

        Slot(int index, long address, int length, Access access) {
            this.index = index;
            this.address = address;
            this.length = length;
            this.access = access;
        }

        boolean watches(long address, int length, Access access) {
            return this.address == address && this.length == length && this.access == access;
        }
    }

    /** The armed slot with exactly this range and access (a new claim shares it), or null. */
    Slot shareable(long address, int length, Access access) {
        for (Slot s : slots) {
            if (s != null && s.armed && s.watches(address, length, access)) return s;
        }
        return null;
    }

    /** The lowest free slot, or -1. */
    int free() {
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] == null) return i;
        }
        return -1;
    }

    /** Publishes the armed slots to the CPU; under the kernel lock after every change. */
    void rearm() {
        armed = Armed.of(slots);
    }

    /** Exec or exit: the hardware forgets every slot; the claims stay until their owners remove them. */
    void disarm() {
        for (Slot s : slots) {
            if (s != null) s.armed = false;
        }
        armed = Armed.NONE;
    }

    /** Reads a debug register: DR0-DR3 and DR7 as the armed slots compose them, DR6 as the thread's status. */
    long read(Reg r) {
        return switch (r) {
            case DR0, DR1, DR2, DR3 -> armed.address(r.ordinal() - Reg.DR0.ordinal());
            case DR6 -> dr6;
            case DR7 -> armed.dr7;
            default -> throw new IllegalArgumentException(r + " is not a debug register");
        };
    }

    /**
     * Writes DR6; DR0-DR3 and DR7 are refused: the slots have owners, and a direct write would
     * take one from under them.
     */
    void write(Reg r, long value) {
        switch (r) {
            case DR6 -> dr6 = value;
            case DR0, DR1, DR2, DR3, DR7 -> throw new IllegalArgumentException(r + " cannot be written directly:"
                    + " the debug slots are shared by their owners (the watchpoint engine, ptrace, ...);"
                    + " install a watchpoint through the machine's DebugSlots service (dev.utrace.api.hw),"
                    + " which composes DR0-DR3 and DR7");
            default -> throw new IllegalArgumentException(r + " is not a debug register");
        }
    }

    void noteSingleStep() {
        dr6 |= DR6_BS;
    }

    /**
     * What the hardware watches: the armed slots' addresses and the DR7 that enables them
     * (L0..L3, R/W at 16+4n: 01 write, 11 read/write; LEN at 18+4n: 00=1, 01=2, 11=4, 10=8).
     * Immutable.
     */
    static final class Armed {
        static final Armed NONE = new Armed(new long[DebugSlots.SLOTS], 0);

        final long dr7;
        private final long[] address;

        private Armed(long[] address, long dr7) {
            this.address = address;
            this.dr7 = dr7;
        }

        static Armed of(Slot[] slots) {
            long[] a = new long[slots.length];
            long dr7 = 0;
            for (Slot s : slots) {
                if (s == null || !s.armed) continue;
                a[s.index] = s.address;
                dr7 |= (1L << (2 * s.index)) | ((long) s.access.dr7Bits() << (16 + 4 * s.index))
                        | ((long) lenBits(s.length) << (18 + 4 * s.index));
            }
            return dr7 == 0 ? NONE : new Armed(a, dr7);
        }

        long address(int slot) {
            return address[slot];
        }

        int length(int slot) {
            return switch ((int) ((dr7 >>> (18 + 4 * slot)) & 3)) {
                case 0 -> 1;
                case 1 -> 2;
                case 3 -> 4;
                default -> 8;
            };
        }

        boolean readWrite(int slot) {
            return ((dr7 >>> (16 + 4 * slot)) & 3) == 3;
        }

        /** The slots (bit n for slot n) an access would fire; 0 at once when nothing is armed. */
        int match(long at, int size, boolean write) {
            if (dr7 == 0) return 0;
            int fired = 0;
            for (int i = 0; i < DebugSlots.SLOTS; i++) {
                if ((dr7 & (3L << (2 * i))) == 0 || (!write && !readWrite(i))) continue;
                long start = address[i];
                if (at < start + length(i) && start < at + size) fired |= 1 << i;
            }
            return fired;
        }

        private static int lenBits(int length) {
            return switch (length) {
                case 1 -> 0;
                case 2 -> 1;
                case 4 -> 3;
                default -> 2;
            };
        }
    }
}
