package dev.utrace.impl;

import static dev.utrace.impl.Passes.callEngines;
import static dev.utrace.impl.Passes.finishReport;
import static dev.utrace.impl.Passes.finishResumeReport;
import static dev.utrace.impl.Passes.startReport;

import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.task.CloneFlags;
import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.impl.UtraceTask.HeldAt;
import dev.utrace.spi.TraceHooks;
import dev.utrace.spi.TracedTask;
import java.lang.System.Logger.Level;

/**
 * The hook points a machine calls (the kernel's {@code utrace_report_*} functions). Each
 * returns at once, reading only the task's union mask, when no engine on the task wants the
 * event; otherwise it runs the one reporting pass ({@link Passes#callEngines}) with the event's
 * arguments in the task's {@link Report}, and applies what the engines decided.
 */
final class Hooks implements TraceHooks {

    static UtraceTask utraceOf(TracedTask t) {
        return t.utraceSlot() instanceof UtraceTask u ? u : null;
    }

    private static boolean wants(UtraceTask u, long bits) {
        return u != null && (u.flags & bits) != 0;
    }

    // ---- syscalls ----------------------------------------------------------------------

    @Override
    public boolean syscallEntry(TracedTask t) {
        UtraceTask u = utraceOf(t);
        boolean continuing = u != null && u.heldAt == HeldAt.SYSCALL_ENTRY;
        if (!continuing && !wants(u, Event.SYSCALL_ENTRY.bit())) return false;
        long prev = enter(u);
        try {
            Report r = u.report;
            if (continuing) {
                u.continuing(HeldAt.SYSCALL_ENTRY); // the pass ran before the stop; r is as it left it
            } else {
                r.init();
                r.syscallResumed = 0;
            }
            for (;;) {
                if (!continuing) {
                    startReport(u);
                    callEngines(u, r, Event.SYSCALL_ENTRY, EventCalls.SYSCALL_ENTRY, true); // reverse order (R-EVT-ORD-1)
                    finishReport(u, r, false);
                    if (r.action() != ResumeAction.STOP) break;
                    if (u.stop(r.resumeAction())) { // stops at once, before the syscall (R-ACT-6)
                        u.heldAt = HeldAt.SYSCALL_ENTRY;
                        return false;
                    }
                }
                continuing = false;
                if (t.fatalSignalPending()) {
                    r.result = SyscallAction.ABORT.code(); // woken by SIGKILL: never run it (R-STOP-6)
                    break;
                }
                if (u.resume.ordinal() > ResumeAction.REPORT.ordinal()) break;
                // Someone asked for a report while we were stopped: look again (R-SYS-2).
                int result = r.result;
                r.init().result = result;
                r.syscallResumed = SyscallAction.RESUMED;
            }
            return SyscallAction.of(r.result) == SyscallAction.ABORT;
        } finally {
            u.hookThreadId = prev;
        }
    }

    @Override
    public void syscallExit(TracedTask t) {
        UtraceTask u = utraceOf(t);
        if (!wants(u, Event.SYSCALL_EXIT.bit())) return;
        report(u, u.report.init(), Event.SYSCALL_EXIT, EventCalls.SYSCALL_EXIT);
    }

    // ---- clone, exec, exit, death, reap -------------------------------------------------

    @Override
    public void clone(TracedTask parent, long cloneFlags, TracedTask child) {
        UtraceTask u = utraceOf(parent);
        if (!wants(u, Event.CLONE.bit())) return;
        Report r = u.report.init();
        r.cloneFlags = cloneFlags;
        r.child = child;
        boolean vfork = (cloneFlags & CloneFlags.CLONE_VFORK) != 0;
        long prev = enter(u);
        try {
            startReport(u);
            callEngines(u, r, Event.CLONE, EventCalls.CLONE, false);
            finishReport(u, r, !vfork);
            if (vfork && r.action() == ResumeAction.STOP) {
                // The vfork wait is uninterruptible: the stop must come before it, not after.
                u.lock.lock();
                u.vforkStop = true;
                u.lock.unlock();
            }
        } finally {
            r.clearArguments();
            u.hookThreadId = prev;
        }
    }

