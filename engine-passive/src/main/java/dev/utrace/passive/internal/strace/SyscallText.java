package dev.utrace.passive.internal.strace;

import dev.utrace.api.task.Errno;
import dev.utrace.passive.Copied;
import java.util.List;

/**
 * One syscall as strace prints it: {@code openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3},
 * {@code access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory)},
 * {@code exit_group(0) = ?}. Formatted when asked for, from what was recorded: the six argument
 * registers, the result and what was copied from memory. Unlike strace, structures are shown by
 * their address, and lines are not padded to a column.
 */
public final class SyscallText {
    private SyscallText() {
    }

    /**
     * The line of syscall {@code name}.
     *
     * @param args     its six argument registers
     * @param copied   what was copied, by argument; empty or {@link Copied#NONE} where nothing was
     * @param finished whether it returned (else {@code = ?})
     * @param result   what it returned
     */
    public static String format(String name, long[] args, List<Copied> copied, boolean finished, long result) {
        Signature s = Signatures.of(name);
        if (args.length < 6) args = java.util.Arrays.copyOf(args, 6);
        StringBuilder sb = new StringBuilder(64).append(name).append('(');
        new Args(sb, args, copied).append(s);
        sb.append(')');
        appendResult(sb, s, args, finished, result);
        return sb.toString();
    }

    /** Clone flags as strace names them, the exit signal last: {@code CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD}. */
    public static String cloneFlags(long flags) {
        StringBuilder sb = new StringBuilder();
        Args.cloneFlags(sb, flags);
        return sb.toString();
    }

    static void appendResult(StringBuilder sb, Signature s, long[] args, boolean finished, long result) {
        sb.append(" = ");
        if (!finished) {
            sb.append('?');
            return;
        }
        if (Errno.isError(result)) {
            int errno = (int) -result;
            String n = Errno.name(errno);
            sb.append(Errno.restart(errno) ? "? " : "-1 ").append(n != null ? n : Integer.toString(errno))
                    .append(" (").append(Errno.message(errno)).append(')');
            return;
        }
        switch (s.result()) {
            case HEX -> Args.hex(sb, result);
            case OCTAL -> Args.octal(sb, result);
            case DECIMAL -> {
                if (s.name().equals("fcntl") && result > 0 && (args[1] == 1 || args[1] == 3)) {
                    // F_GETFD, F_GETFL: strace names the flags returned
                    Args.hex(sb, result);
                    sb.append(" (flags ");
                    if (args[1] == 1) Constants.FD_FLAGS.append(sb, result);
                    else Args.openFlags(sb, result);
                    sb.append(')');
                } else {
                    sb.append(result);
                }
            }
        }
    }
}
