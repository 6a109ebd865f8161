package dev.utrace.impl;

import static dev.utrace.impl.Hooks.utraceOf;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineInfo;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.Examination;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallSet;
import dev.utrace.api.spin.Backoff;
import dev.utrace.api.task.Task;
import dev.utrace.spi.Machine;
import dev.utrace.spi.TracedTask;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The controller side of the core: what engines ask of it through their {@link UtraceFacade}
 * (attach, set events, control, barrier, examine, revoke), against the per-task records the
 * hook side ({@link Hooks}) reports from. Knows the machine only to resolve pids and to learn
 * whether it can step.
 */
final class Controller {
    /** Where the machine comes from: fixed without OSGi, a service tracker under OSGi. */
    private final Supplier<Machine> machine;

    Controller(Supplier<Machine> machine) {
        this.machine = machine;
    }

    boolean canSingleStep() {
        Machine m = machine.get();
        return m != null && m.canSingleStep();
    }

    boolean canBlockStep() {
        Machine m = machine.get();
        return m != null && m.canBlockStep();
    }

    TracedTask findTask(int pid) {
        Machine m = machine.get();
        return m == null ? null : m.findTask(pid);
    }

    // ---- attach -------------------------------------------------------------------------

    AttachResult attach(Owner owner, Task task, int flags, EngineOps ops, Object data) {
        TracedTask t = traced(task);
        if ((flags & AttachFlags.CREATE) == 0) {
            return lookup(t, flags, ops, data);
        }
        if (ops == null || ops == DetachedOps.INSTANCE) return AttachResult.failed(Outcome.INVALID);
        if (t.isKernelThread()) return AttachResult.failed(Outcome.NOT_PERMITTED);
        if (!owner.beginAttach()) return AttachResult.failed(Outcome.GONE);
        UtraceEngine added = null;
        try {
            UtraceTask u = utraceFor(t);
            UtraceEngine e = new UtraceEngine(u, owner, ops, data);
            Outcome o = addEngine(u, e, flags, ops, data);
            if (o != Outcome.DONE) {
                return AttachResult.failed(o); // e is dropped unreleased: data stays the caller's (R-REF-7)
            }
            added = e;
            return AttachResult.of(e);
        } finally {
            owner.endAttach(added);
        }
    }

    private AttachResult lookup(TracedTask t, int flags, EngineOps ops, Object data) {
        UtraceTask u = utraceOf(t);
        if (u == null) return AttachResult.failed(Outcome.NOT_FOUND);
        u.lock.lock();
        try {
            UtraceEngine e = u.findMatching(flags, ops, data);
            if (e == null) return AttachResult.failed(Outcome.NOT_FOUND);
            e.get(); // R-REF-2; safe: an engine on a list holds its attached reference
            return AttachResult.of(e);
        } finally {
            u.lock.unlock();
        }
    }

    /** {@code utrace_add_engine}: checks 4 and 5 of section 3.3, then the tail of attaching. */
    private static Outcome addEngine(UtraceTask u, UtraceEngine e, int flags, EngineOps ops, Object data) {
        u.lock.lock();
        try {
            if ((flags & AttachFlags.EXCLUSIVE) != 0 && u.findMatching(flags, ops, data) != null) {
                return Outcome.EXISTS;
            }
            if (u.flags == 0) {
                // Pairs with releaseTask: either the reaper sees non-zero flags, or we see DEAD.
                u.flags = Bits.REAP;
                if (u.task.state() == dev.utrace.api.task.TaskState.DEAD) {
                    u.flags = 0;
                    return Outcome.GONE;
                }
            }
            u.addAttaching(e);
            e.get(); // the attached reference (R-REF-1)
            return Outcome.DONE;
        } finally {
            u.lock.unlock();
        }
    }

    private UtraceTask utraceFor(TracedTask t) {
        Object current = t.utraceSlot(); // read once: another first attach may install the record meanwhile
        if (current instanceof UtraceTask u) return u;
        if (current != null) {
            throw new IllegalStateException("task " + t.tid() + " carries state of another utrace core: " + current);
        }
        UtraceTask fresh = new UtraceTask(this, t);
        if (t.casUtraceSlot(null, fresh)) return fresh;
        current = t.utraceSlot(); // the other first attach won: use its record (R-DATA-3)
        if (current instanceof UtraceTask u) return u;
        throw new IllegalStateException("task " + t.tid() + " carries state of another utrace core: " + current);
    }

    // ---- set_events ---------------------------------------------------------------------

