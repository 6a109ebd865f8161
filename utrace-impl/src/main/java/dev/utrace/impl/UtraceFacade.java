package dev.utrace.impl;

import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineInfo;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Examination;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallSet;
import dev.utrace.api.Utrace;
import dev.utrace.api.task.Task;
import dev.utrace.spi.TracedTask;
import java.util.List;

/**
 * One owner's view of the core: engines attached through it belong to its owner, and
 * {@link #revoke()} takes them all away. Every using bundle gets one (bundle scope).
 */
public final class UtraceFacade implements Utrace {
    private final Controller core;
    private final Owner owner;

    UtraceFacade(Controller core, Owner owner) {
        this.core = core;
        this.owner = owner;
    }

    @Override
    public Task task(int tid) {
        return core.findTask(tid);
    }

    @Override
    public AttachResult attach(Task task, int flags, EngineOps ops, Object data) {
        return core.attach(owner, task, flags, ops, data);
    }

    @Override
    public AttachResult attach(int pid, int flags, EngineOps ops, Object data) {
        TracedTask t = core.findTask(pid);
        return t == null ? AttachResult.failed(Outcome.GONE) : core.attach(owner, t, flags, ops, data);
    }

    @Override
    public Outcome setEvents(Task task, Engine engine, long events) {
        return core.setEvents(task, engine, events);
    }

    @Override
    public Outcome setEvents(int pid, Engine engine, long events) {
        TracedTask t = core.findTask(pid);
        return t == null ? Outcome.GONE : core.setEvents(t, engine, events);
    }

    @Override
    public Outcome setSyscalls(Task task, Engine engine, SyscallSet syscalls) {
        return core.setSyscalls(task, engine, syscalls);
    }

    @Override
    public Outcome setSyscalls(int pid, Engine engine, SyscallSet syscalls) {
        TracedTask t = core.findTask(pid);
        return t == null ? Outcome.GONE : core.setSyscalls(t, engine, syscalls);
    }

    @Override
    public Outcome control(Task task, Engine engine, ResumeAction action) {
        return core.control(task, engine, action);
    }

    @Override
    public Outcome control(int pid, Engine engine, ResumeAction action) {
        TracedTask t = core.findTask(pid);
        return t == null ? Outcome.GONE : core.control(t, engine, action);
    }

    @Override
    public Outcome barrier(Task task, Engine engine) {
        return core.barrier(task, engine);
    }

    @Override
    public Outcome prepareExamine(Task task, Engine engine, Examination exam) {
        return core.prepareExamine(task, engine, exam);
    }

    @Override
    public Outcome finishExamine(Task task, Engine engine, Examination exam) {
        return core.finishExamine(task, engine, exam);
    }

    @Override
    public List<EngineInfo> engines(Task task) {
        return core.engines(task);
    }

    /** Revokes every engine this facade's owner attached (see {@link Revocation}). */
    public int revoke() {
        return core.revoke(owner);
    }

    /** The name of the owner whose engines this facade attaches. */
    public String ownerName() {
        return owner.name();
    }

    /** The number of live engines this owner has; for diagnostics and tests. */
    public int liveEngines() {
        return owner.engineCount();
    }

    @Override
    public String toString() {
        return "Utrace for " + owner.name();
    }
}
