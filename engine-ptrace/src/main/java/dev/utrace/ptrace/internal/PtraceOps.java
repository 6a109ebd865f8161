package dev.utrace.ptrace.internal;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SignalAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.hw.WatchHit;
import dev.utrace.api.task.CloneFlags;
import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.ptrace.WaitResult;
import java.util.List;

/**
 * The ptrace engine's callbacks (semantics reference 12.3). A callback that wants the tracer
 * to see a stop records it in the context ({@link Session#recordStop}) and returns STOP; the
 * tracer's resume request clears it and lets go. Nothing here blocks or waits for the tracer.
 */
final class PtraceOps implements EngineOps {
    /** Events every tracee reports (EXIT, DEATH and REAP too: our debug-slot claims and the tracer's wait need them). */
    static final long BASE_EVENTS = Event.mask(Event.QUIESCE, Event.CLONE, Event.EXEC, Event.JCTL, Event.EXIT,
            Event.DEATH, Event.REAP) | Event.SIGNAL_ALL;

    private final PtraceService service;

    PtraceOps(PtraceService service) {
        this.service = service;
    }

    static long events(PtraceContext ctx) {
        return BASE_EVENTS | (ctx.syscallTrace ? Event.SYSCALL : 0);
    }

    static int stopStatus(int sig, int event) {
        return 0x7f | (sig << 8) | (event << 16);
    }

    private static PtraceContext ctx(Engine engine) {
        return (PtraceContext) engine.data();
    }

    @Override
    public ResumeAction reportQuiesce(ResumeAction action, Engine engine, Task task, Event event) {
        PtraceContext ctx = ctx(engine);
        Session s = ctx.session;
        s.lock.lock();
        try {
            if (event == null) {
                if (ctx.interruptPending) {
                    ctx.interruptPending = false;
                    s.recordStopLocked(ctx, stopStatus(Signals.SIGTRAP, WaitResult.EVENT_STOP));
                } else {
                    vforkDoneStop(ctx);
                }
            }
            // At the resume point this is the last word (R-RES-1): SINGLESTEP keeps stepping.
            return ctx.standing();
        } finally {
            s.lock.unlock();
        }
    }

    /**
     * After a VFORK stop resumed with TRACEVFORKDONE: the VFORK_DONE stop, its message the child's
     * pid, once the vfork wait is over. It is owed at the first resume point, whichever report
     * comes there (the signal path's, when a signal such as the child's SIGCHLD is pending).
     * Called with the session lock held; true if it recorded the stop.
     */
    private static boolean vforkDoneStop(PtraceContext ctx) {
        if (!ctx.vforkDonePending) return false;
        ctx.vforkDonePending = false;
        ctx.eventMsg = ctx.vforkChild;
        ctx.session.recordStopLocked(ctx, stopStatus(Signals.SIGTRAP, WaitResult.EVENT_VFORK_DONE));
        return true;
    }

