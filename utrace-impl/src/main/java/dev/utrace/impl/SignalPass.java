package dev.utrace.impl;

import static dev.utrace.impl.Passes.finishCallback;
import static dev.utrace.impl.Passes.finishReport;
import static dev.utrace.impl.Passes.finishResumeReport;

import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SignalAction;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.spi.TracedTask;

/**
 * {@code utrace_get_signal} (section 5.3): an explicit report at the signal point, or a real
 * signal stolen from the queue and shown to the engines, who decide its disposition.
 */
final class SignalPass {
    private SignalPass() {
    }

    static int getSignal(UtraceTask u, TracedTask t, SignalInfo info, SigAction returnKa) {
        if (u.continuing(UtraceTask.HeldAt.SIGNAL_REPORT)) return -1;
        if (u.continuing(UtraceTask.HeldAt.SIGNAL)) return afterStop(u, t, u.report, info, returnKa);
        Report r = u.report.init();
        Event event;
        SigAction ka;
        if (u.resume != ResumeAction.RESUME || u.pendingAttach || u.signalHandler) {
            // An explicit report, before we even look for signals.
            ResumeAction pending;
            u.lock.lock();
            try {
                u.spliceAttaching();
                r.result = (u.signalHandler ? SignalAction.HANDLER : SignalAction.REPORT).code();
                u.signalHandler = false;
                pending = u.resume;
                u.resume = ResumeAction.RESUME;
            } finally {
                u.lock.unlock();
            }
            if (pending.ordinal() > ResumeAction.REPORT.ordinal()) {
                r.action(pending); // only here to apply a step or plain resume
                r.spurious = false;
                finishResumeReport(u, r);
                return -1;
            }
            if ((u.flags & Bits.QUIESCE) == 0) {
                // Nobody to call: the pass only clears the pending report. It is still finished,
                // as finish_resume_report does, so a step nobody asks for any more (its engine
                // detached or revoked while the task was stopped) is turned off.
                if (u.anyEngineHoldsStop()) { // OQ-4: keep the documented promise
                    r.action(ResumeAction.STOP);
                    r.spurious = false;
                }
                if (finishResumeReport(u, r)) u.heldAt = UtraceTask.HeldAt.SIGNAL_REPORT;
                return -1;
            }
            event = null;
            ka = null;
            returnKa.handler = SigAction.SIG_DFL;
            returnKa.flags = 0;
            returnKa.mask = 0;
        } else if ((u.flags & Event.SIGNAL_ALL) == 0 || t.groupStopPending()) {
            return 0; // nobody intercepts signals, or a group stop comes first
        } else {
            int signr = t.dequeueSignal(info);
            if (signr == 0) return 0;
            ka = t.signalDisposition(signr);
            returnKa.copyFrom(ka);
            if (signr == Signals.SIGKILL) return signr; // never shown to engines (R-EVT-9)
            event = classify(signr, ka, r);
            if ((u.flags & (event.bit() | Bits.QUIESCE)) == 0) return signr;
        }

        long eventBit = event == null ? 0 : event.bit();
        for (UtraceEngine e : u.attached) {
            u.reporting = e;
            long want = e.flags;
            EngineOps ops = e.ops;
            if (ops == null || (want & (eventBit | Bits.QUIESCE)) == 0) {
                u.clearReporting();
                if ((want & Bits.ENGINE_STOP) != 0 && ops != null && ops != DetachedOps.INSTANCE) {
                    r.action(ResumeAction.STOP); // OQ-4: a standing stop of an engine not called here still holds
                }
                continue;
            }
            int ret;
            try {
                if (ops != DetachedOps.INSTANCE && e.hasReportSignal) {
                    ret = ops.reportSignal(r.result | r.action().code(), e, t, info, ka, returnKa);
                } else {
                    // No reportSignal: the quiesce callback, with the signal action carried through (R-OPS-1).
                    ret = r.result | Hooks.nonNull(e, ops.reportQuiesce(r.action(), e, t, event)).code();
                }
            } catch (Throwable x) {
                ret = Callbacks.fault(e, "reportSignal on " + u.describe(), x).code();
            }
            int a = ret & ResumeAction.MASK;
            if (a == ResumeAction.INTERRUPT.code() || a == ResumeAction.REPORT.code()) {
                ret = (ret & ~ResumeAction.MASK) | ResumeAction.RESUME.code(); // no report loops (R-SIG-2)
            }
            finishCallback(u, r, e, ret);
        }
        return decide(u, t, r, info, returnKa);
    }

