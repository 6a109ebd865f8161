package dev.utrace.ptrace.internal;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.Examination;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.Utrace;
import dev.utrace.api.proc.ProcessControl;
import dev.utrace.api.proc.TraceLink;
import dev.utrace.api.spin.Backoff;
import dev.utrace.api.spin.HandOffSpin;
import dev.utrace.api.task.MemoryFault;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.ptrace.PtraceException;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.TraceeInfo;
import dev.utrace.ptrace.WaitResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

/**
 * A tracing process and its tracee list ({@code tracer->ptraced}).
 *
 * <p><b>Locking.</b> {@link #lock} guards the list, {@link #closed} and every mutable field of
 * its contexts; {@link #changed} is signalled whenever a stop, death or removal happens.
 * Nothing calls utrace or the machine while holding it, except the debug-slot service
 * ({@link VirtualDebugRegisters}), which never calls back.
 */
final class Session implements PtraceSession {
    /** How long a request waits for a tracee that has committed to a stop to actually park. */
    private static final long PARK_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int ATTACH_RETRIES = 2000;
    private static final long DELAYED_LEADER_POLL_MILLIS = 5;
    /** How long an unload waits for tracees to deliver, in their REPORT callbacks, the signals they stopped with. */
    private static final long UNLOAD_DELIVERY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long DELIVERY_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final System.Logger LOG = System.getLogger(Session.class.getName());

    final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PtraceService service;
    private final String name;
    private final List<PtraceContext> tracees = new ArrayList<>();
    private boolean closed;
    /**
     * How many times {@link #changed} was signalled; written under {@link #lock}, read without it
     * by a {@link #wait} that spins for a change before it awaits one.
     */
    private volatile long changes;
    /**
     * How long a wait spins for a change before it parks (the thread that waits is this session's,
     * one at a time in practice). The next stop comes 10 to 40 us after a restart (the machine's
     * tracer thread may be blocked and need its doorbell); measured on the shared 2-vCPU machine,
     * 100 us let the spin run out in bursts, 200 us seldom.
     */
    private final HandOffSpin waitSpin = HandOffSpin.upTo(200_000);