    @Override
    public void finishVfork(TracedTask parent) {
        UtraceTask u = utraceOf(parent);
        if (u == null || u.continuing(HeldAt.VFORK) || !u.vforkStop) return;
        long prev = enter(u);
        try {
            u.lock.lock();
            u.vforkStop = false;
            u.lock.unlock();
            if (u.stop(ResumeAction.RESUME)) u.heldAt = HeldAt.VFORK;
        } finally {
            u.hookThreadId = prev;
        }
    }

    @Override
    public void exec(TracedTask t, String format, ExecInfo exec) {
        UtraceTask u = utraceOf(t);
        if (!wants(u, Event.EXEC.bit())) return;
        Report r = u.report.init();
        r.execFormat = format;
        r.exec = exec;
        try {
            report(u, r, Event.EXEC, EventCalls.EXEC);
        } finally {
            r.clearArguments(); // only the rare events store references in the report
        }
    }

    @Override
    public void exit(TracedTask t, ExitCode code) {
        UtraceTask u = utraceOf(t);
        if (u != null && u.continuing(HeldAt.EXIT)) return; // the stop was the last of the exit report
        if (!wants(u, Event.EXIT.bit())) return;
        Report r = u.report.init();
        r.origCode = code.get();
        r.exitCode = code;
        long prev = enter(u);
        try {
            startReport(u);
            callEngines(u, r, Event.EXIT, EventCalls.EXIT, false);
            finishReport(u, r, true);
            if (r.action() == ResumeAction.STOP && u.stop(r.resumeAction())) { // at once, before teardown; SIGKILL is not held (R-STOP-6)
                u.heldAt = HeldAt.EXIT;
            }
        } finally {
            r.clearArguments();
            u.hookThreadId = prev;
        }
    }

    @Override
    public void death(TracedTask t, boolean groupDead, int signal) {
        UtraceTask u = utraceOf(t);
        if (u == null) return;
        // Under the lock, ordered against setEvents: either it saw the exit state (and answered
        // ALREADY) or we see its new DEATH/QUIESCE bits now (R-SET-3).
        u.lock.lock();
        if ((u.flags & Bits.DEATH_EVENTS) == 0) {
            u.lock.unlock();
            return;
        }
        assert !u.death;
        u.death = true;
        u.resume = ResumeAction.RESUME;
        u.spliceAttaching();
        u.lock.unlock();
        Report r = u.report.init();
        r.groupDead = groupDead;
        r.deathSignal = signal;
        long prev = enter(u);
        try {
            callEngines(u, r, Event.DEATH, EventCalls.DEATH, false); // only DETACH matters: Reaping drops those
        } finally {
            u.hookThreadId = prev;
        }
        Reaping.maybeReap(u, false);
    }

    @Override
    public void releaseTask(TracedTask t) {
        UtraceTask u = utraceOf(t);
        // The machine made the task DEAD before calling us; attach checks DEAD after making the
        // flags non-zero, so either we see its engine here or it sees DEAD (section 3.3, check 5).
        if (u == null || u.flags == 0) return;
        Reaping.maybeReap(u, true);
    }

    // ---- resume points and signals ------------------------------------------------------

    @Override
    public void resume(TracedTask t) {
        UtraceTask u = utraceOf(t);
        if (u == null || u.continuing(HeldAt.RESUME)) return; // the stop was the resume point's last word
        long prev = enter(u);
        try {
            if (u.signalHandler) {
                // A handler was set up but no report followed; do not let it confuse a later one.
                u.lock.lock();
                u.signalHandler = false;
                u.lock.unlock();
            }
            Report r = u.report.init();
            ResumeAction pending = startReport(u);
            switch (pending) {
                case REPORT -> {
                    if ((u.flags & Bits.QUIESCE) != 0) {
                        r.action(ResumeAction.RESUME);
                        callEngines(u, r, null, EventCalls.NONE, false); // quiesce(0) only
                    } else if (u.anyEngineHoldsStop()) {
                        // OQ-4: with no QUIESCE engine the kernel would run on; we keep the
                        // documented promise that a standing stop holds the task.
                        r.action(ResumeAction.STOP);
                        r.spurious = false;
                    } else {
                        r.action(ResumeAction.REPORT);
                    }
                }
                case RESUME -> {
                    // Nothing owed: whatever was, the signal pass handled, or the call is spurious.
                    // utrace_resume applies nothing then: RESUME here would end a step the last
                    // report chose. The spurious pass's reset stays (engines detached meanwhile go).
                    Passes.resetIfNeeded(u, r);
                    return;
                }
                default -> { // INTERRUPT, SINGLESTEP, BLOCKSTEP: no callbacks here
                    r.action(pending);
                    r.spurious = false;
                }
            }
            if (finishResumeReport(u, r)) u.heldAt = HeldAt.RESUME;
        } finally {
            u.hookThreadId = prev;
        }
    }