    Outcome setEvents(Task task, Engine engine, long events) {
        UtraceEngine e = engine(task, engine);
        events &= ~Bits.ENGINE_STOP; // R-SET-1
        if ((events & ~Event.ALL) != 0) {
            throw new IllegalArgumentException("unknown event bits 0x" + Long.toHexString(events & ~Event.ALL)
                    + "; build masks with Event.mask(...)");
        }
        UtraceTask u = e.task;
        Outcome locked = lockFor(e);
        if (locked != null) return locked;
        try {
            long old = e.flags & ~Bits.PRIVATE;
            boolean exited = u.task.state().hasExited();
            if (((old & ~events) & Bits.DEATH_EVENTS) != 0 && u.death) return Outcome.ALREADY;
            if (((events & ~old) & Bits.DEATH_EVENTS) != 0 && exited) return Outcome.ALREADY;
            e.flags = events | (e.flags & Bits.PRIVATE);
            if ((events & ~old & Event.SYSCALL) != 0) u.widenSyscalls(e); // narrowed by a reset, as the flags
            long add = events;
            if (exited && (u.flags & Bits.DEATH_EVENTS) == 0) {
                // The death report is over and the flags were narrowed to REAP: putting DEATH or
                // QUIESCE back would tell the reaper a death report is still coming, and nobody
                // would tear down (section 10.1: once dead, only REAP is ever installed).
                add &= Bits.REAP;
            }
            u.flags |= add; // never narrowed here (R-SET-4)
            if ((events & ~old & Bits.QUIESCE) != 0 && u.stopped) {
                // OQ-5 made explicit: a newly wanted quiesce report comes when the task resumes.
                u.requestResume(ResumeAction.REPORT);
            }
            if ((old & ~events) != 0 && !u.isCurrent() && !u.stopped && !exited && u.reporting == e) {
                return Outcome.IN_PROGRESS; // R-SET-5
            }
            return Outcome.DONE;
        } finally {
            u.lock.unlock();
        }
    }

    // ---- syscall sets ---------------------------------------------------------------------

    /**
     * The engine's syscall set: written before the flags bit that makes passes look at it, the
     * unions recomputed at once (so the machine learns of a narrowing too); IN_PROGRESS as
     * R-SET-5 when syscalls were removed while a callback of the engine may run.
     */
    Outcome setSyscalls(Task task, Engine engine, SyscallSet syscalls) {
        Objects.requireNonNull(syscalls, "syscalls (SyscallSet.ALL for every syscall)");
        UtraceEngine e = engine(task, engine);
        UtraceTask u = e.task;
        Outcome locked = lockFor(e);
        if (locked != null) return locked;
        try {
            SyscallSet old = e.syscalls;
            e.syscalls = syscalls;
            if (syscalls.isAll()) {
                e.flags &= ~Bits.SYSCALL_FILTER;
            } else {
                e.flags |= Bits.SYSCALL_FILTER;
                u.flags |= Bits.SYSCALL_FILTER; // cleared by a reset once no engine has a set
            }
            u.recomputeSyscalls();
            if (!syscalls.containsAll(old) && !u.isCurrent() && !u.stopped && !u.task.state().hasExited()
                    && u.reporting == e) {
                return Outcome.IN_PROGRESS;
            }
            return Outcome.DONE;
        } finally {
            u.lock.unlock();
        }
    }

    // ---- control ------------------------------------------------------------------------

    Outcome control(Task task, Engine engine, ResumeAction action) {
        Objects.requireNonNull(action, "action");
        UtraceEngine e = engine(task, engine);
        if (action.ordinal() >= ResumeAction.REPORT.ordinal() && action.ordinal() < ResumeAction.RESUME.ordinal()
                && (e.flags & Bits.QUIESCE) == 0) {
            Callbacks.LOG.log(Level.WARNING, "control(" + action + ") needs QUIESCE in the events of " + e);
            return Outcome.INVALID; // check 2 comes before the detached check (OQ-10)
        }
        UtraceTask u = e.task;
        Outcome locked = lockFor(e);
        if (locked != null) return locked;
        boolean reset = u.stopped;
        Outcome ret = Outcome.DONE;
        if (u.task.state().hasExited()) { // R-CTL-3
            if (action != ResumeAction.DETACH || u.reap) {
                u.lock.unlock();
                return Outcome.GONE;
            }
            if (u.death) {
                u.lock.unlock();
                return Outcome.ALREADY;
            }
            reset = true;
        }
        switch (action) {
            case STOP -> {
                u.markWantsStop(e);
                if (!reset && !u.doStop()) ret = Outcome.IN_PROGRESS;
                reset = false;
            }
            case DETACH -> {
                if ((e.flags & Bits.ENGINE_STOP) != 0) u.flags &= ~Bits.ENGINE_STOP; // a stop re-derives it
                u.markDetached(e);
                reset = reset || u.doStop();
                if (!reset && u.reporting == e) ret = Outcome.IN_PROGRESS;
            }
            case RESUME -> u.clearWantsStop(e);
            case REPORT, SINGLESTEP, BLOCKSTEP -> {
                ResumeAction a = action;
                if (a == ResumeAction.BLOCKSTEP && !canBlockStep()) {
                    Callbacks.LOG.log(Level.WARNING, "BLOCKSTEP without block-step support; single-stepping " + e);
                    a = ResumeAction.SINGLESTEP;
                }
                if (a == ResumeAction.SINGLESTEP && !canSingleStep()) {
                    Callbacks.LOG.log(Level.WARNING, "SINGLESTEP on a machine that cannot step, for " + e);
                    reset = false;
                    ret = Outcome.NOT_SUPPORTED;
                } else {
                    u.clearWantsStop(e);
                    u.requestResume(a);
                }
            }
            case INTERRUPT -> {
                u.clearWantsStop(e);
                if (u.resume != ResumeAction.INTERRUPT) {
                    u.resume = ResumeAction.INTERRUPT;
                    u.task.requestSignalCheck();
                    if (!reset) u.task.signalWakeUp(); // break an interruptible wait
                }
            }
        }
        if (reset) {
            u.resetAndUnlock();
        } else {
            u.lock.unlock();
        }
        return ret;
    }