    /** The event bit and starting signal action for a dequeued signal (section 5.3, the table). */
    private static Event classify(int signr, SigAction ka, Report r) {
        SignalAction start;
        Event event;
        if (ka.handler == SigAction.SIG_IGN) {
            event = Event.SIGNAL_IGN;
            start = SignalAction.IGN;
        } else if (ka.handler != SigAction.SIG_DFL) {
            event = Event.SIGNAL;
            start = SignalAction.DELIVER;
        } else {
            switch (Signals.defaultAction(signr)) {
                case CORE -> { event = Event.SIGNAL_CORE; start = SignalAction.CORE; }
                case IGNORE, CONTINUE -> { event = Event.SIGNAL_IGN; start = SignalAction.IGN; }
                case STOP -> {
                    event = Event.SIGNAL_STOP;
                    start = signr == Signals.SIGSTOP ? SignalAction.STOP : SignalAction.TSTP;
                }
                default -> { event = Event.SIGNAL_TERM; start = SignalAction.TERM; }
            }
        }
        r.result = start.code();
        return event;
    }

    /** The final disposition: a stand-in signal whose default action does what was chosen. */
    private static int decide(UtraceTask u, TracedTask t, Report r, SignalInfo info, SigAction returnKa) {
        int signr;
        switch (SignalAction.of(r.result)) {
            case TERM -> signr = Signals.SIGTERM;
            case CORE -> signr = Signals.SIGQUIT;
            case STOP -> signr = Signals.SIGSTOP;
            case TSTP -> signr = Signals.SIGTSTP;
            case DELIVER -> {
                if (info.signo != 0 && !Signals.valid(info.signo)) Hooks.warnBogusSigno(u, info);
                signr = info.signo;
                if (returnKa.handler == SigAction.SIG_DFL) {
                    if (signr == 0 || ignoredByDefault(signr)) return ignored(u, t, r, info, returnKa);
                } else if (returnKa.handler != SigAction.SIG_IGN && signr != 0) {
                    // The handler runs. If an engine wanted more than RESUME, report again
                    // once the handler frame is set up.
                    if (r.action() != ResumeAction.RESUME) r.action(ResumeAction.INTERRUPT);
                    finishReport(u, r, true);
                    if (SignalAction.isHold(r.result)) pushBack(u, t, info);
                    return signr;
                } else {
                    return ignored(u, t, r, info, returnKa);
                }
            }
            default -> {
                return ignored(u, t, r, info, returnKa);
            }
        }
        finishReport(u, r, true);
        returnKa.handler = SigAction.SIG_DFL;
        if (info.signo != 0 && !Signals.valid(info.signo)) Hooks.warnBogusSigno(u, info);
        if (SignalAction.isHold(r.result)) pushBack(u, t, info);
        return signr;
    }

    /** Ignored, REPORT or HANDLER: apply the engines' resume action now, then look again. */
    private static int ignored(UtraceTask u, TracedTask t, Report r, SignalInfo info, SigAction returnKa) {
        if (finishResumeReport(u, r)) {
            u.heldAt = UtraceTask.HeldAt.SIGNAL; // the machine calls us again after the stop
            return -1;
        }
        return afterStop(u, t, r, info, returnKa);
    }

    /** After the engines' resume action took effect (a stop included): SIGKILL, or the held signal again. */
    private static int afterStop(UtraceTask u, TracedTask t, Report r, SignalInfo info, SigAction returnKa) {
        if (t.fatalSignalPending()) {
            // Woken by SIGKILL: die now, with nothing else changed from the state the engines wanted (R-SIG-6).
            info.clear();
            info.signo = Signals.SIGKILL;
            info.code = Signals.SI_KERNEL;
            returnKa.copyFrom(t.signalDisposition(Signals.SIGKILL));
            return Signals.SIGKILL;
        }
        if (SignalAction.isHold(r.result)) pushBack(u, t, info);
        return -1;
    }

    /**
     * {@code push_back_signal} (R-SIG-5): HOLD re-queues the signal in {@code info}. A report that
     * carries no signal has nothing to hold, and the kernel ignores it; a number an engine made up
     * is dropped with a warning. No engine answer may make the task less stable.
     */
    private static void pushBack(UtraceTask u, TracedTask t, SignalInfo info) {
        if (info.signo == 0) return;
        if (!Signals.valid(info.signo)) {
            Callbacks.LOG.log(System.Logger.Level.WARNING, "an engine asked to hold signal " + info.signo + " on "
                    + u.describe() + ", which is no signal (1.." + Signals.NSIG + "); dropped");
            return;
        }
        t.requeueSignal(info.copy());
    }

    private static boolean ignoredByDefault(int signr) {
        Signals.DefaultAction d = Signals.defaultAction(signr);
        return d == Signals.DefaultAction.IGNORE || d == Signals.DefaultAction.CONTINUE;
    }
}
