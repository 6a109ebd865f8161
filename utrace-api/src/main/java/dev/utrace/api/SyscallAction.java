package dev.utrace.api;

/**
 * Whether a syscall runs ({@code enum utrace_syscall_action}), packed into bits 4-7 of
 * the value {@link EngineOps#reportSyscallEntry} receives and returns, with a
 * {@link ResumeAction} in the low bits. The value received also carries {@link #RESUMED}
 * when the entry pass is repeated after a stop (R-SYS-2).
 */
public enum SyscallAction {
    /** Run the syscall. */
    RUN(0x00),
    /** Skip the syscall (R-SYS-3). */
    ABORT(0x10);

    /** {@code UTRACE_SYSCALL_MASK}. */
    public static final int MASK = 0xF0;
    /** {@code UTRACE_SYSCALL_RESUMED}: this entry report is a repeat after a stop. */
    public static final int RESUMED = 0x100;

    private final int code;

    SyscallAction(int code) {
        this.code = code;
    }

    /** The bits of this action in a packed value. */
    public int code() {
        return code;
    }

    /** This syscall action combined with a resume action. */
    public int with(ResumeAction resume) {
        return code | resume.code();
    }

    /** The syscall action in a packed value. */
    public static SyscallAction of(int packed) {
        return (packed & MASK) == ABORT.code ? ABORT : RUN;
    }

    /** Whether a packed value carries {@link #RESUMED}. */
    public static boolean isResumed(int packed) {
        return (packed & RESUMED) != 0;
    }
}
