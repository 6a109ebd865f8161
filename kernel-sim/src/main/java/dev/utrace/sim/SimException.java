package dev.utrace.sim;

/**
 * A request to the simulated machine that cannot be done: an unknown pid or program, a bad
 * signal number, a program that does not load. The message says what was wrong and what to
 * do instead. A request that fails this way has changed nothing.
 */
public final class SimException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SimException(String message) {
        super(message);
    }

    public SimException(String message, Throwable cause) {
        super(message, cause);
    }
}
