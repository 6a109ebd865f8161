package dev.utrace.sim.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one line of program text into tokens. Comments start with {@code #} or {@code ;};
 * strings use double quotes with the escapes {@code \n \t \\ \" \0}.
 */
final class LineLexer {
    private final String file;
    private final int lineNo;
    private final String line;
    private int pos;

    LineLexer(String file, int lineNo, String line) {
        this.file = file;
        this.lineNo = lineNo;
        this.line = line;
    }

    List<Token> tokens() throws ProgramSyntaxException {
        List<Token> out = new ArrayList<>();
        while (true) {
            while (pos < line.length() && Character.isWhitespace(line.charAt(pos))) pos++;
            if (pos >= line.length() || line.charAt(pos) == '#' || line.charAt(pos) == ';') return out;
            char c = line.charAt(pos);
            int col = pos + 1;
            switch (c) {
                case ',' -> { out.add(new Token(Token.Kind.COMMA, ",", 0, col)); pos++; }
                case ':' -> { out.add(new Token(Token.Kind.COLON, ":", 0, col)); pos++; }
                case '+' -> { out.add(new Token(Token.Kind.PLUS, "+", 0, col)); pos++; }
                case '"' -> out.add(string(col));
                default -> {
                    if (c == '-' && !isDigit(pos + 1)) {
                        out.add(new Token(Token.Kind.MINUS, "-", 0, col));
                        pos++;
                    } else if (isDigit(pos) || c == '-') {
                        out.add(number(col));
                    } else if (Character.isLetter(c) || c == '_' || c == '.') {
                        int start = pos;
                        while (pos < line.length() && isWordChar(line.charAt(pos))) pos++;
                        out.add(new Token(Token.Kind.WORD, line.substring(start, pos), 0, col));
                    } else {
                        throw error(col, "unexpected character " + describe(line.codePointAt(pos)) + "; expected an"
                                + " instruction, a label, a number, a register or a \"string\"");
                    }
                }
            }
        }
    }

    /** Numbers are ASCII: other scripts' digits are letters to the format, not numbers. */
    private boolean isDigit(int at) {
        return at < line.length() && line.charAt(at) >= '0' && line.charAt(at) <= '9';
    }

    /** A character as an error message shows it: itself if it prints, else its code point. */
    static String describe(int codePoint) {
        String u = String.format("U+%04X", codePoint);
        int type = Character.getType(codePoint);
        if (!Character.isDefined(codePoint) || type == Character.CONTROL || type == Character.FORMAT
                || type == Character.SURROGATE || type == Character.PRIVATE_USE || Character.isSpaceChar(codePoint)) {
            return u;
        }
        return "'" + Character.toString(codePoint) + "' (" + u + ")";
    }

    /** No '-': {@code rsp-16} is a register and an offset, as docs/programs.md shows it. */
    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.';
    }

    /**
     * A 64-bit number: decimal from -2^63 to 2^63-1, or 0x and 1 to 16 hex digits (an unsigned
     * 64-bit pattern; with a '-', at most 0x8000000000000000). '_' may separate digits.
     */
    private Token number(int col) throws ProgramSyntaxException {
        int start = pos;
        if (line.charAt(pos) == '-') pos++;
        while (pos < line.length() && (Character.isLetterOrDigit(line.charAt(pos)) || line.charAt(pos) == '_')) pos++;
        String text = line.substring(start, pos);
        String digits = text.replace("_", "");
        boolean negative = digits.startsWith("-");
        if (negative) digits = digits.substring(1);
        boolean hex = digits.startsWith("0x") || digits.startsWith("0X");
        if (hex) digits = digits.substring(2);
        if (!digits.matches(hex ? "[0-9a-fA-F]+" : "[0-9]+")) {
            throw error(col, "bad number " + Token.quote(text) + "; expected decimal digits, or 0x followed by hex digits");
        }
        try {
            long v;
            if (hex) {
                v = Long.parseUnsignedLong(digits, 16);
                if (negative && Long.compareUnsigned(v, Long.MIN_VALUE) > 0) throw new NumberFormatException();
                if (negative) v = -v;
            } else {
                v = Long.parseLong(negative ? "-" + digits : digits);
            }
            return new Token(Token.Kind.NUMBER, text, v, col);
        } catch (NumberFormatException e) {
            throw error(col, "number " + Token.quote(text) + " does not fit in 64 bits; expected -9223372036854775808"
                    + " to 9223372036854775807, or 0x and at most 16 hex digits");
        }
    }

    private Token string(int col) throws ProgramSyntaxException {
        StringBuilder sb = new StringBuilder();
        pos++;
        while (pos < line.length()) {
            char c = line.charAt(pos++);
            if (c == '"') return new Token(Token.Kind.STRING, sb.toString(), 0, col);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= line.length()) break;
            char e = line.charAt(pos++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case '0' -> sb.append('\0');
                case '\\', '"' -> sb.append(e);
                default -> throw error(pos - 1, "unknown escape '\\" + e + "'; expected \\n, \\t, \\0, \\\\ or \\\"");
            }
        }
        throw error(col, "string not closed; expected a '\"' before the end of the line");
    }

    ProgramSyntaxException error(int col, String message) {
        return new ProgramSyntaxException(file, lineNo, col, message);
    }
}
