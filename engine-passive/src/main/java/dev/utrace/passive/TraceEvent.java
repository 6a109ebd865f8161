package dev.utrace.passive;

import java.util.Arrays;

/**
 * One recorded event. Cheap to make in a callback: the text is formatted only when asked for.
 *
 * @param seq      a sequence number across all traces of one tracer, in recording order
 * @param nanos    {@link System#nanoTime()} when it was recorded
 * @param tid      the thread it happened in
 * @param kind     what kind of event
 * @param number   the syscall number, the signal number, the child's tid (CLONE), or the wait status (EXIT)
 * @param name     the syscall's name on its machine (SYSCALLS), else empty
 * @param args     the syscall's six arguments (SYSCALLS), else empty; {@link #args()} returns a copy
 * @param result   the syscall's result, or the clone flags (CLONE); 0 otherwise
 * @param finished false for a syscall that never returned (exit, exit_group, or the task died in it)
 * @param durationNanos the syscall's time from entry to exit; for one that never returned, from entry until
 *                 the task began to exit in it; 0 for other kinds
 * @param detail   extra text (the exec'd file, the signal's info); may be empty
 */
public record TraceEvent(long seq, long nanos, int tid, Kind kind, int number, String name, long[] args, long result,
                         boolean finished, long durationNanos, String detail) {

    private static final long[] NO_ARGS = new long[0];

    public TraceEvent {
        name = name == null ? "" : name;
        args = args == null || args.length == 0 ? NO_ARGS : args.clone();
        detail = detail == null ? "" : detail;
    }

    /** The syscall's arguments: a copy, the event stays as recorded. */
    @Override
    public long[] args() {
        return args.length == 0 ? args : args.clone();
    }

    /** The event as strace would print it, e.g. {@code write(0x1, 0x600000, 0x3) = 3}. */
    public String text() {
        return switch (kind) {
            case SYSCALLS -> {
                StringBuilder sb = new StringBuilder(name).append('(');
                for (int i = 0; i < Math.min(3, args.length); i++) {
                    if (i > 0) sb.append(", ");
                    sb.append("0x").append(Long.toHexString(args[i]));
                }
                sb.append(finished ? ") = " + result : ") = ?");
                yield sb.toString();
            }
            case SIGNALS -> "--- " + dev.utrace.api.task.Signals.name(number) + " " + detail + " ---";
            case CLONE -> "clone(flags=0x" + Long.toHexString(result) + ") = " + number;
            case EXEC -> "exec " + detail;
            case EXIT -> "+++ " + status(number) + " +++";
            case DEATH -> "+++ dead" + (detail.isEmpty() ? "" : " (" + detail + ")") + " +++";
        };
    }

    /** A wait status in words: {@code exited with 0}, {@code killed by SIGTERM}. */
    public static String status(long status) {
        int sig = (int) (status & 0x7f);
        return sig == 0 ? "exited with " + ((status >> 8) & 0xff) : "killed by " + dev.utrace.api.task.Signals.name(sig);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TraceEvent e && e.seq == seq && e.tid == tid && e.kind == kind && e.number == number
                && Arrays.equals(e.args, args) && e.result == result && e.finished == finished;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seq) * 31 + tid;
    }

    @Override
    public String toString() {
        return tid + " " + text();
    }
}
