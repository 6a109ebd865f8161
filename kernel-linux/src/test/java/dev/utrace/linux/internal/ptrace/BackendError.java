package dev.utrace.linux.internal.ptrace;

/** A request the tracer refused: {@link #errno} is the errno's name (ESRCH, EPERM, ...). */
final class BackendError extends RuntimeException {
    final String errno;

    BackendError(String errno, String message) {
        super(errno + ": " + message);
        this.errno = errno;
    }
}
