package dev.utrace.sim.internal;

import java.util.List;

/** Walks the tokens of one statement and reports what was expected where. */
final class Cursor {
    private final LineLexer lexer;
    private final List<Token> tokens;
    private final int endColumn;
    private int i;

    Cursor(LineLexer lexer, List<Token> tokens, int start, int endColumn) {
        this.lexer = lexer;
        this.tokens = tokens;
        this.i = start;
        this.endColumn = endColumn;
    }

    boolean atEnd() {
        return i >= tokens.size();
    }

    /** The next token, not consumed; {@link Token.Kind#END} once the line is used up, never null. */
    Token peek() {
        return atEnd() ? Token.end(endColumn) : tokens.get(i);
    }

    Token next(String expected) throws ProgramSyntaxException {
        if (atEnd()) throw lexer.error(endColumn, "expected " + expected + ", found the end of the line");
        return tokens.get(i++);
    }

    boolean accept(Token.Kind kind) {
        if (!atEnd() && tokens.get(i).kind() == kind) {
            i++;
            return true;
        }
        return false;
    }

    void expect(Token.Kind kind, String expected) throws ProgramSyntaxException {
        Token t = next(expected);
        if (t.kind() != kind) throw error(t, "expected " + expected + ", found " + t.describe());
    }

    void expectEnd(String after) throws ProgramSyntaxException {
        if (!atEnd()) throw error(peek(), "expected the end of the line after " + after + ", found " + peek().describe());
    }

    /** The column just past the last token, for messages about something missing. */
    int column() {
        return atEnd() ? endColumn : tokens.get(i).column();
    }

    ProgramSyntaxException error(Token at, String message) {
        return lexer.error(at.column(), message);
    }
}
