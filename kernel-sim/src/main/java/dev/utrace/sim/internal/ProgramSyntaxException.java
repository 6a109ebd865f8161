package dev.utrace.sim.internal;

/** A program source that does not load: where (file, line, column) and what was expected. */
final class ProgramSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    ProgramSyntaxException(String file, int line, int column, String message) {
        super(file + ":" + line + ":" + column + ": " + message);
    }
}
