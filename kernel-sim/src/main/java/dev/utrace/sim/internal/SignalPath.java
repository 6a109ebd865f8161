package dev.utrace.sim.internal;

import static dev.utrace.api.task.Signals.SIGCONT;
import static dev.utrace.api.task.Signals.SIGKILL;
import static dev.utrace.api.task.Signals.SIGSTOP;
import static dev.utrace.api.task.Signals.bit;

import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Signals.DefaultAction;
import dev.utrace.api.task.TaskState;
import dev.utrace.spi.TraceHooks;

/**
 * Sending signals and the signal state syscalls: {@code send_signal}, {@code prepare_signal}
 * (SIGCONT and stop signals cancel each other, ignored signals are dropped unless the core wants
 * them, R-EVT-6), {@code complete_signal} (choose a thread to wake; a fatal signal kills the
 * whole group at once unless the core wants to see it, R-EVT-7), {@code force_sig_info},
 * {@code dequeue_signal}, and the blocked mask. All state is under
 * {@link Kernel#lock}; the core's hooks are consulted before taking it and told of SIGKILL after
 * releasing it.
 */
final class SignalPath {
    static final long STOP_SIGNALS = bit(SIGSTOP) | bit(Signals.SIGTSTP) | bit(Signals.SIGTTIN) | bit(Signals.SIGTTOU);
    static final long UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);

    private final Kernel k;

    SignalPath(Kernel k) {
        this.k = k;
    }

    /**
     * Sends {@code info} to {@code target}'s process ({@code group}) or to the thread alone.
     *
     * @return 0, or -EPERM for init
     */
    int send(SimTask target, SignalInfo info, boolean group) {
        int sig = info.signo;
        TraceHooks h = k.hooks();
        boolean keepIgnored = h.wantsIgnoredSignals(target);
        boolean seeFatal = sig != SIGKILL && h.considerFatalSignal(target);
        Deferred d = new Deferred();
        k.lock.lock();
        try {
            Proc p = target.proc;
            if (p.kernel) return -Errno.EPERM;
            if (target.rawState().hasExited() && (!group || p.live == 0)) return 0;
            prepare(p, sig, d);
            if (ignored(target, sig) && !keepIgnored) return 0;
            (group ? p.shared() : target.pending()).add(info.copy());
            complete(target, sig, group, seeFatal, d);
            return 0;
        } finally {
            k.lock.unlock();
            d.run();
        }
    }

    /** {@code kill(pid, sig)} from {@code sender} (null for the machine service). */
    int kill(SimTask sender, int pid, int sig) {
        if (sig < 0 || sig > Signals.NSIG) return -Errno.EINVAL;
        SimTask target = pid == 0 && sender != null ? sender : pid > 0 ? k.find(pid) : null;
        if (target == null) return -Errno.ESRCH;
        if (sig == 0) return target.proc.kernel ? -Errno.EPERM : 0;
        return send(target, userInfo(sender, sig, Signals.SI_USER), true);
    }

    /** {@code tgkill(tgid, tid, sig)}; {@code tgid} -1 means any group ({@code tkill}). */
    int tgkill(SimTask sender, int tgid, int tid, int sig) {
        if (sig < 0 || sig > Signals.NSIG || tid <= 0) return -Errno.EINVAL;
        SimTask target = k.find(tid);
        if (target == null || (tgid != -1 && target.tgid() != tgid)) return -Errno.ESRCH;
        if (sig == 0) return target.proc.kernel ? -Errno.EPERM : 0;
        return send(target, userInfo(sender, sig, Signals.SI_TKILL), false);
    }

    private static SignalInfo userInfo(SimTask sender, int sig, int code) {
        SignalInfo info = new SignalInfo(sig, code);
        info.pid = sender == null ? 0 : sender.tgid();
        return info;
    }

    /** {@code force_sig_info}: a fault or trap of the task itself; unblocks and un-ignores it. */
    void force(SimTask t, SignalInfo info) {
        k.lock.lock();
        try {
            Proc p = t.proc;
            long b = bit(info.signo);
            if ((t.blocked & b) != 0 || p.handler(info.signo) == SigAction.SIG_IGN) {
                p.action(info.signo).handler = SigAction.SIG_DFL;
                t.blocked &= ~b;
            }
            t.pending().add(info);
            t.setWork(SimTask.W_SIGPENDING);
        } finally {
            k.lock.unlock();
        }
    }

    /** Makes SIGKILL pending for {@code q}, wakes it from any wait, and tells the core afterwards. */
    void killThread(SimTask q, Deferred d) {
        assert k.lock.isHeldByCurrentThread();
        q.fatal = true;
        q.pending().add(new SignalInfo(SIGKILL, Signals.SI_KERNEL));
        q.setWork(SimTask.W_SIGPENDING);
        d.wake(q);
        d.later(() -> k.hooks().fatalSignal(q));
    }

    private void prepare(Proc p, int sig, Deferred d) {
        if (p.groupExit) return;
        if ((STOP_SIGNALS & bit(sig)) != 0) {
            flush(p, bit(SIGCONT));
        } else if (sig == SIGCONT) {
            p.continues++;
            flush(p, STOP_SIGNALS);
            for (SimTask q = p.firstThread; q != null; q = q.groupNext) {
                q.jobctlStopPending = false;
                q.enteringStop = false;
                if (q.inJobctlStop) {
                    q.inJobctlStop = false;
                    d.wake(q);
                }
            }
            int why = p.groupStopped ? Signals.CLD_CONTINUED : p.groupStopCount > 0 ? Signals.CLD_STOPPED : 0;
            if (why != 0) {
                p.cldFlags = why;
                p.groupStopped = false;
                p.groupStopCount = 0;
                p.stopReportPending = false;
                p.continueReportPending = why == Signals.CLD_CONTINUED;
                SimTask reporter = anyLive(p);
                if (reporter != null) {
                    reporter.setWork(SimTask.W_SIGPENDING);
                    d.wake(reporter);
                }
            }
        }
    }

    private static SimTask anyLive(Proc p) {
        for (SimTask q = p.firstThread; q != null; q = q.groupNext) {
            if (!q.rawState().hasExited()) return q;
        }
        return null;
    }

    /** Drops the signals in {@code set} from every queue of the group. */
    void flush(Proc p, long set) {
        if (p.shared != null) p.shared.flush(set);
        for (SimTask q = p.firstThread; q != null; q = q.groupNext) {
            if (q.pending != null) q.pending.flush(set);
        }
    }

    private static boolean ignored(SimTask t, int sig) {
        if ((t.blocked & bit(sig)) != 0) return false;
        return ignoredBy(t.proc.handler(sig), sig);
    }

    static boolean ignoredBy(long handler, int sig) {
        if (handler == SigAction.SIG_IGN) return !Signals.unblockable(sig);
        DefaultAction a = Signals.defaultAction(sig);
        return handler == SigAction.SIG_DFL && (a == DefaultAction.IGNORE || a == DefaultAction.CONTINUE);
    }

    private static boolean wants(SimTask q, int sig) {
        if (q.rawState() != TaskState.RUNNING && q.rawState() != TaskState.SLEEPING
                && q.rawState() != TaskState.STOPPED) {
            return false;
        }
        return sig == SIGKILL || (q.blocked & bit(sig)) == 0;
    }

    private void complete(SimTask target, int sig, boolean group, boolean seeFatal, Deferred d) {
        Proc p = target.proc;
        SimTask chosen = wants(target, sig) ? target : null;
        for (SimTask q = p.firstThread; chosen == null && group && q != null; q = q.groupNext) {
            if (wants(q, sig)) chosen = q;
        }
        if (chosen == null) {
            if (sig == SIGKILL) killExiting(target, group, d);
            return;
        }
        DefaultAction a = Signals.defaultAction(sig);
        boolean fatal = p.handler(sig) == SigAction.SIG_DFL && (a == DefaultAction.TERM || a == DefaultAction.CORE);
        if (fatal && !p.groupExit && (target.blocked & bit(sig)) == 0 && !seeFatal
                && a != DefaultAction.CORE) {
            p.groupExit = true;
            p.groupExitCode = sig;
            p.groupStopCount = 0;
            for (SimTask q = p.firstThread; q != null; q = q.groupNext) {
                q.jobctlStopPending = false;
                if (!q.rawState().hasExited()) killThread(q, d);
            }
            return;
        }
        if (sig == SIGKILL) {
            killThread(chosen, d);
            return;
        }
        chosen.setWork(SimTask.W_SIGPENDING);
        d.wake(chosen);
    }

    /**
     * SIGKILL for threads that have begun to exit and that no live thread can take for them: it
     * wakes one an engine holds in its exit report (R-STOP-6), so it goes on dying. It starts no
     * group exit, so the exit status stays the one the exit already carries, as on Linux, where a
     * thread in {@code do_exit} takes no new group signal.
     */
    private void killExiting(SimTask target, boolean group, Deferred d) {
        for (SimTask q = group ? target.proc.firstThread : target; q != null; q = group ? q.groupNext : null) {
            if (q.rawState() == TaskState.EXITING && !q.fatal) killThread(q, d);
        }
    }

    /**
     * How many signals were ever queued for {@code t} (its own queue and its group's): a
     * {@link #dequeueIfNoneSince} with this count dequeues only if none came since.
     */
    long queuedCount(SimTask t) {
        assert k.lock.isHeldByCurrentThread();
        return (t.pending == null ? 0 : t.pending.queued) + (t.proc.shared == null ? 0 : t.proc.shared.queued);
    }

    /**
     * The delivery loop's own dequeue after the core answered 0 ("deliver normally"): in Linux
     * both run under the siglock, so the core has seen every signal the loop then dequeues. Here
     * the core's dequeue and this one are two lock holds, and a signal sent between them must go
     * to the core first (an engine may want it: ptrace's signal-delivery stop), not be carried
     * out behind its back. Returns -1, dequeuing nothing, if a signal was queued since
     * {@code seen} ({@link #queuedCount}, read before the core was asked): ask the core again.
     */
    int dequeueIfNoneSince(SimTask t, SignalInfo into, long seen) {
        k.lock.lock();
        try {
            return queuedCount(t) != seen ? -1 : dequeue(t, into);
        } finally {
            k.lock.unlock();
        }
    }

    /** {@code dequeue_signal}: SIGKILL first when the task is being killed, then its own queue, then the group's. */
    int dequeue(SimTask t, SignalInfo into) {
        k.lock.lock();
        try {
            if (t.fatal) {
                if (t.pending != null) t.pending.flush(bit(SIGKILL));
                into.clear();
                into.signo = SIGKILL;
                into.code = Signals.SI_KERNEL;
                return SIGKILL;
            }
            int s = t.pending == null ? 0 : t.pending.next(t.blocked);
            if (s != 0) {
                t.pending.take(s, into);
                return s;
            }
            Proc p = t.proc;
            s = p.shared == null ? 0 : p.shared.next(t.blocked);
            if (s != 0) p.shared.take(s, into);
            return s;
        } finally {
            k.lock.unlock();
        }
    }

    SigAction disposition(SimTask t, int signo) {
        if (!Signals.valid(signo)) throw new IllegalArgumentException("bad signal number " + signo + "; use 1.." + Signals.NSIG);
        k.lock.lock();
        try {
            return t.proc.actions == null ? new SigAction() : t.proc.actions[signo].copy();
        } finally {
            k.lock.unlock();
        }
    }

    void requeue(SimTask t, SignalInfo info) {
        if (!Signals.valid(info.signo)) throw new IllegalArgumentException("cannot requeue signal " + info.signo + "; use 1.." + Signals.NSIG);
        k.lock.lock();
        try {
            t.pending().addFirst(info.copy());
            t.setWork(SimTask.W_SIGPENDING);
        } finally {
            k.lock.unlock();
        }
    }

    /** {@code recalc_sigpending}: sets the flag if anything is owed; clearing is the delivery path's job. */
    void recalc(SimTask t) {
        assert k.lock.isHeldByCurrentThread();
        if (t.fatal || deliverable(t) || t.jobctlStopPending || t.proc.cldFlags != 0) t.setWork(SimTask.W_SIGPENDING);
    }

    static boolean deliverable(SimTask t) {
        long pend = (t.pending == null ? 0 : t.pending.mask) | (t.proc.shared == null ? 0 : t.proc.shared.mask);
        return (pend & ~t.blocked) != 0;
    }

    /**
     * Changes the blocked mask; a group signal this thread now blocks is handed to another thread
     * that can take it ({@code retarget_shared_pending}).
     */
    void setBlocked(SimTask t, long blocked, Deferred d) {
        assert k.lock.isHeldByCurrentThread();
        long newlyBlocked = blocked & ~t.blocked & ~UNBLOCKABLE;
        t.blocked = blocked & ~UNBLOCKABLE;
        recalc(t);
        Proc p = t.proc;
        long retarget = p.shared == null ? 0 : p.shared.mask & newlyBlocked;
        for (SimTask q = p.firstThread; retarget != 0 && q != null; q = q.groupNext) {
            if (q != t && (retarget & ~q.blocked) != 0 && !q.rawState().hasExited()) {
                q.setWork(SimTask.W_SIGPENDING);
                d.wake(q);
                retarget &= q.blocked;
            }
        }
    }
}