    Session(PtraceService service, String name) {
        this.service = service;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    private Utrace utrace() {
        return service.utrace();
    }

    private ProcessControl processes() {
        return service.processes();
    }

    // ---- attach ----

    @Override
    public void attach(int pid) {
        attach(pid, false, 0);
    }

    @Override
    public void seize(int pid, int options) {
        checkOpen(); // first: after unload no class of ours that is not loaded yet may be touched
        attach(pid, true, PtraceOptions.check(options));
    }

    private void attach(int pid, boolean seize, int options) {
        checkOpen();
        Task task = utrace().task(pid);
        if (task == null) throw new PtraceException("ESRCH", "no task with pid " + pid + "; utrace:ps lists them");
        if (task.isKernelThread()) throw new PtraceException("EPERM", "pid " + pid + " is a kernel thread (init); it cannot be traced");
        PtraceContext ctx = new PtraceContext(this, task, seize, options);
        Engine engine = attachEngine(task, ctx);
        TraceLink link = processes().link(task);
        if (link == null) {
            utrace().control(task, engine, ResumeAction.DETACH);
            engine.put();
            throw new PtraceException("EPERM", "pid " + pid + " has exited or is already traced; it cannot be attached");
        }
        ctx.engine = engine;
        ctx.link = link;
        lock.lock();
        try {
            if (closed) {
                lock.unlock();
                undo(ctx);
                throw unusable();
            }
            tracees.add(ctx);
        } finally {
            if (lock.isHeldByCurrentThread()) lock.unlock();
        }
        utrace().setEvents(task, engine, PtraceOps.events(ctx));
        if (processes().inGroupStop(task) && utrace().control(task, engine, ResumeAction.STOP) == Outcome.DONE) {
            // Already in a group stop: as Linux does, it re-traps there (a seized one as
            // PTRACE_EVENT_STOP) and the tracer sees that stop first; an attach's SIGSTOP below
            // is a second stop, once a resume lets it dequeue it.
            int sig = processes().groupStopSignal(task);
            recordStop(ctx, PtraceOps.stopStatus(sig == 0 ? Signals.SIGSTOP : sig, seize ? WaitResult.EVENT_STOP : 0));
        }
        if (!seize) {
            lock.lock();
            try {
                ctx.attachStopPending = true;
            } finally {
                lock.unlock();
            }
            processes().signal(task, Signals.SIGSTOP);
        }
    }

    /**
     * {@code CREATE|EXCLUSIVE|MATCH_OPS}: a second tracer gets EPERM. An engine of ours that is
     * still detaching itself (a PTRACE_DETACH from a signal-delivery stop, 12.4) is waited out.
     */
    private Engine attachEngine(Task task, PtraceContext ctx) {
        for (int attempt = 0; ; attempt++) {
            AttachResult r = utrace().attach(task, AttachFlags.CREATE | AttachFlags.EXCLUSIVE | AttachFlags.MATCH_OPS,
                    service.ops(), ctx);
            if (r.ok()) return r.engine();
            switch (r.outcome()) {
                case GONE, NOT_FOUND -> throw new PtraceException("ESRCH", "pid " + task.tid() + " has exited");
                case EXISTS -> {
                    String other = detachingOwner(task);
                    if (other != null) throw new PtraceException("EPERM", "pid " + task.tid() + " is already traced by " + other);
                    if (attempt >= ATTACH_RETRIES) {
                        throw new PtraceException("EPERM", "pid " + task.tid() + " is still being detached by its previous tracer; try again");
                    }
                    LockSupport.parkNanos(100_000);
                }
                default -> throw new PtraceException("EPERM", "pid " + task.tid() + " cannot be traced: " + r.outcome());
            }
        }
    }

    /** The tracer holding {@code task}, or null if its engine is only detaching itself. */
    private String detachingOwner(Task task) {
        AttachResult r = utrace().attach(task, AttachFlags.MATCH_OPS, service.ops(), null);
        if (!r.ok()) return null;
        try {
            PtraceContext other = (PtraceContext) r.engine().data();
            other.session.lock.lock();
            try {
                return other.detaching ? null : "tracer '" + other.session.name + "'";
            } finally {
                other.session.lock.unlock();
            }
        } finally {
            r.engine().put();
        }
    }

    /** Auto-attach from {@code reportClone} (12.2): same tracer and options, stopped before it runs. */
    void autoAttach(PtraceContext parent, Task child) {
        int options;
        boolean seized;
        lock.lock();
        try {
            if (closed) return;
            options = parent.options;
            seized = parent.seized;
        } finally {
            lock.unlock();
        }
        PtraceContext ctx = new PtraceContext(this, child, seized, options);
        AttachResult r = utrace().attach(child, AttachFlags.CREATE | AttachFlags.EXCLUSIVE | AttachFlags.MATCH_OPS,
                service.ops(), ctx);
        if (!r.ok()) return;
        Engine engine = r.engine();
        TraceLink link = processes().link(child);
        if (link == null) {
            utrace().control(child, engine, ResumeAction.DETACH);
            engine.put();
            return;
        }
        ctx.engine = engine;
        ctx.link = link;
        lock.lock();
        try {
            tracees.add(ctx);
        } finally {
            lock.unlock();
        }
        utrace().setEvents(child, engine, PtraceOps.events(ctx));
        if (seized) {
            // A seized child starts in a PTRACE_EVENT_STOP; our STOP keeps it from running user code (R-ATT-8).
            recordStop(ctx, PtraceOps.stopStatus(Signals.SIGTRAP, WaitResult.EVENT_STOP));
            utrace().control(child, engine, ResumeAction.STOP);
        } else {
            processes().signal(child, Signals.SIGSTOP);
        }
    }

    // ---- stops, death and reap, as the callbacks report them ----

    void recordStop(PtraceContext ctx, int status) {
        lock.lock();
        try {
            recordStopLocked(ctx, status);
        } finally {
            lock.unlock();
        }
    }

    void recordStopLocked(PtraceContext ctx, int status) {
        ctx.stopped = true;
        ctx.stopStatus = status;
        ctx.inSignalStop = false;
        ctx.reported = false;
        ctx.stopSeq++;
        if (!ctx.signalHeld) ctx.siginfo = null; // only a signal-delivery stop has a siginfo
        changedLocked();
    }

    void changedLocked() {
        changes++;
        changed.signalAll();
    }

    void died(PtraceContext ctx, int status) {
        lock.lock();
        try {
            ctx.dead = true;
            ctx.exitStatus = status;
            ctx.stopped = false;
            ctx.signalHeld = false;
            ctx.siginfo = null;
            changedLocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The tracee is being reaped: by our own wait's unlink, or, without notice, by a multithreaded
     * exec's {@code de_thread} (the old leader, 12.5). Either way it leaves the list.
     */
    void reaped(PtraceContext ctx) {
        Engine ref = unlist(ctx);
        if (ref != null) ref.put();
    }

    /** Takes {@code ctx} off the list; returns the list's reference for the caller to put (outside the lock). */
    private Engine unlist(PtraceContext ctx) {
        lock.lock();
        try {
            if (!ctx.listed) return null;
            ctx.listed = false;
            tracees.remove(ctx);
            changedLocked();
            return ctx.engine;
        } finally {
            lock.unlock();
        }
    }

    // ---- wait ----

    @Override
    public Optional<WaitResult> wait(int pid, int flags) throws InterruptedException {
        checkOpen();
        while (true) {
            PtraceContext dead = null;
            PtraceContext stop = null;
            long stopSeq = 0;
            WaitResult result = null;
            lock.lockInterruptibly();
            try {
                while (result == null) {
                    if (closed) throw unusable();
                    boolean any = false;
                    boolean delayed = false;
                    for (PtraceContext ctx : tracees) {
                        if (pid != -1 && ctx.task.tid() != pid) continue;
                        any = true;
                        if (ctx.dead && !ctx.exitReported && !ctx.link.linked()) continue; // de_thread is releasing it
                        if (ctx.dead && !ctx.exitReported && delayedLeader(ctx)) {
                            delayed = true;
                            continue;
                        }
                        if (ctx.dead && !ctx.exitReported) {
                            // Look again after threadCount (which synchronises with the machine): a
                            // de_thread may have swapped this leader's tid and released it meanwhile.
                            if (!ctx.link.linked() || (pid != -1 && ctx.task.tid() != pid)) continue;
                            ctx.exitReported = true;
                            dead = ctx;
                            result = WaitResult.decode(ctx.task.tid(), ctx.exitStatus, false);
                            break;
                        }
                        if (ctx.stopped && !ctx.reported) {
                            ctx.reported = true;
                            stop = ctx;
                            stopSeq = ctx.stopSeq;
                            result = WaitResult.decode(ctx.task.tid(), ctx.stopStatus, ctx.has(PtraceOptions.TRACESYSGOOD));
                            break;
                        }
                    }
                    if (result != null) break;
                    if (!any) {
                        throw new PtraceException("ECHILD", pid == -1 ? "tracer '" + name + "' has no tracees"
                                : "pid " + pid + " is not a tracee of tracer '" + name + "'");
                    }
                    if ((flags & WNOHANG) != 0) return Optional.empty();
                    // A delayed leader becomes reportable when its last thread is released, which
                    // may be no tracee of ours: look again now and then.
                    if (delayed) changed.await(DELAYED_LEADER_POLL_MILLIS, TimeUnit.MILLISECONDS);
                    else if (!spunForChange()) changed.await();
                }
            } finally {
                lock.unlock();
            }
            if (dead != null) {
                // Reported to us first; now its real parent may see it (or it is reaped here, on our thread).
                dead.link.unlink();
                Engine ref = unlist(dead);
                if (ref != null) ref.put();
                return Optional.of(result);
            }
            // As in Linux, a stop is reported once the tracee is in it (TASK_TRACED): the callback
            // that chose it has returned, but the task may still be on its way into the stop.
            boolean inForce;
            try {
                inForce = stopInForce(stop, stopSeq);
            } catch (InterruptedException e) {
                unreport(stop, stopSeq); // the caller never saw it: a later wait reports it
                throw e;
            }
            if (inForce) return Optional.of(result);
            // Killed, resumed or replaced before it stopped: what came instead is reported next.
        }
    }

    /**
     * Before a wait parks: spins a little, the lock let go, for a change (a tracee's next stop
     * usually comes within microseconds of its restart, and a parked thread costs the tracer's
     * thread a wake-up and this one a context switch at every stop). Called and returns with
     * {@link #lock} held; true if something changed meanwhile (look again), false if nothing did
     * and nothing can before an await (a change is signalled under the lock).
     */
    private boolean spunForChange() {
        // An interrupted wait goes to its await at once, which throws as before.
        if (Thread.currentThread().isInterrupted()) return false;
        long budget = waitSpin.budget();
        if (budget == 0) return false;
        long seen = changes;
        lock.unlock();
        try {
            long start = System.nanoTime();
            while (changes == seen) {
                if (System.nanoTime() - start >= budget) {
                    waitSpin.timedOut();
                    break;
                }
                Thread.onSpinWait();
            }
            if (changes != seen) waitSpin.answered(System.nanoTime() - start);
        } finally {
            lock.lock();
        }
        return changes != seen; // under the lock again: a change after the spin is seen here, or signalled to the await
    }

    private void unreport(PtraceContext ctx, long seq) {
        lock.lock();
        try {
            if (ctx.stopSeq == seq) ctx.reported = false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the tracee is held in the stop {@code seq} that a callback committed to (as
     * {@code wait_task_inactive} does): true once it is, false if that stop will not come
     * (the tracee was killed, resumed by a request, or is in a newer stop).
     */
    private boolean stopInForce(PtraceContext ctx, long seq) throws InterruptedException {
        Engine ref = reference(ctx);
        if (ref == null) return false;
        try {
            Backoff pause = new Backoff();
            while (true) {
                lock.lockInterruptibly();
                try {
                    if (ctx.dead || !ctx.stopped || ctx.stopSeq != seq) return false;
                } finally {
                    lock.unlock();
                }
                Outcome o = utrace().control(ctx.task, ref, ResumeAction.STOP);
                if (o == Outcome.DONE) return true;
                if (o != Outcome.IN_PROGRESS) return false;
                pause.pause(); // another engine's callback, or the pass that chose the stop, is still running
                if (Thread.interrupted()) throw new InterruptedException("interrupted while waiting for pid " + ctx.task.tid() + " to stop");
            }
        } finally {
            ref.put();
        }
    }

    /**
     * A dead group leader whose other threads are not all released yet is not reported
     * ({@code delay_group_leader}): in a multithreaded exec by another thread it never is; that
     * thread takes over its pid and the old leader is released by {@code de_thread} (12.5).
     * The old leader counts as the leader by the pid its tracer knew: on a machine where the tid
     * swap and the release are not one step, it may already answer to the exec'ing thread's old
     * tid for a moment before it is released.
     */
    private boolean delayedLeader(PtraceContext ctx) {
        int tgid = ctx.task.tgid();
        return (ctx.task.tid() == tgid || ctx.lastTid == tgid) && processes().threadCount(ctx.task) > 1;
    }

    // ---- the gate: ptrace_check_attach ----

    /** A tracee of ours by current tid, or ESRCH. */
    private PtraceContext tracee(int pid) {
        checkOpen();
        lock.lock();
        try {
            for (PtraceContext ctx : tracees) {
                if (ctx.task.tid() == pid && !ctx.dead) return ctx;
            }
        } finally {
            lock.unlock();
        }
        throw new PtraceException("ESRCH", "pid " + pid + " is not traced by tracer '" + name + "'; attach or seize it first");
    }

    /**
     * Runs {@code body} with a reference of its own (Model B: every request takes one and puts it), after
     * checking that the tracee is ours and held in a ptrace stop that has taken effect
     * ({@code utrace_control(STOP)} returning DONE, R-CTL-STOP).
     */
    private <T> T stopped(int pid, BiFunction<PtraceContext, Engine, T> body) {
        PtraceContext ctx = tracee(pid);
        Engine ref;
        lock.lock();
        try {
            if (!ctx.listed) throw gone(pid);
            if (!ctx.stopped) {
                throw new PtraceException("ESRCH", "pid " + pid + " is not stopped under ptrace; wait for a stop first");
            }
            ref = ctx.engine.get(); // the list's reference is held while it is listed
        } finally {
            lock.unlock();
        }
        try {
            awaitParked(ctx, ref, pid);
            return body.apply(ctx, ref);
        } finally {
            ref.put();
        }
    }

    /** {@link #reference}, or ESRCH once the tracee left the list. */
    private Engine referenceOrEsrch(PtraceContext ctx, int pid) {
        Engine ref = reference(ctx);
        if (ref == null) throw gone(pid);
        return ref;
    }

    private static PtraceException gone(int pid) {
        return new PtraceException("ESRCH", "pid " + pid + " is gone");
    }

    /**
     * A reference of the caller's own to the tracee's engine, taken from the list's while the
     * tracee is still listed (so under our lock), or null once it left the list. ptrace over
     * utrace looked the engine up at every request ({@code MATCH_OPS}); the list's reference
     * gives the same guarantee (the context outlives the request, R-REL-3) without searching
     * the task's engines at every stop.
     */
    private Engine reference(PtraceContext ctx) {
        lock.lock();
        try {
            return ctx.listed ? ctx.engine.get() : null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * For a detach without a request's gate: waits, as every request does, until a tracee that
     * committed to its stop has parked in it (resuming it earlier would race the callback that
     * is still stopping it). False if it did not stay stopped (killed, exited, gone).
     */
    private boolean parked(PtraceContext ctx) {
        int pid = ctx.task.tid();
        try {
            Engine ref = referenceOrEsrch(ctx, pid);
            try {
                awaitParked(ctx, ref, pid);
                return true;
            } finally {
                ref.put();
            }
        } catch (PtraceException e) {
            return false;
        }
    }

    /** The tracee committed to the stop in a callback; wait until it is parked (as wait_task_inactive). */
    private void awaitParked(PtraceContext ctx, Engine ref, int pid) {
        long deadline = System.nanoTime() + PARK_WAIT_NANOS;
        Backoff pause = new Backoff();
        while (true) {
            Outcome o = utrace().control(ctx.task, ref, ResumeAction.STOP);
            if (o == Outcome.DONE) return;
            if (o == Outcome.GONE) throw gone(pid);
            if (o != Outcome.IN_PROGRESS || System.nanoTime() - deadline > 0) {
                throw new PtraceException("ESRCH", "pid " + pid + " did not stay stopped (it is being killed or has exited)");
            }
            lock.lock();
            try {
                if (ctx.dead) throw new PtraceException("ESRCH", "pid " + pid + " has exited");
            } finally {
                lock.unlock();
            }
            pause.pause();
        }
    }

    /** Register or memory access inside prepare/finishExamine (R-EXAM-1/2). */
    private <T> T examine(PtraceContext ctx, Engine ref, int pid, java.util.function.Supplier<T> access) {
        Examination exam = new Examination();
        Outcome o = utrace().prepareExamine(ctx.task, ref, exam);
        if (o != Outcome.DONE) throw new PtraceException("ESRCH", "pid " + pid + " cannot be examined now (" + o + ")");
        T value = access.get();
        if (utrace().finishExamine(ctx.task, ref, exam) != Outcome.DONE) {
            throw new PtraceException("ESRCH", "pid " + pid + " woke while being examined (killed?); the values are discarded");
        }
        return value;
    }

    // ---- resume requests ----

    @Override
    public void cont(int pid, int signal) {
        checkOpen();
        resume(pid, signal, Mode.CONT);
    }

    @Override
    public void syscall(int pid, int signal) {
        checkOpen();
        resume(pid, signal, Mode.SYSCALL);
    }

    @Override
    public void singlestep(int pid, int signal) {
        checkOpen();
        resume(pid, signal, Mode.STEP);
    }

    private enum Mode { CONT, SYSCALL, STEP }

    private void resume(int pid, int signal, Mode mode) {
        checkSignal(signal);
        stopped(pid, (ctx, ref) -> {
            ResumeAction action;
            boolean sendSignal;
            boolean leaveGroupStop;
            boolean fakeExit = false;
            lock.lock();
            try {
                int event = ctx.stopStatus >> 16 & 0xff;
                boolean syscallStop = event == 0 && !ctx.signalHeld && (ctx.stopStatus >> 8 & 0x7f) == Signals.SIGTRAP
                        && ctx.syscallTrace;
                boolean groupStop = !ctx.signalHeld && processes().inGroupStop(ctx.task);
                ctx.syscallTrace = mode == Mode.SYSCALL;
                ctx.resume = mode == Mode.STEP ? ResumeAction.SINGLESTEP : ResumeAction.RESUME;
                if (!ctx.signalHeld || ctx.inSignalStop) ctx.resumeSignal = signal;
                sendSignal = signal != 0 && syscallStop;
                leaveGroupStop = groupStop;
                action = ctx.resume;
                if (event == WaitResult.EVENT_VFORK && ctx.has(PtraceOptions.TRACEVFORKDONE)) {
                    ctx.vforkDonePending = true;
                    action = ResumeAction.REPORT;
                }
                if (mode == Mode.SYSCALL && (event == WaitResult.EVENT_EXEC || event == WaitResult.EVENT_FORK
                        || event == WaitResult.EVENT_CLONE || event == WaitResult.EVENT_VFORK_DONE)) {
                    // The tracee stopped for the event at its syscall's exit: PTRACE_SYSCALL shows
                    // that exit now, without running it (12.3, as Linux's order is). A signal
                    // given here is dropped, as Linux drops an event stop's.
                    recordStopLocked(ctx, PtraceOps.stopStatus(Signals.SIGTRAP | (ctx.has(PtraceOptions.TRACESYSGOOD) ? 0x80 : 0), 0));
                    fakeExit = true;
                }
                if (!fakeExit) {
                    ctx.stopped = false;
                    ctx.stopStatus = 0;
                    ctx.inSignalStop = false;
                    ctx.reported = false;
                }
                ctx.listening = false;
            } finally {
                lock.unlock();
            }
            long events = PtraceOps.events(ctx);
            // Only PTRACE_SYSCALL versus PTRACE_CONT changes them: most resumes keep them.
            if (ref.events() != events) utrace().setEvents(ctx.task, ref, events);
            if (fakeExit) return null; // still held: the exit stop is in force
            if (sendSignal) processes().signal(ctx.task, signal);
            utrace().control(ctx.task, ref, action);
            // ptrace's compatibility rule (12.3): a resume also ends a job-control stop, for this thread.
            if (leaveGroupStop) processes().leaveGroupStop(ctx.task);
            return null;
        });
    }

    @Override
    public void listen(int pid) {
        stopped(pid, (ctx, ref) -> {
            lock.lock();
            try {
                boolean eventStop = ctx.seized && (ctx.stopStatus >> 16 & 0xff) == WaitResult.EVENT_STOP;
                boolean groupStopTrap = Signals.defaultAction(ctx.stopStatus >> 8 & 0x7f) == Signals.DefaultAction.STOP;
                boolean inGroupStop = processes().inGroupStop(ctx.task);
                if (!eventStop || !(inGroupStop || groupStopTrap)) {
                    throw new PtraceException("EIO", "PTRACE_LISTEN needs a seized tracee in a group stop; pid " + pid + " is not");
                }
                if (!inGroupStop) {
                    // SIGCONT ended the group stop whose trap the tracee is in: Linux takes the
                    // LISTEN and the tracee re-traps at once (SIGCONT's trap, as a listening
                    // tracee's); the SIGCONT itself comes after the tracer resumes it.
                    ctx.continueTrapped = true;
                    recordStopLocked(ctx, PtraceOps.stopStatus(Signals.SIGTRAP, WaitResult.EVENT_STOP));
                    return null;
                }
                ctx.listening = true;
                ctx.stopped = false;
                ctx.stopStatus = 0;
                ctx.reported = false;
            } finally {
                lock.unlock();
            }
            // Let go of our stop only: the job-control stop goes on until SIGCONT, which re-traps (reportJctl).
            utrace().control(ctx.task, ref, ResumeAction.RESUME);
            return null;
        });
    }

    @Override
    public void interrupt(int pid) {
        PtraceContext ctx = tracee(pid);
        Engine ref = referenceOrEsrch(ctx, pid);
        try {
            lock.lock();
            try {
                if (!ctx.seized) throw new PtraceException("EIO", "PTRACE_INTERRUPT needs a seized tracee; pid " + pid + " was attached");
                if (ctx.stopped) return; // already in a ptrace stop: nothing to do
                ctx.interruptPending = true;
            } finally {
                lock.unlock();
            }
            // INTERRUPT breaks a blocking sleep; the REPORT (or resume-point quiesce) records PTRACE_EVENT_STOP.
            Outcome o = utrace().control(ctx.task, ref, ResumeAction.INTERRUPT);
            if (o == Outcome.DONE && processes().inGroupStop(ctx.task)) {
                lock.lock();
                try {
                    if (ctx.interruptPending) {
                        ctx.interruptPending = false;
                        recordStopLocked(ctx, PtraceOps.stopStatus(processes().groupStopSignal(ctx.task), WaitResult.EVENT_STOP));
                    }
                } finally {
                    lock.unlock();
                }
                utrace().control(ctx.task, ref, ResumeAction.STOP);
            }
        } finally {
            ref.put();
        }
    }

    @Override
    public void kill(int pid) {
        PtraceContext ctx = tracee(pid);
        processes().signal(ctx.task, Signals.SIGKILL);
    }

    // ---- detach and exit ----

    @Override
    public void detach(int pid, int signal) {
        checkSignal(signal);
        stopped(pid, (ctx, ref) -> {
            detachStopped(ctx, signal);
            return null;
        });
    }

    /**
     * {@code ptrace_detach_task} (12.4): from a signal-delivery stop the tracee delivers
     * {@code signal} (-1: the one it stopped with) and detaches itself in its REPORT callback;
     * otherwise the signal is sent and the engine detached here.
     *
     * @return whether a REPORT callback is left to deliver a signal
     */
    private boolean detachStopped(PtraceContext ctx, int signal) {
        service.debugRegisters().dropAll(ctx); // detach removes the tracer's watchpoints (R-HBP-2)
        service.debugRegisters().discardHits(ctx);
        boolean viaCallback;
        lock.lock();
        try {
            viaCallback = ctx.signalHeld;
            if (viaCallback) {
                if (signal >= 0 && ctx.inSignalStop) ctx.resumeSignal = signal;
                ctx.detaching = true;
            }
            ctx.resume = ResumeAction.RESUME;
            ctx.syscallTrace = false;
            ctx.interruptPending = false;
            ctx.listening = false;
            ctx.stopped = false;
        } finally {
            lock.unlock();
        }
        Engine ref = unlist(ctx);
        ctx.link.unlink();
        if (ref == null) return false;
        try {
            if (viaCallback) {
                utrace().setEvents(ctx.task, ref, PtraceOps.events(ctx));
                utrace().control(ctx.task, ref, ResumeAction.RESUME);
            } else {
                if (signal > 0) processes().signal(ctx.task, signal);
                utrace().control(ctx.task, ref, ResumeAction.DETACH);
            }
        } finally {
            ref.put();
        }
        return viaCallback && signal != 0;
    }

    /**
     * The implicit detach of {@code exit_ptrace}: stopped or running, dead or alive. A stopped
     * tracee resumes with {@code signal}; -1 keeps the signal it stopped with if the tracer has
     * not waited for that stop, as Linux does (its wait takes the stop's {@code exit_code}, so
     * a stop it saw resumes with none), except a trap the tracer itself caused (its watchpoint
     * or its single-step): the program never asked for that one and would die of it, so it is
     * dropped. When the engine is {@code unloading} the program's own signal is kept even after a
     * wait (it must run on as if never traced), and the SIGSTOP of the tracer's PTRACE_ATTACH is
     * dropped, which an untraced program would never have got either.
     *
     * @return whether a REPORT callback is left to deliver a signal
     */
    private boolean detachImplicitly(PtraceContext ctx, int signal, boolean unloading) {
        boolean dead;
        lock.lock();
        try {
            dead = ctx.dead;
        } finally {
            lock.unlock();
        }
        if (ctx.has(PtraceOptions.EXITKILL) && !dead) processes().signal(ctx.task, Signals.SIGKILL);
        // Watchpoints first, while the engine is surely still attached: once it is detached (by
        // us, or by itself in a callback) a trap of a claim still installed would reach the
        // program. Afterwards no trap of ours can stop the tracee any more.
        service.debugRegisters().dropAll(ctx);
        service.debugRegisters().discardHits(ctx);
        boolean stoppedNow;
        boolean dropSignal;
        boolean viaCallback = false;
        lock.lock();
        try {
            stoppedNow = ctx.stopped && !ctx.dead;
            // A stop the tracer waited for resumes with no signal, as Linux's wait clears its exit_code;
            // but an unload is no tracer's doing, and the program must run on as if never traced: it
            // gets the signal it was sent, never the tracer's attach SIGSTOP.
            dropSignal = ctx.holdsTracersTrap()
                    || (unloading ? ctx.holdsAttachStop() : stoppedNow && ctx.reported && ctx.inSignalStop);
            if (!stoppedNow && signal < 0 && ctx.signalHeld && !ctx.dead) {
                // Resumed with a signal its REPORT pass has yet to deliver (a cont with a signal
                // a moment ago): that pass delivers it and detaches, as from a stop. Detaching
                // here would lose the signal the tracer chose.
                viaCallback = true;
                ctx.detaching = true;
                ctx.resume = ResumeAction.RESUME;
                ctx.syscallTrace = false;
                ctx.interruptPending = false;
                ctx.listening = false;
            }
        } finally {
            lock.unlock();
        }
        if (stoppedNow && parked(ctx)) {
            return detachStopped(ctx, signal < 0 && dropSignal ? 0 : signal);
        }
        Engine ref = unlist(ctx);
        if (ref == null) return false;
        try {
            if (!viaCallback) utrace().control(ctx.task, ref, ResumeAction.DETACH);
            ctx.link.unlink(); // a zombie goes on to its real parent (or is reaped here)
        } finally {
            ref.put();
        }
        return viaCallback;
    }

    @Override
    public void close() {
        exit(false);
    }

    /**
     * The engine is being unloaded: every tracee is detached and runs on as if it had never been
     * traced. A stopped one resumes with the signal it stopped with (a signal the program was
     * sent is not lost), but for the tracer's own (its traps, its attach's SIGSTOP). Returns
     * once the REPORT callbacks that deliver those signals have run: after the unload the
     * bundle's engines are revoked, and a callback that had not run by then never would, so its
     * signal would be lost.
     */
    void unload() {
        exit(true);
    }

    private void exit(boolean unloading) {
        List<PtraceContext> all;
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            all = new ArrayList<>(tracees);
            changedLocked();
        } finally {
            lock.unlock();
        }
        List<PtraceContext> delivering = new ArrayList<>();
        for (PtraceContext ctx : all) {
            if (detachImplicitly(ctx, -1, unloading)) delivering.add(ctx);
        }
        if (unloading) awaitDelivered(delivering);
        service.closed(this);
    }

    /** Waits (bounded) until each tracee's REPORT callback has taken the signal it is to deliver, or the tracee died. */
    private void awaitDelivered(List<PtraceContext> delivering) {
        long deadline = System.nanoTime() + UNLOAD_DELIVERY_WAIT_NANOS;
        lock.lock();
        try {
            for (PtraceContext ctx : delivering) {
                while (ctx.signalHeld && !ctx.dead) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        LOG.log(System.Logger.Level.WARNING, "unloading the ptrace engine: " + ctx.task.tid()
                                + " did not deliver the signal " + Signals.name(ctx.resumeSignal) + " it stopped with within "
                                + TimeUnit.NANOSECONDS.toSeconds(UNLOAD_DELIVERY_WAIT_NANOS) + " s (another engine holds it?);"
                                + " it may never get it");
                        break;
                    }
                    changed.awaitNanos(Math.min(left, DELIVERY_POLL_NANOS)); // the callback does not signal: poll
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the framework is being stopped hard: stop waiting
        } finally {
            lock.unlock();
        }
    }

    private void undo(PtraceContext ctx) {
        utrace().control(ctx.task, ctx.engine, ResumeAction.DETACH);
        ctx.link.unlink();
        ctx.engine.put();
    }

    // ---- registers, memory, user area, siginfo, options ----

    @Override
    public long[] getRegs(int pid) {
        return stopped(pid, (ctx, ref) -> examine(ctx, ref, pid, () -> {
            long[] regs = new long[Reg.DR0.ordinal()];
            for (Reg r : Reg.values()) {
                if (!r.isDebug()) regs[r.ordinal()] = ctx.task.register(r);
            }
            return regs;
        }));
    }

    @Override
    public void setRegs(int pid, long[] regs) {
        if (regs == null || regs.length != Reg.DR0.ordinal()) {
            throw new PtraceException("EIO", "setregs takes " + Reg.DR0.ordinal() + " registers (RAX..SS, as getregs returns them)");
        }
        stopped(pid, (ctx, ref) -> examine(ctx, ref, pid, () -> {
            long[] old = new long[regs.length];
            for (Reg r : Reg.values()) {
                if (!r.isDebug()) old[r.ordinal()] = ctx.task.register(r);
            }
            try {
                for (Reg r : Reg.values()) {
                    if (!r.isDebug()) ctx.task.setRegister(r, regs[r.ordinal()]);
                }
            } catch (IllegalArgumentException e) {
                for (Reg r : Reg.values()) {
                    if (!r.isDebug()) ctx.task.setRegister(r, old[r.ordinal()]);
                }
                throw new PtraceException("EIO", e.getMessage());
            }
            return null;
        }));
    }

    @Override
    public long peek(int pid, long address) {
        return stopped(pid, (ctx, ref) -> examine(ctx, ref, pid, () -> {
            try {
                return ctx.task.readMemory(address, 8);
            } catch (MemoryFault f) {
                throw new PtraceException("EIO", "address 0x" + Long.toHexString(address) + " is not mapped in pid " + pid);
            }
        }));
    }

    @Override
    public void poke(int pid, long address, long value) {
        stopped(pid, (ctx, ref) -> examine(ctx, ref, pid, () -> {
            try {
                ctx.task.writeMemory(address, 8, value);
            } catch (MemoryFault f) {
                throw new PtraceException("EIO", "address 0x" + Long.toHexString(address) + " is not mapped in pid " + pid);
            }
            return null;
        }));
    }

    @Override
    public long peekUser(int pid, long offset) {
        Reg reg = userReg(offset);
        return stopped(pid, (ctx, ref) -> {
            if (reg.isDebug()) {
                lock.lock();
                try {
                    return service.debugRegisters().peek(ctx, reg);
                } finally {
                    lock.unlock();
                }
            }
            return examine(ctx, ref, pid, () -> ctx.task.register(reg));
        });
    }

    @Override
    public void pokeUser(int pid, long offset, long value) {
        Reg reg = userReg(offset);
        stopped(pid, (ctx, ref) -> {
            if (reg.isDebug()) {
                lock.lock();
                try {
                    service.debugRegisters().poke(ctx, reg, value);
                } finally {
                    lock.unlock();
                }
                return null;
            }
            return examine(ctx, ref, pid, () -> {
                try {
                    ctx.task.setRegister(reg, value);
                } catch (IllegalArgumentException e) {
                    throw new PtraceException("EIO", e.getMessage());
                }
                return null;
            });
        });
    }

    private static Reg userReg(long offset) {
        for (Reg r : Reg.values()) {
            if (r.userOffset() == offset) return r;
        }
        throw new PtraceException("EIO", "offset " + offset + " is not a register in struct user; use a multiple of 8 below "
                + Reg.SS.userOffset() + " or a debug register at " + Reg.DR0.userOffset() + ".." + Reg.DR7.userOffset());
    }

    @Override
    public SignalInfo getSigInfo(int pid) {
        return stopped(pid, (ctx, ref) -> {
            lock.lock();
            try {
                SignalInfo info = ctx.stopSigInfo();
                if (info == null) {
                    throw new PtraceException("EINVAL", "pid " + pid + " is in a group stop it was attached in; such a stop has no"
                            + " siginfo (seize it for one)");
                }
                return info;
            } finally {
                lock.unlock();
            }
        });
    }

    @Override
    public void setSigInfo(int pid, SignalInfo info) {
        if (info == null || !Signals.valid(info.signo)) {
            throw new PtraceException("EINVAL", "siginfo needs a signal number in 1.." + Signals.NSIG);
        }
        stopped(pid, (ctx, ref) -> {
            lock.lock();
            try {
                if (ctx.stopSigInfo() == null) {
                    throw new PtraceException("EINVAL", "pid " + pid + " is in a group stop it was attached in; such a stop has no"
                            + " siginfo to change");
                }
                // Only a signal-delivery stop's siginfo goes anywhere; an event's is made up and dropped, as in Linux.
                if (ctx.inSignalStop) ctx.siginfo = info.copy();
            } finally {
                lock.unlock();
            }
            return null;
        });
    }

    @Override
    public void setOptions(int pid, int options) {
        checkOpen();
        PtraceOptions.check(options);
        stopped(pid, (ctx, ref) -> {
            lock.lock();
            try {
                ctx.options = options;
            } finally {
                lock.unlock();
            }
            return null;
        });
    }

    @Override
    public long getEventMsg(int pid) {
        return stopped(pid, (ctx, ref) -> {
            lock.lock();
            try {
                return ctx.eventMsg;
            } finally {
                lock.unlock();
            }
        });
    }

    @Override
    public List<TraceeInfo> tracees() {
        if (service.unloaded()) return List.of(); // an unloaded engine traces nothing (and may not load classes)
        List<TraceeInfo> out = new ArrayList<>();
        lock.lock();
        try {
            for (PtraceContext c : tracees) {
                String state = c.dead ? "zombie" : c.stopped ? "stopped" : "running";
                String stop = c.dead ? WaitResult.decode(c.task.tid(), c.exitStatus, false).describe()
                        : c.stopped ? WaitResult.decode(c.task.tid(), c.stopStatus, c.has(PtraceOptions.TRACESYSGOOD)).describe() : "";
                out.add(new TraceeInfo(c.task.tid(), c.task.tgid(), state, stop, c.options, c.seized));
            }
        } finally {
            lock.unlock();
        }
        out.sort(Comparator.comparingInt(TraceeInfo::pid));
        return out;
    }

    /** Contexts on the list (tests). */
    List<PtraceContext> contexts() {
        lock.lock();
        try {
            return List.copyOf(tracees);
        } finally {
            lock.unlock();
        }
    }

    private static void checkSignal(int signal) {
        if (signal != 0 && !Signals.valid(signal)) {
            throw new PtraceException("EIO", "bad signal number " + signal + "; use 0 (none) or 1.." + Signals.NSIG);
        }
    }

    private void checkOpen() {
        if (service.unloaded()) throw unusable();
        lock.lock();
        try {
            if (closed) throw unusable();
        } finally {
            lock.unlock();
        }
    }

    private PtraceException unusable() {
        if (service.unloaded()) {
            return new PtraceException("ESRCH", "the ptrace engine was unloaded; its tracees were detached."
                    + " Deploy it again and open a new session");
        }
        return new PtraceException("ESRCH", "tracer '" + name + "' has exited (session closed); open a new session");
    }

    @Override
    public String toString() {
        return "tracer '" + name + "'";
    }
}
