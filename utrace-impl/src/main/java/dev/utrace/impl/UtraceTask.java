package dev.utrace.impl;

import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallSet;
import dev.utrace.spi.StepMode;
import dev.utrace.spi.TracedTask;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The core's per-task record ({@code struct utrace}); one per task, created by the first
 * attach and kept for the task's life (R-DATA-3).
 *
 * <p><b>Locking.</b> {@link #lock} guards:
 * <ul>
 * <li>{@code attaching}, {@code pendingAttach}: controllers add here; spliced onto
 * {@code attached} at safe points (R-ATT-6).
 * <li>writes of {@code attached}: a copy-on-write array, so the tracee walks a snapshot
 * without the lock (R-DATA-4) and allocates nothing while the set is unchanged.
 * <li>{@code resume}, {@code death}, {@code reap}, {@code signalHandler}, {@code vforkStop},
 * {@code stopped}, {@code stopGeneration}, {@code stoppedThread}: read by the tracee's fast
 * paths without the lock (hence volatile), written only under it.
 * <li>writes of {@code flags} (the task's union mask, {@code utrace_flags}) and of every
 * engine's {@code ops}, {@code flags} and {@code syscalls}.
 * <li>writes of {@code entrySyscalls} and {@code exitSyscalls} (the unions of the syscall sets of
 * the engines that want each event; read by the hooks without the lock), and
 * {@code toldMachine}, the union of both last given to the machine.
 * </ul>
 * Not guarded: {@code reporting} (volatile, written only by the thread running a pass or a
 * reap teardown; ordered against engine state with full fences, R-CTL-4) and
 * {@code hookThreadId} (plain; only ever compared with the reader's own thread id, so a
 * stale value can never equal it; thread ids are never reused) and {@code lastHookThread}
 * (plain; for diagnostics only).
 *
 * <p><b>No engine is ever called while {@link #lock} is held.</b> Methods that must drop
 * references collect them and put them after unlocking, because a put may run {@code release}.
 */
final class UtraceTask {
    private static final UtraceEngine[] NONE = new UtraceEngine[0];

    final ReentrantLock lock = new ReentrantLock();
    final TracedTask task;
    final Controller core;

    volatile UtraceEngine[] attached = NONE;
    private final ArrayList<UtraceEngine> attaching = new ArrayList<>(2);
    volatile boolean pendingAttach;

    volatile long flags;
    /**
     * The union of the syscall sets of the engines wanting SYSCALL_ENTRY (resp. SYSCALL_EXIT):
     * widened at once, narrowed by setSyscalls and by resets, as {@code flags} is. Looked at only
     * while {@code flags} has {@link Bits#SYSCALL_FILTER}.
     */
    volatile SyscallSet entrySyscalls = SyscallSet.NONE;
    volatile SyscallSet exitSyscalls = SyscallSet.NONE;
    private SyscallSet toldMachine = SyscallSet.NONE;
    volatile ResumeAction resume = ResumeAction.RESUME;
    volatile boolean death;
    volatile boolean reap;
    volatile boolean signalHandler;
    volatile boolean vforkStop;

    /** Utrace-stopped ({@code task_is_utraced}); also set when a job-control stop is adopted. */
    volatile boolean stopped;
    /** Whether the current stop is an adopted job-control stop (nobody parks in the core for it). */
    volatile boolean adoptedStop;
    /** Counts wake-ups, for {@code finishExamine} (the kernel's context-switch count). */
    volatile long stopGeneration;
    private volatile Thread stoppedThread;

    /**
     * The engine whose callback may be running now ({@code utrace->reporting}). Set with a
     * volatile store (a full fence: it must be visible before the engine's flags and ops are
     * read, R-CTL-4); cleared with {@link #clearReporting()}, a release store, as the kernel
     * clears it without a barrier: readers that rely on it take the lock.
     */
    volatile UtraceEngine reporting;
    /** The thread running one of this task's hooks now, or null; see the class comment. */
    long hookThreadId;
    /**
     * The thread that last ran one of this task's hooks or its reap callbacks, for reports of a
     * callback that overruns (its stack); written only when it changes, read racily.
     */
    Thread lastHookThread;
    /** Reused by the tracee's passes: passes of one task never nest. */
    final Report report = new Report();

    private static final java.lang.invoke.VarHandle REPORTING;

    static {
        try {
            REPORTING = java.lang.invoke.MethodHandles.lookup().findVarHandle(UtraceTask.class, "reporting", UtraceEngine.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Ends a callback's reporting window: everything it did is visible before the clear. */
    void clearReporting() {
        REPORTING.setRelease(this, (UtraceEngine) null);
    }

    UtraceTask(Controller core, TracedTask task) {
        this.core = core;
        this.task = task;
    }

    /** Whether the calling thread is running one of this task's hooks (the kernel's {@code current}). */
    boolean isCurrent() {
        return hookThreadId == Thread.currentThread().threadId();
    }

    String describe() {
        return "task " + task.tid() + " (" + task.comm() + ")";
    }

    // ---- engine lists -------------------------------------------------------------------

    /** Adds a new engine at the tail of {@code attaching}. */
    void addAttaching(UtraceEngine e) {
        assert lock.isHeldByCurrentThread();
        attaching.add(e);
        pendingAttach = true;
    }

    /** {@code splice_attaching}: new engines become visible to passes, at the tail (R-ATT-7). */
    void spliceAttaching() {
        assert lock.isHeldByCurrentThread();
        if (attaching.isEmpty()) {
            pendingAttach = false;
            return;
        }
        UtraceEngine[] old = attached;
        UtraceEngine[] now = new UtraceEngine[old.length + attaching.size()];
        System.arraycopy(old, 0, now, 0, old.length);
        for (int i = 0; i < attaching.size(); i++) {
            now[old.length + i] = attaching.get(i);
        }
        attaching.clear();
        attached = now;
        pendingAttach = false;
    }

    /** The first engine matching the attach flags, attached first then attaching (R-ATT-1, R-ATT-2). */
    UtraceEngine findMatching(int attachFlags, Object ops, Object data) {
        assert lock.isHeldByCurrentThread();
        for (UtraceEngine e : attached) {
            if (matches(e, attachFlags, ops, data)) return e;
        }
        for (UtraceEngine e : attaching) {
            if (matches(e, attachFlags, ops, data)) return e;
        }
        return null;
    }

    private static boolean matches(UtraceEngine e, int attachFlags, Object ops, Object data) {
        Object o = e.ops;
        if (o == null || o == DetachedOps.INSTANCE) return false;
        if ((attachFlags & dev.utrace.api.AttachFlags.MATCH_OPS) != 0 && o != ops) return false;
        return (attachFlags & dev.utrace.api.AttachFlags.MATCH_DATA) == 0 || e.data() == data;
    }

    List<UtraceEngine> allEngines() {
        assert lock.isHeldByCurrentThread();
        List<UtraceEngine> all = new ArrayList<>(List.of(attached));
        all.addAll(attaching);
        return all;
    }

    /** Empties both lists for the reap teardown, returning their engines in order. */
    List<UtraceEngine> takeAllEngines() {
        assert lock.isHeldByCurrentThread();
        List<UtraceEngine> all = allEngines();
        attached = NONE;
        attaching.clear();
        pendingAttach = false;
        return all;
    }

    // ---- engine state changes (all under the lock) ---------------------------------------

    /**
     * {@code mark_engine_detached}: ops first, then flags (R-CTL-4). A tracee that reads flags
     * then ops can never see the new flags with the old ops.
     */
    void markDetached(UtraceEngine e) {
        assert lock.isHeldByCurrentThread();
        e.ops = DetachedOps.INSTANCE;
        e.flags = Bits.QUIESCE;
    }

    /**
     * Whether some engine holds a stop now. The union bit in {@code flags} is only narrowed by
     * a reset, so after an engine let go it may still be set; decisions to stop look at the
     * engines themselves. Without the lock only spliced engines are seen, so callers that do
     * not hold it splice first (every pass starts with {@code startReport}).
     */
    boolean anyEngineHoldsStop() {
        for (UtraceEngine e : attached) {
            if (holdsStop(e)) return true;
        }
        if (lock.isHeldByCurrentThread()) { // a new engine may stop the task before it is spliced
            for (UtraceEngine e : attaching) {
                if (holdsStop(e)) return true;
            }
        }
        return false;
    }

    private static boolean holdsStop(UtraceEngine e) {
        return (e.flags & Bits.ENGINE_STOP) != 0 && e.isAttachedOps();
    }

    void markWantsStop(UtraceEngine e) {
        assert lock.isHeldByCurrentThread();
        if ((e.flags & Bits.ENGINE_STOP) == 0) {
            e.flags |= Bits.ENGINE_STOP;
            flags |= Bits.ENGINE_STOP;
        }
    }

    /** Clears the engine's stop bit; the task's union bit is narrowed by the next reset. */
    void clearWantsStop(UtraceEngine e) {
        assert lock.isHeldByCurrentThread();
        if ((e.flags & Bits.ENGINE_STOP) != 0) {
            e.flags &= ~Bits.ENGINE_STOP;
        }
    }

    // ---- syscall sets --------------------------------------------------------------------

    /** {@code e} may have begun to want syscall events, or wants more syscalls: the unions take its set in. */
    void widenSyscalls(UtraceEngine e) {
        assert lock.isHeldByCurrentThread();
        long f = e.flags;
        SyscallSet s = e.syscalls;
        if ((f & Event.SYSCALL_ENTRY.bit()) != 0) entrySyscalls = entrySyscalls.union(s);
        if ((f & Event.SYSCALL_EXIT.bit()) != 0) exitSyscalls = exitSyscalls.union(s);
        tellMachine();
    }

    /** The unions anew, from the engines not detached (setSyscalls may have narrowed one). */
    void recomputeSyscalls() {
        assert lock.isHeldByCurrentThread();
        SyscallSet entry = SyscallSet.NONE;
        SyscallSet exit = SyscallSet.NONE;
        for (UtraceEngine e : allEngines()) {
            if (!e.isAttachedOps()) continue;
            long f = e.flags;
            if ((f & Event.SYSCALL_ENTRY.bit()) != 0) entry = entry.union(e.syscalls);
            if ((f & Event.SYSCALL_EXIT.bit()) != 0) exit = exit.union(e.syscalls);
        }
        setSyscallUnions(entry, exit);
    }

    private void setSyscallUnions(SyscallSet entry, SyscallSet exit) {
        if (!entry.equals(entrySyscalls)) entrySyscalls = entry;
        if (!exit.equals(exitSyscalls)) exitSyscalls = exit;
        tellMachine();
    }

    /** The machine learns the union of both when it changed (under the lock, so in order). */
    private void tellMachine() {
        SyscallSet wanted = entrySyscalls.union(exitSyscalls);
        if (!wanted.equals(toldMachine)) {
            toldMachine = wanted;
            task.syscallsWanted(wanted);
        }
    }

    /** Lowers {@code resume} and asks the machine for the matching resume-point work. */
    void requestResume(ResumeAction action) {
        assert lock.isHeldByCurrentThread();
        if (action.ordinal() < resume.ordinal()) {
            resume = action;
            if (action == ResumeAction.INTERRUPT) {
                task.requestSignalCheck();
            } else {
                task.requestNotifyResume();
            }
        }
    }

    // ---- reset, stop, wake ----------------------------------------------------------------

    /**
     * {@code utrace_reset}: unlinks engines marked detached, recomputes the union mask, and
     * wakes the task if no remaining engine holds a stop. Called with the lock held;
     * <b>returns with it released</b>, then puts the unlinked engines' attached references.
     *
     * @return whether any engine remains interested (the new mask is non-zero)
     */
    boolean resetAndUnlock() {
        assert lock.isHeldByCurrentThread();
        List<UtraceEngine> detached = null;
        spliceAttaching();
        UtraceEngine[] old = attached;
        long union = 0;
        int kept = 0;
        SyscallSet entry = SyscallSet.NONE;
        SyscallSet exit = SyscallSet.NONE;
        for (UtraceEngine e : old) {
            if (e.ops == DetachedOps.INSTANCE || e.ops == null) {
                if (detached == null) detached = new ArrayList<>(2);
                detached.add(e);
            } else {
                long f = e.flags;
                union |= f | Bits.REAP;
                kept++;
                if ((f & Event.SYSCALL_ENTRY.bit()) != 0) entry = entry.union(e.syscalls);
                if ((f & Event.SYSCALL_EXIT.bit()) != 0) exit = exit.union(e.syscalls);
            }
        }
        setSyscallUnions(entry, exit);
        if (detached != null) {
            UtraceEngine[] now = kept == 0 ? NONE : new UtraceEngine[kept];
            int i = 0;
            for (UtraceEngine e : old) {
                if (e.ops != DetachedOps.INSTANCE && e.ops != null) now[i++] = e;
            }
            attached = now;
            for (UtraceEngine e : detached) {
                e.ops = null;
            }
        }
        if (task.state().hasExited()) {
            // Once dead only REAP is ever installed, so the reaper knows for sure that the
            // death report can never run again (section 10.1).
            assert !death : "reset during the death report";
            union &= Bits.REAP;
        }
        if (union == 0) {
            resume = ResumeAction.RESUME;
            signalHandler = false;
        }
        if (stopped && (union & Bits.ENGINE_STOP) == 0) {
            // utrace_reset: it just resumes, so make sure no single-step is left set.
            if (resume == ResumeAction.RESUME) task.setStepping(StepMode.NONE);
            wakeUp();
        }
        flags = union;
        lock.unlock();
        if (detached != null) {
            for (UtraceEngine e : detached) {
                e.put(); // R-REF-4a: the attached reference, with no lock held
            }
        }
        return union != 0;
    }

    /** {@code utrace_wakeup}: ends a utrace stop. An adopted job-control stop stays a job-control stop (R-STOP-1). */
    void wakeUp() {
        assert lock.isHeldByCurrentThread();
        stopped = false;
        stopGeneration++;
        task.setUtraceStopped(false);
        Thread t = stoppedThread;
        stoppedThread = null;
        adoptedStop = false;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * {@code utrace_do_stop}: if the task is in a job-control stop, adopt it as a utrace stop;
     * otherwise ask for a report so it soon passes a point where it can stop.
     *
     * @return whether the task is utrace-stopped now
     */
    boolean doStop() {
        assert lock.isHeldByCurrentThread();
        if (!stopped && task.isJobControlStopped()) {
            task.setUtraceStopped(true); // the machine first: a stopped task's registers are readable (prepareExamine)
            stopped = true;
            adoptedStop = true;
        } else if (!stopped) {
            requestResume(ResumeAction.REPORT);
        }
        return stopped;
    }

    /**
     * Where a hook returned early, leaving the task stopped for the machine to hold
     * ({@link TracedTask#stopsWithoutParking()}), so that calling the same hook again continues
     * after the stop; null when no hook is held. Written and read only on the hook thread.
     */
    enum HeldAt {
        /** After the stop at syscall entry: the syscall's fate is decided when it continues. */
        SYSCALL_ENTRY,
        /** After the stop in the exit report. */
        EXIT,
        /** After the stop before the vfork wait. */
        VFORK,
        /** After the stop at a resume point. */
        RESUME,
        /** After the stop of an ignored or reported signal: SIGKILL or HOLD are looked at when it continues. */
        SIGNAL,
        /** After the stop of an explicit signal-point report. */
        SIGNAL_REPORT,
        /** After an adopted job-control stop ended while an engine still holds the task. */
        JOBCTL
    }

    volatile HeldAt heldAt;

    /**
     * {@code utrace_stop}: on the tracee's thread, stops until no engine holds a stop, unless
     * SIGKILL is pending (R-STOP-3, R-STOP-6). On a machine that holds stops itself, returns at
     * once with the task stopped, and true: the hook must return, and the machine calls it again
     * when the task is woken ({@link TracedTask#setUtraceStopped} with false) or SIGKILL comes.
     *
     * @param action the pass's resume action, owed when the task wakes
     * @return whether the task is held by the machine (the caller records where, {@link #heldAt})
     */
    boolean stop(ResumeAction action) {
        for (;;) {
            lock.lock();
            requestResume(action);
            if (!anyEngineHoldsStop()) {
                // Every engine resumed or detached after the callbacks returned (or a
                // controller's RESUME raced us here): recompute the flags and do not sleep.
                resetAndUnlock();
                if (anyEngineHoldsStop()) continue;
                return false;
            }
            if (task.fatalSignalPending()) {
                lock.unlock();
                return false;
            }
            task.setUtraceStopped(true); // the machine first: prepareExamine reads stopped without the lock
            stopped = true;
            adoptedStop = false;
            if (task.stopsWithoutParking()) {
                lock.unlock();
                return true;
            }
            stoppedThread = Thread.currentThread();
            lock.unlock();
            sleepWhileStopped();
            return false;
        }
    }

    /** Waits as the kernel's TASK_UTRACED sleep does: until woken or SIGKILL is pending. */
    private void sleepWhileStopped() {
        boolean interrupted = false;
        while (stopped && !task.fatalSignalPending()) {
            LockSupport.park(this);
            if (Thread.interrupted()) interrupted = true; // keep it for the machine, do not spin on it
        }
        finishStop();
        if (interrupted) Thread.currentThread().interrupt();
    }

    /**
     * {@code utrace_finish_stop}, once the stop is over: a SIGKILL wake-up (the task still marked
     * stopped) waits for whoever holds the lock, then leaves the stop.
     */
    private void finishStop() {
        lock.lock();
        try {
            if (stopped && !adoptedStop) {
                stopped = false;
                stopGeneration++;
                stoppedThread = null;
                task.setUtraceStopped(false);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A hook called again after it returned held at {@code at}: ends the stop as the parked path
     * does when it wakes, and answers whether the hook is continuing from there (else it starts
     * afresh).
     */
    boolean continuing(HeldAt at) {
        if (heldAt != at) return false;
        heldAt = null;
        finishStop();
        return true;
    }

    /** SIGKILL became pending: wake the task from a utrace stop (R-STOP-6). */
    void fatalSignal() {
        Thread t = stoppedThread;
        if (t != null) LockSupport.unpark(t);
    }

    /**
     * An adopted job-control stop ended: if an engine still holds a stop, the task stays
     * stopped here, in the core, until released; on a machine that holds stops itself, held
     * there ({@link HeldAt#JOBCTL}).
     */
    void finishJobControlStop() {
        lock.lock();
        if (!(stopped && adoptedStop)) {
            lock.unlock();
            return;
        }
        if (!anyEngineHoldsStop() || task.fatalSignalPending()) {
            stopped = false;
            adoptedStop = false;
            stopGeneration++;
            task.setUtraceStopped(false);
            lock.unlock();
            return;
        }
        adoptedStop = false;
        if (task.stopsWithoutParking()) {
            heldAt = HeldAt.JOBCTL;
            lock.unlock();
            return;
        }
        stoppedThread = Thread.currentThread();
        lock.unlock();
        sleepWhileStopped();
    }
}
