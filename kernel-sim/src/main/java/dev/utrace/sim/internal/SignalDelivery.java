package dev.utrace.sim.internal;

import static dev.utrace.api.task.Signals.SIGCHLD;

import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Signals.DefaultAction;
import dev.utrace.api.task.TaskState;
import dev.utrace.spi.StepMode;
import dev.utrace.spi.TraceHooks;
import java.util.ArrayDeque;

/**
 * The receiving side of signals, on the task's own thread: {@code do_signal} and
 * {@code get_signal_to_deliver} with the core's {@link TraceHooks#getSignal} at the top of
 * the loop, job-control group stops ({@code do_signal_stop}) with the JCTL hooks, handler
 * frames and {@code rt_sigreturn}, and syscall restart. Runs with no lock held while it calls
 * the core.
 */
final class SignalDelivery {
    /** Nested handler frames allowed before the task gets SIGSEGV, as a full stack would give. */
    static final int MAX_FRAMES = 64;

    private final Kernel k;

    SignalDelivery(Kernel k) {
        this.k = k;
    }

    /** {@code do_signal}: deliver what is owed, then restart or fail an interrupted syscall. */
    void doSignal(SimTask t) {
        t.clearWork(SimTask.W_SIGPENDING);
        SignalInfo info = new SignalInfo();
        SigAction ka = new SigAction();
        int sig = getSignal(t, info, ka);
        boolean restartable = t.syscallJustReturned && Errno.isRestart(t.regs[Reg.RAX.ordinal()]);
        t.syscallJustReturned = false;
        if (sig > 0) {
            if (restartable) restartOrFail(t, ka);
            setupFrame(t, sig, info, ka);
        } else if (restartable) {
            restart(t);
        }
        k.lock.lock();
        try {
            k.signals.recalc(t);
        } finally {
            k.lock.unlock();
        }
    }

    /**
     * {@code get_signal_to_deliver}. Returns the signal whose handler must run (with the
     * handler in {@code ka}), or 0 when nothing is left; does not return if the task dies.
     */
    int getSignal(SimTask t, SignalInfo info, SigAction ka) {
        TraceHooks h = k.hooks();
        Proc p = t.proc;
        while (true) {
            int why;
            boolean stopOwed;
            long continues;
            long queued;
            k.lock.lock();
            try {
                why = p.cldFlags;
                p.cldFlags = 0;
                stopOwed = t.jobctlStopPending && !t.fatal;
                continues = p.continues;
                queued = k.signals.queuedCount(t);
            } finally {
                k.lock.unlock();
            }
            if (why != 0) {
                h.jctl(t, Signals.CLD_CONTINUED, why);
                notifyParentCldStop(p, why);
                continue;
            }
            if (stopOwed) {
                doSignalStop(t, 0, continues);
                continue;
            }
            // info is kept across rounds, as the kernel keeps its siginfo: after -1 it may hold
            // a signal an engine held with STOP|IGN, which a REPORT round re-injects (R-SIG-4).
            ka.copyFrom(new SigAction());
            int r = k.getSignal(t, info, ka);
            if (r < 0) continue;
            int signr = r;
            SigAction act = ka;
            if (r == 0) {
                signr = k.signals.dequeueIfNoneSince(t, info, queued);
                if (signr < 0) continue; // sent after the core looked: the core sees it first
                if (signr == 0) return 0;
                act = k.signals.disposition(t, signr);
            }
            if (act.handler == SigAction.SIG_IGN) continue;
            if (act.isHandler()) {
                ka.copyFrom(act);
                if ((act.flags & SigAction.SA_ONESHOT) != 0) resetToDefault(p, signr);
                return signr;
            }
            DefaultAction da = Signals.defaultAction(signr);
            if (da == DefaultAction.IGNORE || da == DefaultAction.CONTINUE) continue;
            if (da == DefaultAction.STOP) {
                doSignalStop(t, info.signo == 0 ? signr : info.signo, continues);
                continue;
            }
            int reported = info.signo == 0 ? signr : info.signo;
            k.exits.doGroupExit(t, (reported & 0x7f) | (da == DefaultAction.CORE ? 0x80 : 0));
        }
    }

    private void resetToDefault(Proc p, int signo) {
        k.lock.lock();
        try {
            p.action(signo).handler = SigAction.SIG_DFL;
        } finally {
            k.lock.unlock();
        }
    }

