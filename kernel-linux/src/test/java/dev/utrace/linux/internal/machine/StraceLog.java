package dev.utrace.linux.internal.machine;

import dev.utrace.linux.internal.machine.Family.Item;
import dev.utrace.linux.internal.machine.Family.What;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the log {@code strace -f -o FILE} writes ({@code PID  line}) into a {@link Family}. A
 * syscall strace splits ({@code <unfinished ...>}, then {@code <... NAME resumed>}) is joined
 * again; a thread that exec'd from a non-leader thread ({@code superseded by execve in pid N})
 * takes the leader's pid.
 */
final class StraceLog {
    private static final Pattern PREFIX = Pattern.compile("^(\\d+)\\s+(.*)$");
    private static final Pattern CALL = Pattern.compile("^([a-z_0-9]+)\\((.*)$");
    private static final Pattern RESUMED = Pattern.compile("^<\\.\\.\\. ([a-z_0-9]+) resumed>(.*)$");
    private static final Pattern UNFINISHED = Pattern.compile("^(.*?) ?<(unfinished|pid changed to \\d+) \\.\\.\\.>$");
    private static final Pattern SIGNAL = Pattern.compile("^--- (SIG[A-Z0-9_]+) .*---$");
    private static final Pattern EXITED = Pattern.compile("^\\+\\+\\+ exited with (\\d+) \\+\\+\\+$");
    private static final Pattern KILLED = Pattern.compile("^\\+\\+\\+ killed by (SIG[A-Z0-9_]+)( \\(core dumped\\))? \\+\\+\\+$");
    private static final Pattern SUPERSEDED = Pattern.compile("^\\+\\+\\+ superseded by execve in pid (\\d+) \\+\\+\\+$");
    private static final Pattern RESULT = Pattern.compile("^(\\?|-?\\d+|0x[0-9a-f]+)(?: ([A-Z][A-Z0-9_]*) \\(.*\\))?(?: \\(.*\\))?$");

    private StraceLog() {
    }

    static Family read(List<String> lines) {
        Family f = new Family();
        Map<Integer, String> pending = new HashMap<>(); // by pid: the first part of a split line
        for (String raw : lines) {
            Matcher p = PREFIX.matcher(raw);
            if (!p.matches()) throw new IllegalArgumentException("not a line of strace -f: " + raw);
            int pid = Integer.parseInt(p.group(1));
            String line = p.group(2);
            Matcher m;
            if ((m = SIGNAL.matcher(line)).matches()) {
                f.add(pid, new Item(What.SIGNAL, m.group(1), "", null, false, -1, line));
            } else if ((m = EXITED.matcher(line)).matches()) {
                f.add(pid, new Item(What.END, "exited " + m.group(1), "", null, false, -1, line));
            } else if ((m = KILLED.matcher(line)).matches()) {
                f.add(pid, new Item(What.END, "killed " + m.group(1), "", null, false, -1, line));
            } else if ((m = SUPERSEDED.matcher(line)).matches()) {
                int execer = Integer.parseInt(m.group(1));
                f.superseded(pid, execer);
                String first = pending.remove(execer);
                if (first != null) pending.put(pid, first);
            } else if ((m = UNFINISHED.matcher(line)).matches()) {
                pending.put(pid, m.group(1));
                f.thread(pid);
            } else if ((m = RESUMED.matcher(line)).matches()) {
                String first = pending.remove(pid);
                if (first == null) throw new IllegalArgumentException("resumed, never begun: " + raw);
                f.add(pid, syscall(first + m.group(2)));
            } else if (CALL.matcher(line).matches()) {
                f.add(pid, syscall(line));
            } else {
                throw new IllegalArgumentException("a line of strace this test does not know: " + raw);
            }
        }
        return f;
    }

    /** {@code name(args) = result}: the result after the last {@code " = "}. */
    static Item syscall(String line) {
        Matcher c = CALL.matcher(line);
        if (!c.matches()) throw new IllegalArgumentException("not a syscall: " + line);
        String name = c.group(1);
        int eq = line.lastIndexOf(" = ");
        if (eq < 0) throw new IllegalArgumentException("no result: " + line);
        String tail = line.substring(eq + 3).strip();
        Matcher r = RESULT.matcher(tail);
        if (!r.matches()) throw new IllegalArgumentException("a result this test does not know: " + line);
        String head = r.group(1);
        String errno = r.group(2);
        String result;
        Long value = null;
        if (head.equals("?")) {
            result = errno == null ? "?" : "? " + errno;
        } else if (head.equals("-1") && errno != null) {
            result = "-1 " + errno;
        } else {
            value = head.startsWith("0x") ? Long.parseUnsignedLong(head.substring(2), 16) : Long.parseLong(head);
            result = Long.toString(value);
        }
        String args = line.substring(name.length() + 1);
        boolean futexWait = name.equals("futex") && (args.contains(", FUTEX_WAIT") || args.contains(", FUTEX_LOCK_PI"));
        long fd = -1;
        Matcher first = Pattern.compile("^(-?\\d+)[,)]").matcher(args);
        if (first.find()) fd = Long.parseLong(first.group(1));
        return new Item(What.SYSCALL, name, result, value, futexWait, fd, line);
    }
}