    @Override
    public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa,
                            SigAction returnKa) {
        PtraceContext ctx = ctx(engine);
        SignalAction kind = SignalAction.of(action);
        int passThrough = (action & SignalAction.MASK);
        if (kind == SignalAction.REPORT) return signalReport(ctx, task, info, returnKa, passThrough);
        Session s = ctx.session;
        if (kind == SignalAction.HANDLER) {
            s.lock.lock();
            try {
                if (ctx.resume == ResumeAction.SINGLESTEP && !ctx.detaching) {
                    // A step that entered a handler stops at its first instruction, as a trap.
                    ctx.siginfo = new SignalInfo(Signals.SIGTRAP, Signals.TRAP_TRACE);
                    ctx.resumeSignal = 0;
                    s.recordStopLocked(ctx, stopStatus(Signals.SIGTRAP, 0));
                    return passThrough | ResumeAction.STOP.code();
                }
                return passThrough | ctx.resume.code();
            } finally {
                s.lock.unlock();
            }
        }
        if (info.signo == Signals.SIGCONT && continueTrap(ctx)) {
            // Put back for after the trap: its own signal-delivery stop follows when the tracer resumes.
            return SignalAction.IGN.with(ResumeAction.STOP) | SignalAction.HOLD;
        }
        boolean watchTrap = info.signo == Signals.SIGTRAP && info.code == Signals.TRAP_HWBKPT;
        if (watchTrap && !ownHits(ctx, task)) {
            return passThrough | currentResume(ctx).code(); // another owner's watchpoint: not ours to report
        }
        s.lock.lock();
        try {
            if (ctx.detaching) {
                // Our own trap while the tracer lets go: nobody to report it to, and the program
                // never asked for it, so it is consumed (the detach waits for this, see discardHits).
                return watchTrap ? SignalAction.IGN.with(ResumeAction.RESUME) : passThrough | ResumeAction.RESUME.code();
            }
            if (ctx.legacyExecTrap && info.signo == Signals.SIGTRAP && info.code == Signals.SI_KERNEL) {
                // Linux sends it with send_sig(SIGTRAP, current, 0): from a user, the tracee itself.
                ctx.legacyExecTrap = false;
                info.code = Signals.SI_USER;
                info.pid = task.tgid();
            }
            ctx.siginfo = info.copy();
            ctx.signalHeld = true;
            ctx.resumeSignal = info.signo;
            ctx.heldAttachStop = ctx.attachStopPending && info.signo == Signals.SIGSTOP;
            if (ctx.heldAttachStop) ctx.attachStopPending = false;
            s.recordStopLocked(ctx, stopStatus(info.signo & 0xff, 0));
            ctx.inSignalStop = true;
        } finally {
            s.lock.unlock();
        }
        // Held (R-SIG-4): after the tracer resumes, a REPORT pass delivers what it chose.
        service.utrace().control(task, engine, ResumeAction.INTERRUPT);
        return SignalAction.IGN.with(ResumeAction.STOP);
    }

    /**
     * {@code JOBCTL_TRAP_NOTIFY}: Linux makes a SIGCONT trap a seized tracee (PTRACE_EVENT_STOP
     * with SIGTRAP) before the signal is dequeued, so the tracer learns that the group stop is
     * over; once per SIGCONT (a LISTENing tracee had its trap already when SIGCONT woke it).
     * True if the trap is recorded now and the signal must wait for it.
     */
    private static boolean continueTrap(PtraceContext ctx) {
        Session s = ctx.session;
        s.lock.lock();
        try {
            if (!ctx.seized || ctx.detaching) return false;
            if (ctx.continueTrapped) {
                ctx.continueTrapped = false;
                return false;
            }
            ctx.continueTrapped = true;
            s.recordStopLocked(ctx, stopStatus(Signals.SIGTRAP, WaitResult.EVENT_STOP));
            return true;
        } finally {
            s.lock.unlock();
        }
    }

    /** The REPORT pass after a signal-delivery stop, a PTRACE_INTERRUPT, or an implicit detach. */
    private int signalReport(PtraceContext ctx, Task task, SignalInfo info, SigAction returnKa, int passThrough) {
        Session s = ctx.session;
        int signr;
        ResumeAction resume;
        SignalInfo edited;
        s.lock.lock();
        try {
            if (ctx.interruptPending && !ctx.detaching) {
                ctx.interruptPending = false;
                s.recordStopLocked(ctx, stopStatus(Signals.SIGTRAP, WaitResult.EVENT_STOP));
                return passThrough | ResumeAction.STOP.code(); // a held signal stays in info for the next round
            }
            if (!ctx.detaching && !ctx.signalHeld && vforkDoneStop(ctx)) return passThrough | ResumeAction.STOP.code();
            if (!ctx.signalHeld) return passThrough | ctx.standing().code();
            ctx.signalHeld = false;
            ctx.heldAttachStop = false;
            signr = ctx.resumeSignal;
            edited = ctx.siginfo;
            ctx.siginfo = null;
            resume = ctx.detaching ? ResumeAction.DETACH : ctx.standing();
        } finally {
            s.lock.unlock();
        }
        if (signr == 0) return SignalAction.IGN.with(resume);
        if (edited != null) info.copyFrom(edited);
        if (info.signo != signr) {
            // The tracer chose another signal: it arrives as if sent by a user (PTRACE_SETSIGINFO for more).
            info.clear();
            info.signo = signr;
            info.code = Signals.SI_USER;
        }
        if (service.processes().isBlocked(task, signr)) return SignalAction.IGN.with(resume) | SignalAction.HOLD;
        returnKa.copyFrom(service.processes().disposition(task, signr));
        return SignalAction.DELIVER.with(resume);
    }

    private ResumeAction currentResume(PtraceContext ctx) {
        ctx.session.lock.lock();
        try {
            return ctx.standing();
        } finally {
            ctx.session.lock.unlock();
        }
    }

    /** Takes this tracer's watchpoint hits into its virtual DR6; true if there were any. */
    private boolean ownHits(PtraceContext ctx, Task task) {
        List<WatchHit> hits = service.debugSlots() == null ? List.of() : service.debugSlots().takeHits(task, ctx);
        if (hits.isEmpty()) return false;
        ctx.session.lock.lock();
        try {
            for (WatchHit h : hits) {
                for (int i = 0; i < ctx.claims.length; i++) {
                    if (ctx.claims[i] == h.watchpoint()) ctx.dr6 |= 1L << i;
                }
            }
        } finally {
            ctx.session.lock.unlock();
        }
        return true;
    }

    @Override
    public int reportSyscallEntry(int action, Engine engine, Task task) {
        PtraceContext ctx = ctx(engine);
        Session s = ctx.session;
        s.lock.lock();
        try {
            if (SyscallAction.isResumed(action)) {
                // The repeat after our stop: the syscall action chosen then, and go (12.3).
                return ctx.syscallAction | ctx.standing().code();
            }
            if (!ctx.syscallTrace || ctx.detaching) return (action & SyscallAction.MASK) | ctx.resume.code();
            ctx.syscallAction = action & SyscallAction.MASK;
            s.recordStopLocked(ctx, stopStatus(syscallSig(ctx), 0));
            return ctx.syscallAction | ResumeAction.STOP.code();
        } finally {
            s.lock.unlock();
        }
    }

    @Override
    public ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task task) {
        PtraceContext ctx = ctx(engine);
        Session s = ctx.session;
        s.lock.lock();
        try {
            if (ctx.detaching) return ctx.resume;
            // An event stop this syscall made (exec, fork, clone) is still to come: it is this
            // stop, reported as the event; PTRACE_SYSCALL from it shows the exit next (12.3).
            if (ctx.stopped) return ResumeAction.STOP;
            if (!ctx.syscallTrace) return ctx.resume;
            if (vforkDoneStop(ctx)) return ResumeAction.STOP;
            s.recordStopLocked(ctx, stopStatus(syscallSig(ctx), 0));
            return ResumeAction.STOP;
        } finally {
            s.lock.unlock();
        }
    }

    private static int syscallSig(PtraceContext ctx) {
        return Signals.SIGTRAP | (ctx.has(PtraceOptions.TRACESYSGOOD) ? 0x80 : 0);
    }

    @Override
    public ResumeAction reportExec(ResumeAction action, Engine engine, Task task, String format, ExecInfo exec) {
        PtraceContext ctx = ctx(engine);
        service.debugRegisters().dropAll(ctx); // the owner's exec hook (R-HBP-1)
        Session s = ctx.session;
        boolean legacyTrap;
        s.lock.lock();
        try {
            ctx.eventMsg = ctx.lastTid; // the former thread id: differs after an exec by a non-leader
            ctx.lastTid = task.tid();
            s.changedLocked();
            if (ctx.detaching) return ctx.resume;
            if (ctx.has(PtraceOptions.TRACEEXEC)) {
                s.recordStopLocked(ctx, stopStatus(Signals.SIGTRAP, WaitResult.EVENT_EXEC));
                return ResumeAction.STOP;
            }
            legacyTrap = !ctx.seized;
        } finally {
            s.lock.unlock();
        }
        // Without TRACEEXEC an attached (not seized) tracee gets the historical SIGTRAP.
        if (legacyTrap) {
            s.lock.lock();
            try {
                ctx.legacyExecTrap = true;
            } finally {
                s.lock.unlock();
            }
            service.processes().signal(task, Signals.SIGTRAP);
        }
        return currentResume(ctx);
    }

    @Override
    public ResumeAction reportClone(ResumeAction action, Engine engine, Task parent, long cloneFlags, Task child) {
        PtraceContext ctx = ctx(engine);
        int event;
        int option;
        if ((cloneFlags & CloneFlags.CLONE_VFORK) != 0) {
            event = WaitResult.EVENT_VFORK;
            option = PtraceOptions.TRACEVFORK;
        } else if ((cloneFlags & CloneFlags.CLONE_THREAD) != 0) {
            event = WaitResult.EVENT_CLONE;
            option = PtraceOptions.TRACECLONE;
        } else {
            event = WaitResult.EVENT_FORK;
            option = PtraceOptions.TRACEFORK;
        }
        Session s = ctx.session;
        boolean report;
        boolean follow;
        s.lock.lock();
        try {
            report = ctx.has(option) && !ctx.detaching && (cloneFlags & CloneFlags.CLONE_UNTRACED) == 0;
            follow = report || ((cloneFlags & CloneFlags.CLONE_PTRACE) != 0 && (cloneFlags & CloneFlags.CLONE_UNTRACED) == 0);
        } finally {
            s.lock.unlock();
        }
        // Attaching from inside the callback is allowed (R-ATT-8); the child cannot run yet.
        if (follow) s.autoAttach(ctx, child);
        s.lock.lock();
        try {
            if (!report) return ctx.standing();
            ctx.eventMsg = child.tid();
            if (event == WaitResult.EVENT_VFORK) ctx.vforkChild = child.tid();
            s.recordStopLocked(ctx, stopStatus(Signals.SIGTRAP, event));
            // Not inside the fork path: the core stops at the resume point (before the vfork wait for a vfork).
            return ResumeAction.STOP;
        } finally {
            s.lock.unlock();
        }
    }

    @Override
    public ResumeAction reportJctl(ResumeAction action, Engine engine, Task task, int type, int notify) {
        PtraceContext ctx = ctx(engine);
        Session s = ctx.session;
        int sig = service.processes().groupStopSignal(task);
        s.lock.lock();
        try {
            if (ctx.detaching) return ctx.resume;
            if (type == Signals.CLD_STOPPED) {
                s.recordStopLocked(ctx, ctx.seized ? stopStatus(sig, WaitResult.EVENT_STOP) : stopStatus(sig, 0));
                return ResumeAction.STOP;
            }
            if (ctx.listening) {
                // A listening tracee re-traps when SIGCONT ends the group stop: that SIGCONT's trap.
                ctx.listening = false;
                ctx.continueTrapped = true;
                s.recordStopLocked(ctx, stopStatus(Signals.SIGTRAP, WaitResult.EVENT_STOP));
                return ResumeAction.STOP;
            }
            return ctx.standing();
        } finally {
            s.lock.unlock();
        }
    }

    @Override
    public ResumeAction reportExit(ResumeAction action, Engine engine, Task task, long origCode, ExitCode code) {
        PtraceContext ctx = ctx(engine);
        service.debugRegisters().dropAll(ctx); // the owner's exit hook (R-HBP-1)
        Session s = ctx.session;
        s.lock.lock();
        try {
            if (!ctx.has(PtraceOptions.TRACEEXIT) || ctx.detaching) return ctx.resume;
            ctx.eventMsg = code.get();
            s.recordStopLocked(ctx, stopStatus(Signals.SIGTRAP, WaitResult.EVENT_EXIT));
            return ResumeAction.STOP; // held before teardown, unless SIGKILL is pending (R-STOP-6)
        } finally {
            s.lock.unlock();
        }
    }

    @Override
    public ResumeAction reportDeath(Engine engine, Task task, boolean groupDead, int signal) {
        PtraceContext ctx = ctx(engine);
        service.debugRegisters().dropAll(ctx);
        int status = ctx.link == null ? -1 : ctx.link.exitStatus();
        ctx.session.died(ctx, status);
        return ResumeAction.RESUME; // stay attached: the reap tells us when the task is gone
    }

    @Override
    public void reportReap(Engine engine, Task task) {
        PtraceContext ctx = ctx(engine);
        ctx.session.reaped(ctx);
    }

    @Override
    public void release(Object data) {
        PtraceContext ctx = (PtraceContext) data;
        ctx.releases.incrementAndGet();
        // Normally nothing is left; after a revoke or a callback that threw, a claim still armed
        // would trap into a program no callback of ours can consume the SIGTRAP for.
        service.debugRegisters().dropAll(ctx);
        service.debugRegisters().discardHits(ctx, 0);
        service.released(ctx);
    }
}
