package dev.utrace.passive;

import dev.utrace.passive.internal.strace.SignalText;
import dev.utrace.passive.internal.strace.SyscallText;
import java.util.Arrays;
import java.util.List;

/**
 * One recorded event. Cheap to make in a callback: the text is formatted only when asked for.
 *
 * @param seq      a sequence number across all traces of one tracer, in recording order
 * @param nanos    {@link System#nanoTime()} when it was recorded
 * @param tid      the thread it happened in
 * @param kind     what kind of event
 * @param number   the syscall number, the signal number, the child's tid (CLONE), the wait status (EXIT),
 *                 or the tid the task had before the exec (EXEC: its own, unless a thread that was not its
 *                 process's leader exec'd, which takes the leader's tid, as strace's {@code superseded by
 *                 execve in pid N} says)
 * @param name     the syscall's name on its machine (SYSCALLS), else empty
 * @param args     the syscall's six arguments (SYSCALLS), else empty; {@link #args()} returns a copy
 * @param result   the syscall's result, or the clone flags (CLONE); 0 otherwise
 * @param finished false for a syscall that never returned (exit, exit_group, or the task died in it)
 * @param durationNanos the syscall's time from entry to exit; for one that never returned, from entry until
 *                 the task began to exit in it; 0 for other kinds
 * @param detail   extra text (the exec'd file, the signal's siginfo as strace shows it); may be empty
 * @param copied   what was copied from the task's memory for the syscall's arguments, by argument
 *                 (SYSCALLS: paths, strings, buffers; {@link Copied#NONE} where nothing was); may be
 *                 empty, and is for other kinds
 */
public record TraceEvent(long seq, long nanos, int tid, Kind kind, int number, String name, long[] args, long result,
                         boolean finished, long durationNanos, String detail, List<Copied> copied) {

    private static final long[] NO_ARGS = new long[0];

    public TraceEvent {
        name = name == null ? "" : name;
        args = args == null || args.length == 0 ? NO_ARGS : args.clone();
        detail = detail == null ? "" : detail;
        copied = copied == null ? List.of() : List.copyOf(copied);
    }

    /** An event with nothing copied from memory. */
    public TraceEvent(long seq, long nanos, int tid, Kind kind, int number, String name, long[] args, long result,
                      boolean finished, long durationNanos, String detail) {
        this(seq, nanos, tid, kind, number, name, args, result, finished, durationNanos, detail, List.of());
    }

    /** What was copied for argument {@code arg} (0..5), or {@link Copied#NONE}. */
    public Copied copied(int arg) {
        return arg >= 0 && arg < copied.size() ? copied.get(arg) : Copied.NONE;
    }

    /** The syscall's arguments: a copy, the event stays as recorded. */
    @Override
    public long[] args() {
        return args.length == 0 ? args : args.clone();
    }

    /**
     * The event as strace prints it, e.g. {@code openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3},
     * {@code read(3, 0x7ffd2c4e9000, 4096) = -1 EBADF (Bad file descriptor)},
     * {@code --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, si_status=0} ---},
     * {@code +++ new process 42 (CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD) +++},
     * {@code +++ exited with 0 +++}. Made when asked for, not when recorded.
     */
    public String text() {
        return switch (kind) {
            case SYSCALLS -> SyscallText.format(name, args, copied, finished, result);
            case SIGNALS -> SignalText.line(number, detail);
            case CLONE -> "+++ new " + ((result & dev.utrace.api.task.CloneFlags.CLONE_THREAD) != 0 ? "thread " : "process ") + number + " ("
                    + SyscallText.cloneFlags(result) + ") +++";
            case EXEC -> "exec " + detail + (number != 0 && number != tid ? " (by thread " + number + ")" : "");
            case EXIT -> "+++ " + status(number) + " +++";
            case DEATH -> "+++ dead" + (detail.isEmpty() ? "" : " (" + detail + ")") + " +++";
        };
    }

    /** A wait status in words: {@code exited with 0}, {@code killed by SIGTERM}, {@code killed by SIGSEGV (core dumped)}. */
    public static String status(long status) {
        int sig = (int) (status & 0x7f);
        return sig == 0 ? "exited with " + ((status >> 8) & 0xff)
                : "killed by " + SignalText.name(sig) + ((status & 0x80) != 0 ? " (core dumped)" : "");
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