    /**
     * {@code do_signal_stop}: join (or, with {@code signr} != 0, start) the group stop, tell the
     * core (JCTL), then stop, tell the parent, sleep until SIGCONT or SIGKILL, and let the core
     * hold the task if it adopted the stop. As in Linux, the thread counts in the group stop
     * before its JCTL report (so exactly one report says it is the last to stop), but it is
     * marked stopped only after the report: while engines' callbacks run it is running them, not
     * stopped, so no one may treat it as quiescent (adopt the stop, detach an engine under a
     * callback). A SIGCONT or SIGKILL during the report cancels its stop, and so does a SIGCONT
     * sent since the stop signal was dequeued ({@code continuesSeen}, read before the dequeue).
     * Returns false if no stop began.
     */
    boolean doSignalStop(SimTask t, int signr, long continuesSeen) {
        Proc p = t.proc;
        int notify = 0;
        Deferred d = new Deferred();
        k.lock.lock();
        try {
            if (!t.jobctlStopPending) {
                if (signr == 0 || p.groupExit || t.fatal || p.continues != continuesSeen) return false;
                p.groupStopSignal = signr;
                p.groupStopCount = 0;
                for (SimTask q = p.firstThread; q != null; q = q.groupNext) {
                    if (q.rawState() == TaskState.EXITING || q.rawState().hasExited()) continue;
                    q.jobctlStopPending = true;
                    p.groupStopCount++;
                    if (q != t) {
                        q.setWork(SimTask.W_SIGPENDING);
                        d.wake(q);
                    }
                }
            }
            t.jobctlStopPending = false;
            if (--p.groupStopCount == 0) {
                p.groupStopped = true;
                p.stopReportPending = true;
                notify = Signals.CLD_STOPPED;
            }
            t.enteringStop = true;
        } finally {
            k.lock.unlock();
            d.run();
        }
        k.hooks().jctl(t, Signals.CLD_STOPPED, notify);
        boolean stop;
        k.lock.lock();
        try {
            stop = t.enteringStop && !t.fatal;
            t.enteringStop = false;
            if (stop) t.inJobctlStop = true;
        } finally {
            k.lock.unlock();
        }
        if (notify != 0) notifyParentCldStop(p, Signals.CLD_STOPPED);
        if (!stop) return true; // cancelled during the report: run the signal loop again
        t.waitFor(() -> !t.inJobctlStop, false, 0, TaskState.STOPPED);
        k.lock.lock();
        try {
            t.inJobctlStop = false;
        } finally {
            k.lock.unlock();
        }
        k.finishJobControlStop(t);
        return true;
    }

    /** {@code do_notify_parent_cldstop}: SIGCHLD (unless SA_NOCLDSTOP) and a wake-up for waiters. */
    void notifyParentCldStop(Proc p, int why) {
        Proc parent;
        SignalInfo info = new SignalInfo(SIGCHLD, why);
        Deferred d = new Deferred();
        k.lock.lock();
        try {
            parent = p.parent;
            if (parent == null) return;
            parent.childEvents++;
            for (SimTask q = parent.firstThread; q != null; q = q.groupNext) d.wake(q);
            if (parent.kernel || (parent.actionFlags(SIGCHLD) & Proc.SA_NOCLDSTOP) != 0) parent = null;
            info.pid = p.tgid;
            info.status = why == Signals.CLD_CONTINUED ? Signals.SIGCONT : p.groupStopSignal;
        } finally {
            k.lock.unlock();
            d.run();
        }
        if (parent != null && parent.leader != null) k.signals.send(parent.leader, info, true);
    }

    /** {@code handle_signal}'s restart rules when a handler is about to run. */
    private static void restartOrFail(SimTask t, SigAction ka) {
        long rax = t.regs[Reg.RAX.ordinal()];
        boolean restart = rax == -Errno.ERESTARTNOINTR
                || (rax == -Errno.ERESTARTSYS && (ka.flags & SigAction.SA_RESTART) != 0);
        if (restart) restart(t);
        else t.regs[Reg.RAX.ordinal()] = -Errno.EINTR;
    }

    /** Back to the syscall instruction with the original number, as x86 does ({@code ip -= 2}). */
    private static void restart(SimTask t) {
        t.regs[Reg.RAX.ordinal()] = t.regs[Reg.ORIG_RAX.ordinal()];
        t.regs[Reg.RIP.ordinal()] -= Program.INSTR_SIZE;
    }

    /** Saves registers and mask, enters the handler with rdi = signal, rsi = si_code, rdx = si_addr. */
    private void setupFrame(SimTask t, int sig, SignalInfo info, SigAction ka) {
        if (t.frames == null) t.frames = new ArrayDeque<>(2);
        if (t.frames.size() >= MAX_FRAMES) {
            SignalInfo segv = new SignalInfo(Signals.SIGSEGV, Signals.SI_KERNEL);
            k.signals.force(t, segv);
            return;
        }
        long[] frame = new long[t.regs.length + 1];
        System.arraycopy(t.regs, 0, frame, 0, t.regs.length);
        Deferred d = new Deferred();
        k.lock.lock();
        try {
            frame[t.regs.length] = t.blocked;
            long add = ka.mask | ((ka.flags & SigAction.SA_NODEFER) != 0 ? 0 : Signals.bit(sig));
            k.signals.setBlocked(t, t.blocked | add, d);
        } finally {
            k.lock.unlock();
            d.run();
        }
        t.frames.push(frame);
        t.regs[Reg.RIP.ordinal()] = ka.handler;
        t.regs[Reg.RDI.ordinal()] = sig;
        t.regs[Reg.RSI.ordinal()] = info.code;
        t.regs[Reg.RDX.ordinal()] = info.addr;
        t.regs[Reg.RAX.ordinal()] = 0;
        k.hooks().signalHandler(t, t.stepMode() != StepMode.NONE);
    }

    /** {@code rt_sigreturn}: restores the frame; returns the restored rax. */
    long sigreturn(SimTask t) {
        long[] frame = t.frames == null ? null : t.frames.poll();
        if (frame == null) {
            k.signals.force(t, new SignalInfo(Signals.SIGSEGV, Signals.SI_KERNEL));
            return -Errno.EFAULT;
        }
        System.arraycopy(frame, 0, t.regs, 0, t.regs.length);
        t.regs[Reg.ORIG_RAX.ordinal()] = -1;
        Deferred d = new Deferred();
        k.lock.lock();
        try {
            k.signals.setBlocked(t, frame[t.regs.length], d);
        } finally {
            k.lock.unlock();
            d.run();
        }
        return t.regs[Reg.RAX.ordinal()];
    }
}
