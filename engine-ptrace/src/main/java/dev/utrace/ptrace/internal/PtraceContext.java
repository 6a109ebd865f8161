package dev.utrace.ptrace.internal;

import dev.utrace.api.Engine;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.hw.Watchpoint;
import dev.utrace.api.proc.TraceLink;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One tracee's {@code struct ptrace_context}: the engine's data (semantics reference 12.1).
 *
 * <p><b>Lifetime (Model B, R-REL-3).</b> The session's tracee list holds a reference to the
 * engine ({@link #engine}); every request takes a reference of its own from it (a get while
 * the tracee is listed, where utrace's ptrace did a lookup) and puts it; the context is
 * freed ({@link PtraceOps#release}) when the last reference goes, which may be long after the
 * tracee was reaped.
 *
 * <p><b>Locking.</b> Every mutable field is guarded by the owning session's lock
 * ({@link Session#lock}). Callbacks (tracee thread) and requests (tracer threads) take it only
 * briefly and never call utrace or the machine while holding it.
 */
final class PtraceContext {
    final Session session;
    final Task task;
    /** The reference the session's tracee list holds; put when the tracee leaves the list. */
    Engine engine;
    TraceLink link;

    int options;
    boolean seized;
    /** The tid the tracer knew; after an exec by a non-leader it becomes the leader's (eventmsg: the old one). */
    int lastTid;

    /** Held in a ptrace stop (a callback returned STOP for it); cleared by a resume request. */
    boolean stopped;
    /** The stop's wait status word ({@code 0x7f | sig << 8 | event << 16}). */
    int stopStatus;
    /** Whether {@code wait} has reported {@link #stopStatus}. */
    boolean reported;
    /** Counts recorded stops, so a waiter can tell that the stop it found is still the one in force. */
    long stopSeq;
    /** A signal-delivery stop's signal (the tracer may replace it); null in other stops. */
    SignalInfo siginfo;
    /** A signal held at a signal-delivery stop waits for the REPORT callback that delivers {@link #resumeSignal}. */
    boolean signalHeld;
    /**
     * The stop in force is the held signal's signal-delivery stop: only a resume or detach from
     * it chooses the signal. A PTRACE_INTERRUPT can stop the tracee again before the REPORT pass
     * delivers the signal the tracer chose; a resume from that stop, as in Linux, has no say.
     */
    boolean inSignalStop;
    /** The signal to deliver on resume (the resume request's argument). */
    int resumeSignal;
    /** The action callbacks return when no stop is pending: RESUME, or SINGLESTEP while stepping. */
    ResumeAction resume = ResumeAction.RESUME;
    /** PTRACE_SYSCALL in effect: stop at syscall entry and exit. */
    boolean syscallTrace;
    /** A syscall-entry stop's syscall action, returned again on the RESUMED repeat. */
    int syscallAction;
    long eventMsg;
    boolean interruptPending;
    boolean listening;
    boolean vforkDonePending;
    /** The vfork child's pid: PTRACE_EVENT_VFORK_DONE's message. */
    int vforkChild;
    /**
     * The PTRACE_EVENT_STOP a SIGCONT owes a seized tracee ({@code JOBCTL_TRAP_NOTIFY}) has been
     * reported (at a LISTEN wake-up, or just now with the signal put back): the SIGCONT's own
     * signal-delivery stop comes next.
     */
    boolean continueTrapped;
    /** The attached tracee's exec sent it the historical SIGTRAP, which arrives as sent by itself (SI_USER). */
    boolean legacyExecTrap;
    /** PTRACE_DETACH from a signal-delivery stop: the REPORT callback delivers the signal and detaches. */
    boolean detaching;
    /** PTRACE_ATTACH sent its SIGSTOP, whose signal-delivery stop has not come yet. */
    boolean attachStopPending;
    /** The signal held is that SIGSTOP of PTRACE_ATTACH: the tracer's, not the program's. */
    boolean heldAttachStop;

    boolean dead;
    int exitStatus = -1;
    boolean exitReported;
    /** Still on the session's list (the list's engine reference not yet put). */
    boolean listed = true;

    /** Virtual debug registers: this tracer's own view (DR0-3, DR6, DR7) and its slot claims. */
    final long[] dr = new long[4];
    long dr6;
    long dr7;
    final Watchpoint[] claims = new Watchpoint[4];

    /** Times {@code release} ran for this context; tests check exactly one. */
    final AtomicInteger releases = new AtomicInteger();

    PtraceContext(Session session, Task task, boolean seized, int options) {
        this.session = session;
        this.task = task;
        this.seized = seized;
        this.options = options;
        this.lastTid = task.tid();
    }

    /** What a callback returns when it has nothing new to say: STOP while in a ptrace stop, else {@link #resume}. */
    ResumeAction standing() {
        return stopped ? ResumeAction.STOP : resume;
    }

    boolean has(int option) {
        return (options & option) != 0;
    }

    /**
     * {@code PTRACE_GETSIGINFO}: a signal-delivery stop's siginfo; the one {@code ptrace_do_notify}
     * makes up for an event, syscall or seized-group stop (the stop's signal, {@code si_code} the
     * status's bits 8-23, the tracee as sender); null in an attached tracee's group stop, which
     * has none (EINVAL). Guarded by the session lock.
     */
    SignalInfo stopSigInfo() {
        if (inSignalStop && siginfo != null) return siginfo.copy();
        int sig = stopStatus >> 8 & 0xff;
        int event = stopStatus >> 16 & 0xff;
        if (event == 0 && (sig & 0x7f) != Signals.SIGTRAP) return null; // an attached tracee's group stop
        SignalInfo notify = new SignalInfo(sig & 0x7f, stopStatus >> 8 & 0xffff);
        notify.pid = task.tid();
        return notify;
    }

    /**
     * Whether the signal held for the tracer is a trap the tracer itself caused (its watchpoint
     * or its single-step), still to be delivered as it stopped. Guarded by the session lock.
     */
    boolean holdsTracersTrap() {
        if (!signalHeld || resumeSignal != Signals.SIGTRAP || siginfo == null || siginfo.signo != Signals.SIGTRAP) return false;
        return siginfo.code == Signals.TRAP_HWBKPT || siginfo.code == Signals.TRAP_TRACE
                || (siginfo.code == TRAP_BRKPT && resume == ResumeAction.SINGLESTEP);
    }

    /**
     * SIGTRAP si_code of Linux's step over a syscall instruction on x86 (the kernel reports it at
     * the syscall's exit as a breakpoint, not TRAP_TRACE): while the tracer steps, its own trap.
     */
    private static final int TRAP_BRKPT = 1;

    /**
     * Whether the signal held for the tracer is the SIGSTOP its PTRACE_ATTACH sent, still to be
     * delivered as it stopped. Guarded by the session lock.
     */
    boolean holdsAttachStop() {
        return signalHeld && heldAttachStop && resumeSignal == Signals.SIGSTOP;
    }

    @Override
    public String toString() {
        return "ptrace context of " + task.tid() + " (tracer " + session.name() + ")";
    }
}
