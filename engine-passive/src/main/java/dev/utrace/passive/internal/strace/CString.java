package dev.utrace.passive.internal.strace;

import dev.utrace.passive.Copied;

/**
 * Bytes as strace quotes them: printable ASCII as it is, {@code \" \\ \f \n \r \t \v}, any other
 * byte as an octal escape (three digits when an octal digit follows, so it cannot be misread),
 * and {@code ...} after the closing quote when more bytes followed than strace shows.
 */
final class CString {
    private CString() {
    }

    static void append(StringBuilder sb, Copied.Bytes b, boolean hex) {
        sb.append('"');
        int n = b.length();
        for (int i = 0; i < n; i++) {
            int c = b.at(i);
            if (hex) {
                sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                continue;
            }
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 0x0b -> sb.append("\\v");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        boolean digitFollows = i + 1 < n && b.at(i + 1) >= '0' && b.at(i + 1) <= '7';
                        sb.append('\\');
                        if (digitFollows || c >= 0100) sb.append((char) ('0' + (c >> 6)));
                        if (digitFollows || c >= 010) sb.append((char) ('0' + ((c >> 3) & 7)));
                        sb.append((char) ('0' + (c & 7)));
                    }
                }
            }
        }
        sb.append('"');
        if (b.cut()) sb.append("...");
    }
}
