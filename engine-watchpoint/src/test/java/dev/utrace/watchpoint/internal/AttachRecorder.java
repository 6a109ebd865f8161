package dev.utrace.watchpoint.internal;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineInfo;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Examination;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.Utrace;
import dev.utrace.api.task.Task;
import java.util.List;
import java.util.function.Consumer;

/**
 * The core as the watchpoint engine sees it, telling a test of every {@link TaskWatch} an engine
 * was created for, so that the test can check each is released once (the engine needs no hook).
 */
final class AttachRecorder implements Utrace {
    private final Utrace core;
    private final Consumer<TaskWatch> created;

    AttachRecorder(Utrace core, Consumer<TaskWatch> created) {
        this.core = core;
        this.created = created;
    }

    @Override
    public AttachResult attach(Task task, int flags, EngineOps ops, Object data) {
        AttachResult r = core.attach(task, flags, ops, data);
        if (r.ok() && (flags & AttachFlags.CREATE) != 0 && data instanceof TaskWatch tw) created.accept(tw);
        return r;
    }

    @Override
    public AttachResult attach(int pid, int flags, EngineOps ops, Object data) {
        Task t = core.task(pid);
        return t == null ? AttachResult.failed(Outcome.GONE) : attach(t, flags, ops, data);
    }

    @Override
    public Task task(int tid) {
        return core.task(tid);
    }

    @Override
    public Outcome setEvents(Task task, Engine engine, long events) {
        return core.setEvents(task, engine, events);
    }

    @Override
    public Outcome setEvents(int pid, Engine engine, long events) {
        return core.setEvents(pid, engine, events);
    }

    @Override
    public Outcome setSyscalls(Task task, Engine engine, dev.utrace.api.SyscallSet syscalls) {
        return core.setSyscalls(task, engine, syscalls);
    }

    @Override
    public Outcome setSyscalls(int pid, Engine engine, dev.utrace.api.SyscallSet syscalls) {
        return core.setSyscalls(pid, engine, syscalls);
    }

    @Override
    public Outcome control(Task task, Engine engine, ResumeAction action) {
        return core.control(task, engine, action);
    }

    @Override
    public Outcome control(int pid, Engine engine, ResumeAction action) {
        return core.control(pid, engine, action);
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
}
