package dev.utrace.linux.internal.machine;

import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A task's signals as its delivery loop sees them: the signal the kernel dequeued at this
 * signal-delivery stop ("in hand"), the signals engines held (requeued, UTRACE_SIGNAL_HOLD), and
 * the signals this machine raised with {@code tgkill} whose siginfo it must put back when they
 * arrive (a held signal given back to the kernel, a signal decided at a stop where none could be
 * delivered, a signal ProcessControl sends "from the kernel"). The in-hand signal and the
 * requeued ones belong to the thread running the task's hooks; the raised ones are added from any thread.
 */
final class SignalState {
    /** A signal raised with tgkill from this JVM, to be recognised when it is dequeued. */
    record Raised(int signo, SignalInfo info, Decision decided) {}

    private SignalInfo inHand;
    private boolean inHandTaken;
    private final ArrayDeque<SignalInfo> requeued = new ArrayDeque<>(2);
    private final List<Raised> raised = new ArrayList<>(2);

    /** The kernel dequeued {@code info} at this stop (null at any other stop). */
    void hold(SignalInfo info) {
        inHand = info;
        inHandTaken = false;
    }

    /** The in-hand signal if nobody dequeued it (it must not be lost), else null; the stop is over either way. */
    SignalInfo release() {
        SignalInfo left = inHand != null && !inHandTaken ? inHand : null;
        inHand = null;
        return left;
    }

    boolean inHandTaken() {
        return inHand == null || inHandTaken;
    }

    /** {@code dequeue_signal}: SIGKILL when dying, then the in-hand signal, then held ones the thread does not block. */
    int dequeue(LinuxTask t, SignalInfo into) {
        if (t.fatal) {
            into.clear();
            into.signo = Signals.SIGKILL;
            into.code = Signals.SI_KERNEL;
            return Signals.SIGKILL;
        }
        if (inHand != null && !inHandTaken) {
            inHandTaken = true;
            into.copyFrom(inHand);
            return into.signo;
        }
        if (requeued.isEmpty()) return 0;
        ProcInfo.Status s = ProcInfo.status(t.tid());
        long blocked = s == null ? 0 : s.blocked();
        for (Iterator<SignalInfo> it = requeued.iterator(); it.hasNext(); ) {
            SignalInfo i = it.next();
            if ((blocked & Signals.bit(i.signo)) == 0) {
                it.remove();
                into.copyFrom(i);
                return i.signo;
            }
        }
        return 0;
    }

    void requeue(SignalInfo info) {
        requeued.addFirst(info.copy());
    }

    /** The held signals no round took (they are blocked), for the kernel to keep pending. */
    List<SignalInfo> drainRequeued() {
        if (requeued.isEmpty()) return List.of();
        List<SignalInfo> out = new ArrayList<>(requeued);
        requeued.clear();
        return out;
    }

    synchronized void expect(Raised r) {
        raised.add(r);
    }

    /** A raise that did not happen (the thread was gone). */
    synchronized void forget(Raised r) {
        raised.remove(r);
    }

    /** The raise {@code info} (a tgkill from this JVM) is, or null; removed once matched. */
    synchronized Raised match(SignalInfo info, int jvmPid) {
        if (info.code != Signals.SI_TKILL || info.pid != jvmPid) return null;
        for (Iterator<Raised> it = raised.iterator(); it.hasNext(); ) {
            Raised r = it.next();
            if (r.signo == info.signo) {
                it.remove();
                return r;
            }
        }
        return null;
    }
}
