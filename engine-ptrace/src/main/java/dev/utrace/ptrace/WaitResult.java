package dev.utrace.ptrace;

import dev.utrace.api.task.Signals;

/**
 * What {@link PtraceSession#wait} reports about one tracee: Linux's wait status word and its
 * decoded form.
 *
 * @param pid    the thread id the status is about (for an exec by a non-leader, already the
 *               leader's id it took over)
 * @param status the wait status word: {@code code << 8} for an exit, the signal (| 0x80 for a
 *               core dump) for a kill, {@code 0x7f | sig << 8 | event << 16} for a stop
 * @param kind   what happened
 * @param signal the stop signal (SIGTRAP, or SIGTRAP|0x80 for a TRACESYSGOOD syscall stop),
 *               the killing signal, or the exit code
 * @param event  the {@code PTRACE_EVENT_*} of an event stop, else 0
 */
public record WaitResult(int pid, int status, Kind kind, int signal, int event) {
    public static final int EVENT_FORK = 1;
    public static final int EVENT_VFORK = 2;
    public static final int EVENT_CLONE = 3;
    public static final int EVENT_EXEC = 4;
    public static final int EVENT_VFORK_DONE = 5;
    public static final int EVENT_EXIT = 6;
    /** A stop of a seized tracee: group stop, PTRACE_INTERRUPT, or a listening tracee's re-trap. */
    public static final int EVENT_STOP = 128;

    /** The kinds of wait reports. */
    public enum Kind {
        /** Exited normally ({@code WIFEXITED}); {@code signal} is the exit code. */
        EXITED,
        /** Killed by a signal ({@code WIFSIGNALED}). */
        KILLED,
        /** Signal-delivery stop: the tracee is about to get {@code signal}; resume with it to deliver it. */
        SIGNAL_STOP,
        /** Group (job-control) stop of the tracee's process. */
        GROUP_STOP,
        /** Syscall-entry or syscall-exit stop (after PTRACE_SYSCALL). */
        SYSCALL_STOP,
        /** A PTRACE_EVENT stop ({@code event} says which). */
        EVENT_STOP
    }

    /** Decodes a status word as a tracer sees it (TRACESYSGOOD decides syscall stops). */
    public static WaitResult decode(int pid, int status, boolean sysgood) {
        if ((status & 0x7f) == 0) return new WaitResult(pid, status, Kind.EXITED, (status >> 8) & 0xff, 0);
        if ((status & 0xff) != 0x7f) return new WaitResult(pid, status, Kind.KILLED, status & 0x7f, 0);
        int sig = (status >> 8) & 0xff;
        int event = (status >> 16) & 0xff;
        if (event == EVENT_STOP) {
            return new WaitResult(pid, status, sig == Signals.SIGTRAP ? Kind.EVENT_STOP : Kind.GROUP_STOP, sig, event);
        }
        if (event != 0) return new WaitResult(pid, status, Kind.EVENT_STOP, sig, event);
        if (sysgood && sig == (Signals.SIGTRAP | 0x80)) return new WaitResult(pid, status, Kind.SYSCALL_STOP, sig, 0);
        return new WaitResult(pid, status, Kind.SIGNAL_STOP, sig, 0);
    }

    /** Whether the tracee is stopped (and requests may be made). */
    public boolean stopped() {
        return kind != Kind.EXITED && kind != Kind.KILLED;
    }

    /** Like strace's notes: "stopped by SIGSTOP", "PTRACE_EVENT_EXEC", "exited with 3", "killed by SIGKILL". */
    public String describe() {
        return switch (kind) {
            case EXITED -> "exited with " + signal;
            case KILLED -> "killed by " + Signals.name(signal & 0x7f) + ((status & 0x80) != 0 ? " (core dumped)" : "");
            case SIGNAL_STOP -> "signal-delivery stop, " + Signals.name(signal);
            case GROUP_STOP -> "group stop, " + Signals.name(signal);
            case SYSCALL_STOP -> "syscall stop";
            case EVENT_STOP -> "event stop, PTRACE_EVENT_" + eventName(event);
        };
    }

    /** "EXEC" for 4, "STOP" for 128. */
    public static String eventName(int event) {
        return switch (event) {
            case EVENT_FORK -> "FORK";
            case EVENT_VFORK -> "VFORK";
            case EVENT_CLONE -> "CLONE";
            case EVENT_EXEC -> "EXEC";
            case EVENT_VFORK_DONE -> "VFORK_DONE";
            case EVENT_EXIT -> "EXIT";
            case EVENT_STOP -> "STOP";
            default -> Integer.toString(event);
        };
    }
}
