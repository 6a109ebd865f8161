package dev.utrace.api.task;

/** The clone flags engines meet in {@code reportClone}, with Linux values. */
public final class CloneFlags {
    /** Share the address space. */
    public static final long CLONE_VM = 0x00000100;
    /** Share signal handlers. */
    public static final long CLONE_SIGHAND = 0x00000800;
    /** A tracer wants the child traced too. */
    public static final long CLONE_PTRACE = 0x00002000;
    /** The parent waits until the child execs or exits. */
    public static final long CLONE_VFORK = 0x00004000;
    /** Same parent as the caller. */
    public static final long CLONE_PARENT = 0x00008000;
    /** Same thread group: a new thread. */
    public static final long CLONE_THREAD = 0x00010000;
    /** A tracer may not force CLONE_PTRACE. */
    public static final long CLONE_UNTRACED = 0x00800000;

    private CloneFlags() {
    }

    /** Readable names of the set flags, e.g. "CLONE_VM|CLONE_THREAD". */
    public static String format(long flags) {
        StringBuilder sb = new StringBuilder();
        append(sb, flags, CLONE_VM, "CLONE_VM");
        append(sb, flags, CLONE_SIGHAND, "CLONE_SIGHAND");
        append(sb, flags, CLONE_PTRACE, "CLONE_PTRACE");
        append(sb, flags, CLONE_VFORK, "CLONE_VFORK");
        append(sb, flags, CLONE_PARENT, "CLONE_PARENT");
        append(sb, flags, CLONE_THREAD, "CLONE_THREAD");
        append(sb, flags, CLONE_UNTRACED, "CLONE_UNTRACED");
        return sb.isEmpty() ? "0" : sb.toString();
    }

    private static void append(StringBuilder sb, long flags, long bit, String name) {
        if ((flags & bit) != 0) {
            if (!sb.isEmpty()) sb.append('|');
            sb.append(name);
        }
    }
}
