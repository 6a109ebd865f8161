package dev.utrace.linux.internal.sys;

/**
 * x86 debug registers in {@code struct user} (read and written with {@code PTRACE_PEEKUSER} /
 * {@code PTRACE_POKEUSER}). Write DR0-DR3 before DR7: the kernel checks the addresses when DR7
 * enables them (a misaligned one fails with EINVAL). They are per thread and not inherited by a
 * new thread, even though its DR7 reads back non-zero; and a thread detached with DR7 armed is
 * killed by SIGTRAP at the next hit, so a tracer clears DR7 before it detaches.
 */
public final class DebugRegs {

    /** {@code offsetof(struct user, u_debugreg)}. */
    public static final long U_DEBUGREG = 848;
    public static final long DR6 = U_DEBUGREG + 6 * 8;
    public static final long DR7 = U_DEBUGREG + 7 * 8;

    /** The RW field of DR7: when a slot fires. */
    public enum Access {
        EXECUTE(0b00), WRITE(0b01), READ_WRITE(0b11);

        final int bits;

        Access(int bits) {
            this.bits = bits;
        }
    }

    private DebugRegs() {}

    /** The offset of DR{@code slot} (0-3). */
    public static long address(int slot) {
        if (slot < 0 || slot > 3) throw new IllegalArgumentException("debug register slot " + slot + " (use 0-3)");
        return U_DEBUGREG + 8L * slot;
    }

    /**
     * The DR7 bits that enable {@code slot} locally for {@code length} bytes (1, 2, 4 or 8; the
     * address must be aligned to it; EXECUTE needs length 1).
     */
    public static long dr7Bits(int slot, Access access, int length) {
        address(slot);
        int len = switch (length) {
            case 1 -> 0b00;
            case 2 -> 0b01;
            case 4 -> 0b11;
            case 8 -> 0b10;
            default -> throw new IllegalArgumentException("watch length " + length + " (use 1, 2, 4 or 8)");
        };
        return (1L << (2 * slot)) | ((long) access.bits << (16 + 4 * slot)) | ((long) len << (18 + 4 * slot));
    }

    /** Which slots DR6 says fired (bits 0-3). */
    public static int firedSlots(long dr6) {
        return (int) (dr6 & 0xf);
    }
}
