package dev.utrace.api.task;

/**
 * x86_64 user registers, in {@code struct user_regs_struct} order, followed by the debug
 * registers reachable through the user area (DR0-DR3 addresses, DR6 status, DR7 control).
 */
public enum Reg {
    R15, R14, R13, R12, RBP, RBX, R11, R10, R9, R8, RAX, RCX, RDX, RSI, RDI, ORIG_RAX, RIP,
    CS, EFLAGS, RSP, SS, FS_BASE, GS_BASE, DS, ES, FS, GS,
    DR0, DR1, DR2, DR3, DR6, DR7;

    /** EFLAGS trap flag: set while single-stepping. */
    public static final long EFLAGS_TF = 0x100;

    /** Byte offset in {@code struct user}: 8 per general register, {@code u_debugreg} at 848. */
    public int userOffset() {
        return switch (this) {
            case DR0, DR1, DR2, DR3 -> 848 + 8 * (ordinal() - DR0.ordinal());
            case DR6 -> 848 + 8 * 6;
            case DR7 -> 848 + 8 * 7;
            default -> 8 * ordinal();
        };
    }

    /** Whether this is a debug register. */
    public boolean isDebug() {
        return ordinal() >= DR0.ordinal();
    }

    /** The syscall argument registers in order: rdi, rsi, rdx, r10, r8, r9. */
    public static final Reg[] SYSCALL_ARGS = {RDI, RSI, RDX, R10, R8, R9};
}
