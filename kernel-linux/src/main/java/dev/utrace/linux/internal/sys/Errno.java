package dev.utrace.linux.internal.sys;

/**
 * The errno values this machine's own code tests for, and their names and messages for its
 * errors, taken from the machine-neutral table ({@link dev.utrace.api.task.Errno}, which
 * {@code Errno_ApiTableTest} checks against the kernel headers and glibc's strerror).
 */
public final class Errno {

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENOSYS = 38;

    private Errno() {}

    /** The symbolic name ({@code "ESRCH"}), or {@code "errno N"} for a value the table does not know. */
    public static String name(int errno) {
        String n = dev.utrace.api.task.Errno.name(errno);
        return n != null ? n : "errno " + errno;
    }

    /** What it means, as {@code strerror} says it ({@code "No such process"}). */
    public static String text(int errno) {
        return dev.utrace.api.task.Errno.message(errno);
    }

    /** {@code "ESRCH (No such process)"}. */
    public static String describe(int errno) {
        return name(errno) + " (" + text(errno) + ")";
    }
}
