package dev.utrace.sim.internal;

import dev.utrace.api.task.Signals;
import dev.utrace.api.task.SignalInfo;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Pending signals ({@code struct sigpending}): a mask plus the queued infos. A standard signal
 * (below 32) is queued at most once; real-time signals queue every instance. Guarded by the
 * kernel lock, like everything reachable from a task's signal state.
 */
final class SigQueue {
    /** Faults are dequeued before other signals, as {@code next_signal} does. */
    private static final long SYNCHRONOUS = Signals.bit(Signals.SIGSEGV) | Signals.bit(Signals.SIGBUS)
            | Signals.bit(Signals.SIGILL) | Signals.bit(Signals.SIGTRAP) | Signals.bit(Signals.SIGFPE)
            | Signals.bit(Signals.SIGSYS);

    long mask;
    /**
     * How many signals were ever sent here ({@link #add}): tells the delivery loop that one came
     * since the core last looked. A put-back ({@link #addFirst}) is not counted: the core has
     * seen that signal already (and may leave it to the machine).
     */
    long queued;
    private final ArrayDeque<SignalInfo> infos = new ArrayDeque<>(2);

    /** Queues {@code info}; a standard signal already pending is not queued twice. */
    void add(SignalInfo info) {
        long bit = Signals.bit(info.signo);
        if (info.signo < 32 && (mask & bit) != 0) return;
        mask |= bit;
        infos.add(info);
        queued++;
    }

    /** Puts {@code info} back at the front (UTRACE_SIGNAL_HOLD). */
    void addFirst(SignalInfo info) {
        mask |= Signals.bit(info.signo);
        infos.addFirst(info);
    }

    /** The signal {@code dequeue} would return next for this blocked mask, or 0. */
    int next(long blocked) {
        long ready = mask & ~blocked;
        if (ready == 0) return 0;
        long sync = ready & SYNCHRONOUS;
        return Long.numberOfTrailingZeros(sync != 0 ? sync : ready) + 1;
    }

    /** Removes signal {@code signo}'s first info into {@code into}. */
    void take(int signo, SignalInfo into) {
        boolean more = false;
        boolean found = false;
        for (Iterator<SignalInfo> it = infos.iterator(); it.hasNext(); ) {
            SignalInfo i = it.next();
            if (i.signo != signo) continue;
            if (!found) {
                into.copyFrom(i);
                it.remove();
                found = true;
            } else {
                more = true;
                break;
            }
        }
        if (!found) {
            into.clear();
            into.signo = signo;
        }
        if (!more) mask &= ~Signals.bit(signo);
    }

    /** Drops every pending instance of the signals in {@code set}. */
    void flush(long set) {
        if ((mask & set) == 0) return;
        mask &= ~set;
        infos.removeIf(i -> (set & Signals.bit(i.signo)) != 0);
    }

    boolean isEmpty() {
        return mask == 0;
    }
}
