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
                    if (c == '-' && (pos + 1 >= line.length() || !Character.isDigit(line.charAt(pos + 1)))) {
                        out.add(new Token(Token.Kind.MINUS, "-", 0, col));
                        pos++;
                    } else if (Character.isDigit(c) || c == '-') {
                        out.add(number(col));
                    } else if (Character.isLetter(c) || c == '_' || c == '.') {
                        int start = pos;
                        while (pos < line.length() && isWordChar(line.charAt(pos))) pos++;
                        out.add(new Token(Token.Kind.WORD, line.substring(start, pos), 0, col));
                    } else {
                        throw error(col, "unexpected character '" + c + "'; expected an instruction, a label, a number,"
                                + " a register or a \"string\"");
                    }
                }
            }
        }
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-';
    }

    private Token number(int col) throws ProgramSyntaxException {
        int start = pos;
        if (line.charAt(pos) == '-') pos++;
        while (pos < line.length() && (Character.isLetterOrDigit(line.charAt(pos)) || line.charAt(pos) == '_')) pos++;
        String text = line.substring(start, pos);
        String digits = text.replace("_", "");
        boolean negative = digits.startsWith("-");
        if (negative) digits = digits.substring(1);
        try {
            long v = digits.startsWith("0x") || digits.startsWith("0X")
                    ? Long.parseUnsignedLong(digits.substring(2), 16)
                    : Long.parseLong(digits);
            return new Token(Token.Kind.NUMBER, text, negative ? -v : v, col);
        } catch (NumberFormatException e) {
            throw error(col, "bad number '" + text + "'; expected a decimal number or 0x followed by hex digits");
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
