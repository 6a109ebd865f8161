package dev.utrace.ptrace.internal.commands;

import dev.utrace.ptrace.PtraceException;

/**
 * A request the ptrace engine refused (it changed nothing): "ptrace: ERRNO: what was wrong and
 * what to do". The shell prints an exception's {@code toString()}, so it is the message alone.
 */
public final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String errno;

    Refused(PtraceException cause) {
        super("ptrace: " + cause.getMessage(), cause);
        this.errno = cause.errno();
    }

    /** The errno the engine gave: ESRCH, EPERM, EIO, ... */
    public String errno() {
        return errno;
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