    /**
     * {@code get_utrace_lock}: returns with the task's lock held and null, or without it and
     * the outcome for an engine that is detached or whose task is being reaped.
     */
    private static Outcome lockFor(UtraceEngine e) {
        if (!e.isAttachedOps()) return Outcome.GONE;
        UtraceTask u = e.task;
        u.lock.lock();
        if (u.reap || !e.isAttachedOps()) {
            u.lock.unlock();
            return Outcome.GONE;
        }
        return null;
    }

    // ---- barrier and examine -----------------------------------------------------------

    Outcome barrier(Task task, Engine engine) {
        UtraceEngine e = engine(task, engine);
        UtraceTask u = e.task;
        if (u.isCurrent()) return Outcome.DONE; // R-BAR-1
        Backoff backoff = new Backoff();
        for (;;) {
            EngineOps ops = e.ops;
            if (ops == null) return Outcome.GONE;
            u.lock.lock();
            if (u.reap || e.ops == null) {
                u.lock.unlock();
                return Outcome.GONE;
            }
            UtraceEngine reporting = u.reporting;
            if (reporting != e && e.ops != DetachedOps.INSTANCE) {
                u.lock.unlock();
                return Outcome.DONE;
            }
            if (e.ops == DetachedOps.INSTANCE && !u.death && (reporting == null || reporting.isAttachedOps())) {
                // Marked detached, and no callback of a detached engine runs: finish the detach
                // here rather than wait for the task's next report point, which a job-control
                // stop or a blocking syscall may put off indefinitely (a DETACH that landed just
                // after a callback's own check answered IN_PROGRESS, and that pass did not see
                // it). The reset unlinks every detached engine of the task, so none may be in a
                // callback (reporting is set before a callback reads its ops, R-CTL-4); the
                // lists are copy-on-write, so a pass running meanwhile is unaffected. The death
                // report finishes its own detaches. Never DONE after DETACH (R-BAR-5).
                u.resetAndUnlock();
                return Outcome.GONE;
            }
            u.lock.unlock();
            // A callback is running, or the death report is.
            if (Thread.currentThread().isInterrupted()) return Outcome.INTERRUPTED;
            backoff.pause();
        }
    }

    Outcome prepareExamine(Task task, Engine engine, Examination exam) {
        Objects.requireNonNull(exam, "exam");
        UtraceEngine e = engine(task, engine);
        UtraceTask u = e.task;
        if (u.isCurrent()) return Outcome.DONE;
        if ((e.flags & Bits.ENGINE_STOP) == 0) return Outcome.INVALID;
        if (u.task.state().hasExited()) return Outcome.GONE;
        if (!u.stopped) return Outcome.AGAIN;
        exam.stopGeneration = u.stopGeneration;
        return u.stopped ? Outcome.DONE : Outcome.AGAIN;
    }

    Outcome finishExamine(Task task, Engine engine, Examination exam) {
        Objects.requireNonNull(exam, "exam");
        UtraceEngine e = engine(task, engine);
        UtraceTask u = e.task;
        if (u.isCurrent()) return Outcome.DONE;
        if ((e.flags & Bits.ENGINE_STOP) == 0) return Outcome.INVALID;
        if (!u.stopped || u.stopGeneration != exam.stopGeneration) return Outcome.AGAIN;
        return Outcome.DONE;
    }

    List<EngineInfo> engines(Task task) {
        UtraceTask u = utraceOf(traced(task));
        if (u == null) return List.of();
        u.lock.lock();
        try {
            List<EngineInfo> out = new ArrayList<>();
            for (UtraceEngine e : u.allEngines()) out.add(e.info());
            return out;
        } finally {
            u.lock.unlock();
        }
    }

    // ---- revocation (the owning bundle goes away) --------------------------------------

    /** Revokes every engine of {@code owner}; see {@link Revocation}. */
    int revoke(Owner owner) {
        return Revocation.revoke(owner);
    }

    // ---- argument checks ----------------------------------------------------------------

    static TracedTask traced(Task task) {
        Objects.requireNonNull(task, "task");
        if (task instanceof TracedTask t) return t;
        throw new IllegalArgumentException("not a machine task: " + task + " (" + task.getClass().getName() + ")");
    }

    private UtraceEngine engine(Task task, Engine engine) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(task, "task");
        if (!(engine instanceof UtraceEngine e) || e.task.core != this) {
            throw new IllegalArgumentException("not an engine of this utrace core: " + engine);
        }
        // R-REF-8: a detached engine answers GONE whatever task pointer comes with it.
        if (e.isAttachedOps() && task instanceof TracedTask t && t.utraceSlot() != e.task) {
            throw new IllegalArgumentException(e + " is not attached to task " + t.tid());
        }
        return e;
    }
}
