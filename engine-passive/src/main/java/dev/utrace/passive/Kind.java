package dev.utrace.passive;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What a passive trace records; a trace's event set is a set of these. */
public enum Kind {
    /** Each syscall, with its arguments, result and time (entry and exit). */
    SYSCALLS,
    /** Each signal dequeued for delivery. */
    SIGNALS,
    /** Each new thread or child the task created. */
    CLONE,
    /** Each successful exec. */
    EXEC,
    /** The task began to exit, with its wait status. */
    EXIT,
    /** The task died. */
    DEATH;

    /** Every kind. */
    public static Set<Kind> all() {
        return EnumSet.allOf(Kind.class);
    }

    /** This kind's name as written in event lists: {@code syscalls}, {@code signals}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses an event list: names separated by commas, {@code |} or blanks, case insensitive;
     * singular forms ({@code syscall}, {@code signal}) and {@code all} are accepted.
     *
     * @throws IllegalArgumentException naming the unknown word and the known names, or if the list is empty
     */
    public static Set<Kind> parse(String text) {
        EnumSet<Kind> set = EnumSet.noneOf(Kind.class);
        for (String word : text.split("[|,\\s]+")) {
            if (word.isEmpty()) continue;
            switch (word.toLowerCase(Locale.ROOT)) {
                case "syscall", "syscalls" -> set.add(SYSCALLS);
                case "signal", "signals" -> set.add(SIGNALS);
                case "clone" -> set.add(CLONE);
                case "exec" -> set.add(EXEC);
                case "exit" -> set.add(EXIT);
                case "death" -> set.add(DEATH);
                case "all" -> set.addAll(all());
                default -> throw new IllegalArgumentException("unknown event '" + word
                        + "'; known events: syscalls, signals, clone, exec, exit, death, all");
            }
        }
        if (set.isEmpty()) {
            throw new IllegalArgumentException("no events given; known events: syscalls, signals, clone, exec, exit, death, all");
        }
        return set;
    }

    /** Formats a set as {@code syscalls,clone,...} in declaration order. */
    public static String format(Set<Kind> kinds) {
        StringBuilder sb = new StringBuilder();
        for (Kind k : values()) {
            if (kinds.contains(k)) {
                if (!sb.isEmpty()) sb.append(',');
                sb.append(k.label());
            }
        }
        return sb.toString();
    }
}
