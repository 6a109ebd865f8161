package dev.utrace.impl;

import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.spi.StepMode;
import java.lang.System.Logger.Level;

/**
 * The building blocks of a reporting pass ({@code start_callback}, {@code finish_callback},
 * {@code finish_report}); see the semantics reference, section 5.2. Everything here runs on
 * the tracee's hook thread and takes the task's lock only briefly, never around a callback.
 */
final class Passes {
    private Passes() {
    }

    /**
     * {@code start_report}: splices new engines at a safe point (R-ATT-6); a pending REPORT
     * (or step) request is satisfied by this pass.
     *
     * @return the resume action that was pending
     */
    static ResumeAction startReport(UtraceTask u) {
        ResumeAction res = u.resume;
        if (u.pendingAttach || (res.ordinal() > ResumeAction.INTERRUPT.ordinal() && res != ResumeAction.RESUME)) {
            u.lock.lock();
            try {
                u.spliceAttaching();
                res = u.resume;
                if (res.ordinal() > ResumeAction.INTERRUPT.ordinal()) {
                    u.resume = ResumeAction.RESUME;
                }
            } finally {
                u.lock.unlock();
            }
        }
        return res;
    }

    /**
     * {@code REPORT_CALLBACKS}: the one walk over the task's engines for one event occurrence
     * (section 5.2), in attach order or, for syscall entry, in reverse (R-EVT-ORD-1). Each engine
     * gets its quiesce call, then its event callback (R-EVT-ORD-2), a fault in either contained
     * as DETACH; the answers are folded into {@code r}. {@code event} null (with
     * {@link EventCalls#NONE}) is a resume-point report: quiesce calls only. No lock is held and
     * nothing is allocated.
     */
    static void callEngines(UtraceTask u, Report r, Event event, EventCalls.Call call, boolean reverse) {
        UtraceEngine[] engines = u.attached;
        if (reverse) {
            for (int k = engines.length - 1; k >= 0; k--) callEngine(u, r, engines[k], event, call);
        } else {
            for (UtraceEngine e : engines) callEngine(u, r, e, event, call);
        }
    }

    /** One engine's part of a pass. Kept small (the fault path is out of line) so the JIT inlines it into each hook. */
    private static void callEngine(UtraceTask u, Report r, UtraceEngine e, Event event, EventCalls.Call call) {
        EngineOps ops = startCallback(u, r, e, event);
        if (ops == null) return;
        int ret;
        try {
            ret = call.call(ops, e, u.task, r);
        } catch (Throwable x) {
            ret = faulted(u, e, event, x);
        }
        finishCallback(u, r, e, ret);
    }

    private static int faulted(UtraceTask u, UtraceEngine e, Event event, Throwable x) {
        return Callbacks.fault(e, EventCalls.name(event) + " on " + u.describe(), x).code();
    }

    /**
     * {@code start_callback}: announces the engine as reporting, then reads its flags before
     * its ops (R-CTL-4), makes its quiesce call (R-EVT-ORD-2), re-reads the flags (R-EVT-4),
     * and forces STOP into the action while it holds a stop (R-ACT-5). At a syscall, an engine
     * whose syscall set leaves the syscall out does not want the event ({@code Utrace.setSyscalls}).
     *
     * @param event the event, or null for a resume-point report
     * @return the ops to call the event's callback on, or null if there is none to make
     */
    static EngineOps startCallback(UtraceTask u, Report r, UtraceEngine e, Event event) {
        u.reporting = e; // volatile store, ordered before the loads below
        long want = e.flags;
        EngineOps ops = e.ops;
        if (ops == null) {
            u.clearReporting();
            return null;
        }
        if ((want & Bits.QUIESCE) != 0 || ops == DetachedOps.INSTANCE) {
            ResumeAction q;
            try {
                q = ops.reportQuiesce(r.action(), e, u.task, event);
                if (q == null) q = Callbacks.fault(e, "reportQuiesce", new NullPointerException("returned null"));
            } catch (Throwable t) {
                q = Callbacks.fault(e, "reportQuiesce(" + event + ") on " + u.describe(), t);
            }
            if (finishCallback(u, r, e, q.code())) {
                return null;
            }
            if (event == null) {
                r.spurious = false;
                return null;
            }
            u.reporting = e;
            want = e.flags;
        }
        if ((want & Bits.ENGINE_STOP) != 0) {
            r.action(ResumeAction.STOP);
        }
        if (event != null && (want & event.bit()) != 0 && ((want & Bits.SYSCALL_FILTER) == 0 || wantsSyscall(u, r, e))) {
            r.spurious = false;
            return ops;
        }
        u.clearReporting();
        return null;
    }

    /**
     * Whether {@code e}'s syscall set has the pass's syscall. Read after {@code e}'s flags showed
     * it has a set: the set was written before that bit. A pass that began before any engine had
     * a set has not read the number yet: it reads it now.
     */
    private static boolean wantsSyscall(UtraceTask u, Report r, UtraceEngine e) {
        long nr = r.syscallNr;
        if (nr == Report.NOT_SYSCALL) return true;
        if (nr == Report.UNREAD) nr = r.syscallNr = u.task.register(dev.utrace.api.task.Reg.ORIG_RAX);
        return e.syscalls.contains(nr);
    }

