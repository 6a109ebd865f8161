package dev.utrace.shell.command;

import dev.utrace.api.SyscallSet;
import dev.utrace.api.task.Signals;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;
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

    /**
     * Syscalls by name, comma separated as {@code strace -e trace=} takes them
     * ({@code openat,connect}), or {@code all}; names from the machine's syscall table. An unknown
     * name is refused, with the near names the machine knows.
     *
     * @param numberOf the machine's number of a name, or -1 ({@code Processes::syscallNumber})
     * @param nameOf   the machine's name of a number ({@code Processes::syscallName}), for suggestions
     */
    public static SyscallSet syscalls(String text, ToIntFunction<String> numberOf, IntFunction<String> nameOf) {
        if (text.equalsIgnoreCase("all")) return SyscallSet.ALL;
        List<Integer> numbers = new ArrayList<>();
        for (String word : text.split(",", -1)) {
            String name = word.strip();
            if (name.isEmpty()) {
                throw new Refusal(quote(text) + " has an empty syscall name; give names separated by commas, such as"
                        + " openat,connect (or all)");
            }
            int nr = numberOf.applyAsInt(name);
            if (nr < 0 || nr >= SyscallSet.LIMIT) {
                throw new Refusal("unknown syscall " + quote(name) + " on this machine" + nearNames(name, nameOf)
                        + "; names are those of its syscall table, as strace -e trace= takes them (openat, connect, read...)");
            }
            numbers.add(nr);
        }
        return SyscallSet.of(numbers);
    }

    /** ", did you mean a or b?" for the table's names within two edits of {@code name}; empty if none. */
    private static String nearNames(String name, IntFunction<String> nameOf) {
        List<String> near = new ArrayList<>();
        for (int nr = 0; nr < SyscallSet.LIMIT && near.size() < 3; nr++) {
            String known = nameOf.apply(nr);
            if (!known.startsWith("syscall_") && edits(name.toLowerCase(java.util.Locale.ROOT), known) <= 2) near.add(known);
        }
        return near.isEmpty() ? "" : ", did you mean " + String.join(" or ", near) + "?";
    }

    /** The Levenshtein distance of two short words. */
    private static int edits(String a, String b) {
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) row[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int up = row[j];
                row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                diagonal = up;
            }
        }
        return row[b.length()];
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
