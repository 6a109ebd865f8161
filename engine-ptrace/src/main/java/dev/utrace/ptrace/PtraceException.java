package dev.utrace.ptrace;

/**
 * A ptrace request that failed, with the errno Linux's ptrace gives and a message that says
 * what was wrong and what to do. A failed request changes nothing.
 */
public final class PtraceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String errno;

    public PtraceException(String errno, String message) {
        super(errno + ": " + message);
        this.errno = errno;
    }

    /** ESRCH, EPERM, EIO, EINVAL, EFAULT, ECHILD, ENOSPC, EBUSY or EINTR. */
    public String errno() {
        return errno;
    }
}
