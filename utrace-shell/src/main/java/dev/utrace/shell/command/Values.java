package dev.utrace.shell.command;

import dev.utrace.api.task.Signals;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the values of words: numbers written with the ASCII digits only (Java's own parsers also
 * take other scripts' digits, so {@code ２} would be read as 2) and in range, with a message that
 * quotes what was typed and says what is wrong with it. Each method returns the value or throws
 * a {@link Refusal}.
 */
public final class Values {
    /** How much of a long word a message quotes. */
    static final int QUOTE_MAX = 40;
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+");
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]*");
    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]+");
    /** 16 hex digits: 64 bits. */
    private static final int HEX_DIGITS = 16;

    private Values() {
    }

    /** A thread or process id: 1..{@link Integer#MAX_VALUE}; {@code listedBy} says where to find one ("as ps shows it"). */
    public static int pid(String text, String listedBy) {
        return (int) decimal(text, 1, Integer.MAX_VALUE, "a pid", "a pid is a positive number, " + listedBy);
    }

    /**
     * A whole number in {@code [min, max]}, in decimal.
     *
     * @param what the noun, with its article: "a pid", "a count of events"
     * @param hint what a right value looks like: "a pid is a positive number, as ps shows it"
     */
    public static long decimal(String text, long min, long max, String what, String hint) {
        if (!DECIMAL.matcher(text).matches()) throw notA(text, what, hint);
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException beyond64Bits) {
            throw text.startsWith("-") ? notA(text, what, hint) : tooLarge(text, what, Long.toString(max));
        }
        if (v > max) throw tooLarge(text, what, Long.toString(max));
        if (v < min) throw notA(text, what, hint);
        return v;
    }

    /**
     * A 64-bit word: {@code 0x} and 1 to 16 hex digits (any bits), or a decimal number that fits
     * in a signed 64-bit word (a negative one only if {@code negative}).
     */
    public static long word(String text, boolean negative, String what, String hint) {
        if (HEX.matcher(text).matches()) {
            String digits = text.substring(2).replaceFirst("^0+(?=.)", "");
            if (digits.length() > HEX_DIGITS) throw tooLarge(text, what, "0xffffffffffffffff (64 bits)");
            return Long.parseUnsignedLong(digits, 16);
        }
        return decimal(text, negative ? Long.MIN_VALUE : 0, Long.MAX_VALUE, what, hint);
    }

    /** A signal: a number 1..64 or a name such as KILL, SIGUSR1, usr1. */
    public static int signal(String text) {
        String hint = "use a number 1.." + Signals.NSIG + " or a name such as TERM, KILL, SIGUSR1, usr1";
        if (DECIMAL.matcher(text).matches()) return (int) decimal(text, 1, Signals.NSIG, "a signal", hint);
        if (!NAME.matcher(text).matches()) throw notA(text, "a signal", hint);
        try {
            return Signals.parse(text);
        } catch (IllegalArgumentException unknown) {
            throw new Refusal(unknown.getMessage());
        }
    }

    /** A word as a message quotes it: 'text' (cut short if long), a list or map as Gogo writes one, or "nothing". */
    public static String quote(Object raw) {
        if (raw == null) return "nothing";
        if (raw instanceof Collection<?> || raw instanceof Map<?, ?> || raw.getClass().isArray()) return gogo(raw);
        String s = String.valueOf(raw);
        StringBuilder sb = new StringBuilder("'");
        s.codePoints().limit(QUOTE_MAX).forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        if (s.codePointCount(0, s.length()) > QUOTE_MAX) sb.append("...");
        return sb.append('\'').toString();
    }

    /** {@code [1 2]} for a list, {@code [a=1]} for a map, as they are typed in Gogo. */
    private static String gogo(Object raw) {
        StringBuilder sb = new StringBuilder("[");
        if (raw instanceof Map<?, ?> m) {
            m.forEach((k, v) -> sb.append(sb.length() > 1 ? " " : "").append(k).append('=').append(v));
        } else {
            Iterable<?> items = raw instanceof Collection<?> c ? c : java.util.Arrays.asList((Object[]) array(raw));
            for (Object o : items) sb.append(sb.length() > 1 ? " " : "").append(o);
        }
        String s = sb.append(']').toString();
        return s.length() > QUOTE_MAX ? s.substring(0, QUOTE_MAX) + "...]" : s;
    }

    private static Object array(Object raw) {
        if (raw instanceof Object[] a) return a;
        int n = java.lang.reflect.Array.getLength(raw);
        Object[] boxed = new Object[n];
        for (int i = 0; i < n; i++) boxed[i] = java.lang.reflect.Array.get(raw, i);
        return boxed;
    }

    private static Refusal notA(String text, String what, String hint) {
        return new Refusal(quote(text) + " is not " + what + "; " + hint + digitsNote(text));
    }

    private static Refusal tooLarge(String text, String what, String max) {
        return new Refusal(quote(text) + " is too large for " + what + "; at most " + max);
    }

    /** Says why a word of digits from another script (２, ٣) is not read as a number. */
    static String digitsNote(String text) {
        boolean foreign = text.chars().anyMatch(c -> Character.isDigit(c) && (c < '0' || c > '9'));
        return foreign ? " (write numbers with the digits 0-9)" : "";
    }
}
