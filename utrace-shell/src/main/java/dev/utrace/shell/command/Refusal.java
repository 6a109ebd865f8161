package dev.utrace.shell.command;

/**
 * The words of a command line were wrong: the message says what and, where it helps, what to
 * give instead. {@link Command} adds the usage and hands it to the shell; nothing was done.
 */
public final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Refusal(String message) {
        super(message, null, false, false);
    }
}
