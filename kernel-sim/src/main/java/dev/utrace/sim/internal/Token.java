package dev.utrace.sim.internal;

/**
 * One token of a program line, with its 1-based column for error messages. {@link Kind#END}
 * stands for the end of the line, so a parser looking ahead always has a token to look at.
 */
record Token(Kind kind, String text, long number, int column) {

    enum Kind { WORD, NUMBER, STRING, COMMA, COLON, PLUS, MINUS, END }

    /** The longest token text quoted in an error message; longer text is cut short with "...". */
    static final int QUOTE_MAX = 40;

    /** The end of a line whose last character is at {@code column - 1}. */
    static Token end(int column) {
        return new Token(Kind.END, "", 0, column);
    }

    /** How the token reads in an error message. */
    String describe() {
        return switch (kind) {
            case STRING -> "a string";
            case COMMA -> "','";
            case COLON -> "':'";
            case PLUS -> "'+'";
            case MINUS -> "'-'";
            case END -> "the end of the line";
            default -> quote(text);
        };
    }

    /** {@code text} in single quotes, cut short if long: a message stays readable whatever the source holds. */
    static String quote(String text) {
        return "'" + (text.length() <= QUOTE_MAX ? text : text.substring(0, QUOTE_MAX) + "...") + "'";
    }
}
