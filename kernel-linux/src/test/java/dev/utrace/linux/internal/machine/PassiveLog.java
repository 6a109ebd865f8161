package dev.utrace.linux.internal.machine;

import dev.utrace.api.task.Errno;
import dev.utrace.api.task.Signals;
import dev.utrace.linux.internal.machine.Family.Item;
import dev.utrace.linux.internal.machine.Family.What;
import dev.utrace.passive.Kind;
import dev.utrace.passive.TraceEvent;
import java.util.List;

/**
 * The passive tracer's events of a process family, in recording order, as a {@link Family}: a
 * syscall event is a syscall step, a signal a signal, an exit the thread's end; an exec event that
 * names another tid (a non-leader's exec) makes that thread take the leader's pid, as strace's
 * {@code superseded} line does. Clone and death events have no strace line and are left out.
 */
final class PassiveLog {
    private PassiveLog() {
    }

    static Family read(List<TraceEvent> events) {
        Family f = new Family();
        for (TraceEvent e : events) {
            switch (e.kind()) {
                case SYSCALLS -> f.add(e.tid(), syscall(e));
                case SIGNALS -> f.add(e.tid(), new Item(What.SIGNAL, name(e.number()), "", null, false, -1, e.text()));
                case EXIT -> f.add(e.tid(), new Item(What.END, end(e.number()), "", null, false, -1, e.text()));
                case EXEC -> {
                    if (e.number() != e.tid()) f.superseded(e.tid(), e.number());
                }
                case CLONE, DEATH -> f.thread(e.tid());
            }
        }
        return f;
    }

    private static Item syscall(TraceEvent e) {
        String result;
        Long value = null;
        if (!e.finished()) {
            result = "?";
        } else if (Errno.isError(e.result())) {
            int errno = (int) -e.result();
            result = (Errno.restart(errno) ? "? " : "-1 ") + Errno.name(errno);
        } else {
            value = e.result();
            result = Long.toString(value);
        }
        long[] args = e.args();
        int op = (int) args[1] & 127;
        boolean futexWait = e.name().equals("futex") && (op == 0 || op == 6 || op == 9 || op == 11 || op == 13);
        return new Item(What.SYSCALL, e.name(), result, value, futexWait, (int) args[0], e.text());
    }

    /** strace's name of a signal: SIGRTMIN for 32, SIGRT_n above. */
    private static String name(int signo) {
        if (signo == 32) return "SIGRTMIN";
        if (signo > 32) return "SIGRT_" + (signo - 32);
        return Signals.name(signo);
    }

    private static String end(int status) {
        int sig = status & 0x7f;
        return sig == 0 ? "exited " + ((status >> 8) & 0xff) : "killed " + name(sig);
    }

    static boolean isRunSigcont(TraceEvent e) {
        return e.kind() == Kind.SIGNALS && e.number() == Signals.SIGCONT;
    }
}
