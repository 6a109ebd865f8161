package dev.utrace.sim.internal;

/** One token of a program line, with its 1-based column for error messages. */
record Token(Kind kind, String text, long number, int column) {

    enum Kind { WORD, NUMBER, STRING, COMMA, COLON, PLUS, MINUS }

    /** How the token reads in an error message. */
    String describe() {
        return switch (kind) {
            case STRING -> "a string";
            case COMMA -> "','";
            case COLON -> "':'";
            case PLUS -> "'+'";
            case MINUS -> "'-'";
            default -> "'" + text + "'";
        };
    }
}
