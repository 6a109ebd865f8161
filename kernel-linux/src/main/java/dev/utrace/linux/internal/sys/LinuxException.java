package dev.utrace.linux.internal.sys;

/**
 * A call into the C library failed. The message says what was attempted, the errno by name and
 * description, and what to do; {@link #errno()} lets code tell an expected race (ESRCH: the task
 * died) from a fault. The unchecked type keeps the tracer's event loop free of catch clauses that
 * only rethrow.
 */
public class LinuxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int errno;

    /**
     * @param what   what was attempted, for people: {@code "ptrace(PTRACE_GETREGS) on thread 42"}
     * @param errno  the errno value, or 0 when the failure has none
     * @param advice what the caller can do about it, or null
     */
    public LinuxException(String what, int errno, String advice) {
        super(message(what, errno, advice));
        this.errno = errno;
    }

    /** A refusal without an errno (bad input, or a state the caller must change first). */
    public LinuxException(String message) {
        super(message);
        this.errno = 0;
    }

    private static String message(String what, int errno, String advice) {
        String m = errno == 0 ? what : what + " failed: " + Errno.describe(errno);
        return advice == null || advice.isEmpty() ? m : m + "; " + advice;
    }

    /** The errno value, 0 for a refusal that had none. */
    public int errno() {
        return errno;
    }

    /** {@code "ESRCH"}, or {@code ""} when there is no errno. */
    public String errnoName() {
        return errno == 0 ? "" : Errno.name(errno);
    }
}
