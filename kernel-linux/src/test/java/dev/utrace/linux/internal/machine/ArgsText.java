package dev.utrace.linux.internal.machine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The arguments of a syscall line as strace printed them and as the passive tracer printed them,
 * made comparable (the oracle test's rule R7): split at the commas between arguments, each
 * normalised the same way on both sides: an address ({@code 0x...}) is any address, a tid or pid
 * of the family (in the syscalls that take one: kill, tgkill, tkill, wait4, waitid, clone,
 * clone3) is the thread's name, a comment is dropped; the bytes getrandom returns, and what a
 * program writes to its output when the two runs' outputs differ, are any bytes. Where strace
 * decodes a structure or an array ({@code {st_mode=...}}, {@code [{WIFEXITED(s) ...}]},
 * {@code ~[]}) the passive tracer shows its address, and that matches.
 */
final class ArgsText {
    private static final Pattern HEX = Pattern.compile("0x[0-9a-f]+");
    private static final Pattern COMMENT = Pattern.compile("\\s*/\\*.*?\\*/");
    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.])\\d+(?![\\w.])");
    private static final Set<String> TAKES_TIDS = Set.of("kill", "tgkill", "tkill", "wait4", "waitid", "clone", "clone3");
    private static final String ADDRESS = "0x?";

    private ArgsText() {
    }

    /**
     * Why the arguments of {@code strace} and {@code passive} (two lines of the same syscall) differ,
     * or null if they do not.
     */
    static String difference(String strace, String passive, Map<Integer, String> straceNames,
            Map<Integer, String> passiveNames, boolean outputsAgree) {
        String name = strace.substring(0, strace.indexOf('('));
        List<String> a = normalize(name, args(strace), straceNames, outputsAgree);
        List<String> b = normalize(name, args(passive), passiveNames, outputsAgree);
        if (a.size() != b.size()) return "strace shows " + a.size() + " arguments, the passive tracer " + b.size();
        for (int i = 0; i < a.size(); i++) {
            String x = a.get(i);
            String y = b.get(i);
            if (x.equals(y)) continue;
            boolean decoded = x.startsWith("{") || x.startsWith("[") || x.startsWith("~[");
            if (decoded && y.equals(ADDRESS)) continue; // a structure strace decodes, shown by its address
            return "argument " + (i + 1) + ": strace " + x + ", passive " + y;
        }
        return null;
    }

    private static List<String> normalize(String name, List<String> args, Map<Integer, String> names, boolean outputsAgree) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = COMMENT.matcher(args.get(i)).replaceAll("").strip();
            if (TAKES_TIDS.contains(name)) a = tids(a, names);
            a = HEX.matcher(a).replaceAll(ADDRESS);
            if (name.equals("getrandom") && i == 0 && a.startsWith("\"")) a = "RANDOM BYTES";
            if (name.equals("write") && i == 1 && !outputsAgree && (args.get(0).equals("1") || args.get(0).equals("2"))) {
                a = "OUTPUT";
            }
            out.add(a);
        }
        return out;
    }

    private static String tids(String arg, Map<Integer, String> names) {
        if (arg.startsWith("\"")) return arg;
        Matcher m = NUMBER.matcher(arg);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String n = names.get(Integer.parseInt(m.group()));
            m.appendReplacement(sb, Matcher.quoteReplacement(n != null ? "T" + n : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The arguments of {@code name(args) = result}, split at the commas outside quotes and brackets. */
    static List<String> args(String line) {
        int open = line.indexOf('(');
        String call = line.substring(0, line.lastIndexOf(" = ")).stripTrailing(); // strace pads to a column
        String inner = call.substring(open + 1, call.length() - 1);
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (quoted) {
                if (c == '\\') i++;
                else if (c == '"') quoted = false;
                continue;
            }
            switch (c) {
                case '"' -> quoted = true;
                case '{', '[', '(' -> depth++;
                case '}', ']', ')' -> depth--;
                case ',' -> {
                    if (depth == 0) {
                        out.add(inner.substring(start, i).strip());
                        start = i + 1;
                    }
                }
                default -> { }
            }
        }
        String last = inner.substring(start).strip();
        if (!last.isEmpty() || !out.isEmpty()) out.add(last);
        return out;
    }
}
