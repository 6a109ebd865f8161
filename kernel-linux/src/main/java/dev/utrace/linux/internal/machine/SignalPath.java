package dev.utrace.linux.internal.machine;

import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Signals.DefaultAction;
import dev.utrace.linux.internal.trace.Resume;
import dev.utrace.spi.TraceHooks;
import java.util.List;

/**
 * {@code get_signal_to_deliver} for a real thread, where its hooks run, with the core's
 * {@link TraceHooks#getSignal} at the top of the loop. The kernel has already dequeued the signal
 * of a signal-delivery stop: it is "in hand" ({@link SignalState}), and the loop's dequeue takes
 * it. What the loop decides is carried out by the kernel when the tracee goes on: the signal
 * handed over at the restart runs its handler, stops the group, or kills, by the thread's real
 * disposition; so a stand-in chosen by engines (SIGTERM for "terminate") is mapped to a signal
 * whose real disposition does that, the original first (its number then shows in the wait
 * status), SIGSTOP and SIGKILL last.
 */
final class SignalPath {
    /** si_code of a ptrace_notify trap, such as the one a single-stepped handler entry reports. */
    static final int SI_PTRACE_NOTIFY = Signals.SIGTRAP;

    private SignalPath() {}

    /** Returned by the loop when the core left the task held in {@link TraceHooks#getSignal}. */
    static final Decision HELD = new Decision(0, null, Decision.Kind.FATAL);
    private static final int NOT_CALLED = Integer.MIN_VALUE;

    /**
     * The delivery loop: a decision for the kernel to carry out, null when nothing is to be
     * delivered, or {@link #HELD} (then {@link #callAgain} and {@link #goOn} take it up).
     */
    static Decision loop(LinuxTask t, TraceHooks hooks) {
        t.clearWork(LinuxTask.W_SIGPENDING);
        // One info for all rounds: after -1 it may hold a signal an engine held, which a later REPORT round re-injects (R-SIG-4).
        t.loopInfo.clear();
        return goOn(t, hooks, NOT_CALLED);
    }

    /** {@link TraceHooks#getSignal} again, with the arguments of the call that left the task held. */
    static int callAgain(LinuxTask t, TraceHooks hooks) {
        return hooks.getSignal(t, t.loopInfo, t.loopAction);
    }

    /** The loop from the answer {@code answered} of {@link TraceHooks#getSignal} on ({@code NOT_CALLED}: from the top). */
    static Decision goOn(LinuxTask t, TraceHooks hooks, int answered) {
        SignalInfo info = t.loopInfo;
        SigAction ka = t.loopAction;
        while (true) {
            int r = answered;
            answered = NOT_CALLED;
            if (r == NOT_CALLED) {
                if (t.machine.lettingGo()) return null;
                ka.handler = SigAction.SIG_DFL;
                ka.flags = 0;
                ka.mask = 0;
                r = hooks.getSignal(t, info, ka);
                if (hooks.held(t)) return HELD;
            }
            if (r < 0) continue;
            int signr = r;
            SigAction act = ka;
            if (r == 0) {
                signr = t.signals.dequeue(t, info);
                if (signr == 0) return null;
                act = t.machine.disposition(t, signr);
            }
            if (act.handler == SigAction.SIG_IGN) continue;
            if (act.isHandler()) return new Decision(signr, info.copy(), Decision.Kind.HANDLER);
            DefaultAction da = Signals.defaultAction(signr);
            if (da == DefaultAction.IGNORE || da == DefaultAction.CONTINUE) continue;
            return new Decision(signr, info.copy(), da == DefaultAction.STOP ? Decision.Kind.STOP : Decision.Kind.FATAL);
        }
    }

    /**
     * The restart of signal-delivery stop {@code r} that carries out {@code d}: the signal to hand
     * over, its siginfo if the kernel's would differ, and a single-step for a handler, whose
     * entry then stops (ptrace_notify) so the HANDLER report comes before its first instruction.
     */
    static Answer deliver(LinuxTask t, StopRecord r, Decision d) {
        ProcInfo.Status s = ProcInfo.status(t.tid());
        int sig = switch (d.kind()) {
            case HANDLER -> d.signo();
            case STOP -> pick(s, DefaultAction.STOP, d.info().signo, d.signo(), Signals.SIGSTOP);
            case FATAL -> pick(s, Signals.defaultAction(d.signo()), d.info().signo, d.signo(),
                    Signals.defaultAction(d.signo()) == DefaultAction.CORE ? Signals.SIGQUIT : Signals.SIGTERM, Signals.SIGKILL);
        };
        if (d.kind() == Decision.Kind.FATAL) t.exitingOnItsOwn = true;
        SignalInfo info = d.info().copy();
        boolean same = sig == r.signal && sameAs(info, r.info);
        SignalInfo set = null;
        if (!same) {
            if (info.signo != sig) {
                info.clear();
                info.signo = sig;
                info.code = Signals.SI_KERNEL;
            }
            set = info;
        }
        Resume how = Answer.run(t).how();
        if (d.kind() == Decision.Kind.HANDLER) {
            t.expectHandlerEntry = true;
            how = Resume.SINGLESTEP;
        }
        return new Answer(how, sig, set, r.kind == dev.utrace.linux.internal.trace.StopKind.SIGNAL && info.signo == r.signal ? r.rawInfo : null);
    }

    /** The first candidate whose real disposition is the default {@code action}, not blocked (SIGSTOP and SIGKILL always are). */
    private static int pick(ProcInfo.Status s, DefaultAction action, int... candidates) {
        for (int c : candidates) {
            if (!Signals.valid(c)) continue;
            if (c == Signals.SIGKILL || c == Signals.SIGSTOP) return c;
            long bit = Signals.bit(c);
            boolean dfl = s == null || ((s.caught() | s.ignored() | s.blocked()) & bit) == 0;
            if (dfl && Signals.defaultAction(c) == action) return c;
        }
        return action == DefaultAction.STOP ? Signals.SIGSTOP : Signals.SIGKILL;
    }

    static boolean sameAs(SignalInfo a, SignalInfo b) {
        return b != null && a.signo == b.signo && a.code == b.code && a.errno == b.errno && a.pid == b.pid
                && a.addr == b.addr && a.status == b.status;
    }

    /** Gives signals back to the kernel with tgkill; each one's siginfo is put back when it is dequeued. */
    static void reraise(LinuxTask t, List<SignalInfo> infos, Decision decided) {
        for (SignalInfo i : infos) {
            t.signals.expect(new SignalState.Raised(i.signo, i.copy(), decided));
            t.machine.raise(t, i.signo);
        }
    }
}
