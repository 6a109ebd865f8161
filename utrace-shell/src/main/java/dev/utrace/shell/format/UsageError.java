package dev.utrace.shell.format;

/**
 * A refused command line: what was wrong, then how to call the command. The shell prints an
 * exception's {@code toString()}, so it is the message alone, without the class name.
 */
public final class UsageError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UsageError(String message) {
        super(message);
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