    /**
     * {@code finish_callback}: applies one callback's packed return value, then clears
     * {@code reporting} so a barrier can see the effect is in place (R-BAR-4).
     *
     * @return true if the engine is detached (it gets no more callbacks in this pass)
     */
    static boolean finishCallback(UtraceTask u, Report r, UtraceEngine e, int ret) {
        r.result = ret & ~ResumeAction.MASK;
        boolean detached;
        if ((ret & ResumeAction.MASK) == Report.RESUME && (e.flags & Bits.ENGINE_STOP) == 0) {
            // The common answer: RESUME from an engine holding no stop changes nothing in
            // the pass (RESUME is where both actions start); only a detach meanwhile matters.
            detached = !e.isAttachedOps();
            if (detached) r.detaches = true;
        } else {
            detached = applyAction(u, r, e, resumeActionOf(e, ret));
        }
        u.clearReporting();
        return detached;
    }

    private static ResumeAction resumeActionOf(UtraceEngine e, int ret) {
        int v = ret & ResumeAction.MASK;
        if (v > ResumeAction.DETACH.ordinal()) {
            return Callbacks.fault(e, "callback", new IllegalArgumentException(
                    "returned 0x" + Integer.toHexString(ret) + ", whose low bits name no resume action"));
        }
        return ResumeAction.of(v);
    }

    /** {@code finish_callback_report}: R-ACT-3 (detach), R-ACT-4 (sticky STOP), R-ACT-1 (the smallest wins). */
    private static boolean applyAction(UtraceTask u, Report r, UtraceEngine e, ResumeAction action) {
        if (action == ResumeAction.DETACH) {
            // Under the lock, so that a barrier that succeeds is a reliable sign the detach took effect.
            u.lock.lock();
            try {
                if (e.isAttachedOps()) u.markDetached(e);
            } finally {
                u.lock.unlock();
            }
        }
        if (!e.isAttachedOps()) { // includes a DETACH from utrace_control meanwhile
            r.detaches = true;
            return true;
        }
        int a = action.ordinal();
        if (a < r.act) {
            r.act = a;
        }
        if (action != ResumeAction.STOP) {
            if (a < r.resumeAct) {
                r.resumeAct = a;
            }
            if ((e.flags & Bits.ENGINE_STOP) != 0) {
                u.lock.lock();
                try {
                    u.clearWantsStop(e);
                } finally {
                    u.lock.unlock();
                }
            }
            return false;
        }
        if ((e.flags & Bits.ENGINE_STOP) == 0) {
            u.lock.lock();
            try {
                if (!e.isAttachedOps()) {
                    r.detaches = true; // a controller detached it before we got the lock: do not stop
                } else {
                    u.markWantsStop(e);
                }
            } finally {
                u.lock.unlock();
            }
        }
        return false;
    }

    /**
     * {@code finish_report}: records what the task owes at its resume point; a STOP becomes a
     * REPORT there (deferred stops, R-ACT-6) or nothing (the caller stops now); then resets if
     * the pass was spurious (R-ACT-7) or engines detached.
     */
    static void finishReport(UtraceTask u, Report r, boolean willNotStop) {
        ResumeAction resume = r.action();
        if (resume == ResumeAction.STOP) {
            resume = willNotStop ? ResumeAction.REPORT : ResumeAction.RESUME;
        }
        if (resume.ordinal() < u.resume.ordinal()) {
            u.lock.lock();
            try {
                u.requestResume(resume);
            } finally {
                u.lock.unlock();
            }
        }
        resetIfNeeded(u, r);
    }

    static void resetIfNeeded(UtraceTask u, Report r) {
        if (r.spurious || r.detaches) {
            u.lock.lock();
            u.resetAndUnlock();
        }
    }

    /**
     * {@code finish_resume_report}: the final action before user mode (section 5.5).
     *
     * @return whether the task stopped and is held by the machine ({@link UtraceTask#stop})
     */
    static boolean finishResumeReport(UtraceTask u, Report r) {
        resetIfNeeded(u, r);
        switch (r.action()) {
            case STOP -> {
                return u.stop(r.resumeAction());
            }
            case INTERRUPT -> u.task.requestSignalCheck();
            case BLOCKSTEP -> {
                if (u.core.canBlockStep()) {
                    u.task.setStepping(StepMode.BLOCK);
                } else {
                    Callbacks.LOG.log(Level.WARNING, "BLOCKSTEP on a machine without block-step; single-stepping " + u.describe());
                    singleStep(u);
                }
            }
            case SINGLESTEP -> singleStep(u);
            default -> u.task.setStepping(StepMode.NONE);
        }
        return false;
    }

    private static void singleStep(UtraceTask u) {
        if (u.core.canSingleStep()) {
            u.task.setStepping(StepMode.SINGLE);
        } else {
            Callbacks.LOG.log(Level.WARNING, "SINGLESTEP on a machine that cannot step; " + u.describe() + " runs freely");
            u.task.setStepping(StepMode.NONE);
        }
    }
}
