package dev.utrace.sim.internal;

import dev.utrace.api.task.Reg;

/**
 * One thread's x86 debug registers: DR0-DR3 hold watched addresses, DR7 enables them (bits
 * L0/G0 .. L3/G3) with a type (bits 16+4n: 01 write, 11 read/write) and a length (bits 18+4n:
 * 00=1, 01=2, 11=4, 10=8 bytes), DR6 says which slot fired (bit n). Settings the hardware would
 * refuse (instruction or I/O breakpoints, an address not aligned to its length) are refused
 * with EINVAL and change nothing. Owned by one task: written on its thread or while it is
 * stopped, so it needs no lock.
 */
final class DebugRegisters {
    /** DR6 bit set for a single-step trap. */
    static final long DR6_BS = 1L << 14;

    private final long[] addr = new long[4];
    private long dr6;
    private long dr7;

    long get(Reg r) {
        return switch (r) {
            case DR0, DR1, DR2, DR3 -> addr[r.ordinal() - Reg.DR0.ordinal()];
            case DR6 -> dr6;
            case DR7 -> dr7;
            default -> throw new IllegalArgumentException(r + " is not a debug register");
        };
    }

    /** @throws IllegalArgumentException (EINVAL) for a setting the hardware refuses; nothing changes then */
    void set(Reg r, long value) {
        switch (r) {
            case DR0, DR1, DR2, DR3 -> {
                int slot = r.ordinal() - Reg.DR0.ordinal();
                if (enabled(dr7, slot)) check(slot, value, dr7);
                addr[slot] = value;
            }
            case DR6 -> dr6 = value;
            case DR7 -> {
                for (int slot = 0; slot < 4; slot++) {
                    if (enabled(value, slot)) check(slot, addr[slot], value);
                }
                dr7 = value;
            }
            default -> throw new IllegalArgumentException(r + " is not a debug register");
        }
    }

    /** Whether any slot is enabled (the fast path skips the match when none is). */
    boolean armed() {
        return (dr7 & 0xff) != 0;
    }

    /**
     * Checks an access by this thread; sets the DR6 bit of each matching slot.
     *
     * @return whether any slot fired
     */
    boolean hit(long address, int length, boolean write) {
        boolean fired = false;
        for (int slot = 0; slot < 4; slot++) {
            if (!enabled(dr7, slot)) continue;
            boolean readWrite = type(dr7, slot) == 3;
            if (!write && !readWrite) continue;
            long start = addr[slot];
            if (address < start + length(dr7, slot) && start < address + length) {
                dr6 |= 1L << slot;
                fired = true;
            }
        }
        return fired;
    }

    void noteSingleStep() {
        dr6 |= DR6_BS;
    }

    private static boolean enabled(long dr7, int slot) {
        return ((dr7 >>> (2 * slot)) & 3) != 0;
    }

    private static int type(long dr7, int slot) {
        return (int) ((dr7 >>> (16 + 4 * slot)) & 3);
    }

    private static int length(long dr7, int slot) {
        return switch ((int) ((dr7 >>> (18 + 4 * slot)) & 3)) {
            case 0 -> 1;
            case 1 -> 2;
            case 3 -> 4;
            default -> 8;
        };
    }

    private static void check(int slot, long address, long dr7) {
        int type = type(dr7, slot);
        if (type == 0 || type == 2) {
            throw new IllegalArgumentException("EINVAL: DR7 slot " + slot + " has type " + Integer.toBinaryString(type)
                    + "; the machine supports write (01) and read/write (11) watchpoints only");
        }
        int len = length(dr7, slot);
        if (address % len != 0) {
            throw new IllegalArgumentException("EINVAL: DR" + slot + " = 0x" + Long.toHexString(address)
                    + " is not aligned to its length " + len + "; use an address that is a multiple of " + len);
        }
    }
}