    @Override
    public int getSignal(TracedTask t, SignalInfo info, SigAction returnKa) {
        UtraceTask u = utraceOf(t);
        if (u == null) return 0;
        long prev = enter(u);
        try {
            return SignalPass.getSignal(u, t, info, returnKa);
        } finally {
            u.hookThreadId = prev;
        }
    }

    @Override
    public void signalHandler(TracedTask t, boolean stepping) {
        UtraceTask u = utraceOf(t);
        if (u == null) return;
        u.lock.lock();
        try {
            u.signalHandler = true;
            if (u.resume.ordinal() > ResumeAction.INTERRUPT.ordinal()) {
                if (stepping) {
                    u.resume = ResumeAction.INTERRUPT; // force a HANDLER report (R-SIG-8)
                    t.requestSignalCheck();
                } else if (u.resume == ResumeAction.RESUME) {
                    t.requestNotifyResume();
                }
            }
        } finally {
            u.lock.unlock();
        }
    }

    @Override
    public void jctl(TracedTask t, int type, int notify) {
        UtraceTask u = utraceOf(t);
        if (!wants(u, Event.JCTL.bit())) return;
        Report r = u.report.init();
        r.jctlType = type;
        r.jctlNotify = notify;
        report(u, r, Event.JCTL, EventCalls.JCTL);
    }

    /** A pass whose stop, if any, is deferred to the resume point (R-ACT-6). */
    private static void report(UtraceTask u, Report r, Event event, EventCalls.Call call) {
        long prev = enter(u);
        try {
            startReport(u);
            callEngines(u, r, event, call, false);
            finishReport(u, r, true);
        } finally {
            u.hookThreadId = prev;
        }
    }

    @Override
    public void finishJobControlStop(TracedTask t) {
        UtraceTask u = utraceOf(t);
        if (u == null || u.continuing(HeldAt.JOBCTL)) return;
        if (u.stopped) u.finishJobControlStop();
    }

    @Override
    public boolean held(TracedTask t) {
        UtraceTask u = utraceOf(t);
        return u != null && u.heldAt != null;
    }

    @Override
    public void fatalSignal(TracedTask t) {
        UtraceTask u = utraceOf(t);
        if (u != null) u.fatalSignal();
    }

    @Override
    public boolean wantsIgnoredSignals(TracedTask t) {
        return wants(utraceOf(t), Event.SIGNAL_IGN.bit());
    }

    @Override
    public boolean considerFatalSignal(TracedTask t) {
        return wants(utraceOf(t), Event.SIGNAL_TERM.bit() | Event.SIGNAL_CORE.bit());
    }

    private static long enter(UtraceTask u) {
        long prev = u.hookThreadId;
        Thread me = Thread.currentThread();
        u.hookThreadId = me.threadId();
        if (u.lastHookThread != me) u.lastHookThread = me; // a store only when the thread changes
        return prev;
    }

    static ResumeAction nonNull(UtraceEngine e, ResumeAction a) {
        return a != null ? a : Callbacks.fault(e, "callback", new NullPointerException("returned null"));
    }

    static void warnBogusSigno(UtraceTask u, SignalInfo info) {
        Callbacks.LOG.log(Level.WARNING, "an engine left a bogus si_signo " + info.signo + " on " + u.describe()
                + "; using SIGTRAP (R-SIG-7)");
        info.signo = Signals.SIGTRAP;
    }
}
