package dev.utrace.passive;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Statistics of one trace or of all ({@code strace -c}): calls, errors and time per syscall,
 * plus signals and exits.
 *
 * @param pid      the task, or 0 for the total over every trace (live and ended)
 * @param syscalls one line per syscall, in {@link #sortedBy} order
 * @param signals  signals seen, by number
 * @param exits    tasks that began to exit
 * @param dropped  events lost because a ring was full
 */
public record Stats(int pid, List<SyscallStat> syscalls, Map<Integer, Long> signals, long exits, long dropped) {

    /** The columns the table can be sorted by. */
    public enum Column {
        SYSCALL, CALLS, ERRORS, TIME, AVG;

        /**
         * Parses a column name, case insensitive ({@code usecs}, {@code seconds} and {@code name} also work).
         *
         * @throws IllegalArgumentException naming the known columns
         */
        public static Column parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "syscall", "name" -> SYSCALL;
                case "calls" -> CALLS;
                case "errors" -> ERRORS;
                case "time", "usecs", "seconds" -> TIME;
                case "avg" -> AVG;
                default -> throw new IllegalArgumentException("unknown column '" + text
                        + "'; known columns: syscall, calls, errors, time, avg");
            };
        }
    }

    /** Total time of every syscall. */
    public long totalNanos() {
        return syscalls.stream().mapToLong(SyscallStat::nanos).sum();
    }

    /** Total calls. */
    public long totalCalls() {
        return syscalls.stream().mapToLong(SyscallStat::calls).sum();
    }

    /** Total errors. */
    public long totalErrors() {
        return syscalls.stream().mapToLong(SyscallStat::errors).sum();
    }

    /** The calls of syscall {@code name}, or 0. */
    public long calls(String name) {
        return syscalls.stream().filter(s -> s.name().equals(name)).mapToLong(SyscallStat::calls).sum();
    }

    /** The errors of syscall {@code name}, or 0. */
    public long errors(String name) {
        return syscalls.stream().filter(s -> s.name().equals(name)).mapToLong(SyscallStat::errors).sum();
    }

    /** These statistics with the syscalls sorted by {@code column}: names ascending, numbers descending. */
    public Stats sortedBy(Column column) {
        Comparator<SyscallStat> c = switch (column) {
            case SYSCALL -> Comparator.comparing(SyscallStat::name);
            case CALLS -> Comparator.comparingLong(SyscallStat::calls).reversed();
            case ERRORS -> Comparator.comparingLong(SyscallStat::errors).reversed();
            case TIME -> Comparator.comparingLong(SyscallStat::nanos).reversed();
            case AVG -> Comparator.comparingLong(SyscallStat::avgNanos).reversed();
        };
        List<SyscallStat> list = new ArrayList<>(syscalls);
        list.sort(c.thenComparing(SyscallStat::name));
        return new Stats(pid, List.copyOf(list), signals, exits, dropped);
    }
}
