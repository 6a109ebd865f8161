package dev.utrace.api.proc;

/**
 * A request to a machine's {@link Processes} that cannot be done: an unknown pid or program, a
 * bad signal number, a program that does not load or cannot be executed, a process another
 * tool traces. The message says what was wrong and what to do instead; it is meant for people.
 * A request that fails this way has changed nothing.
 */
public final class ProcessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProcessException(String message) {
        super(message);
    }

    public ProcessException(String message, Throwable cause) {
        super(message, cause);
    }
}
