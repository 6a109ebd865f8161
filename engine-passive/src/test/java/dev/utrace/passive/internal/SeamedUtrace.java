package dev.utrace.passive.internal;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineInfo;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.Examination;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.Utrace;
import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Task;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A {@link Utrace} between the tracer and the core that lets a test step into the tracer's
 * conversation with the core, so the tracer itself needs no test seams: a hook before each
 * callback reaches the tracer's ops (with the engine's data and the callback's name), after
 * each lookup, and after each {@code control}. Each ops object is wrapped once, so lookups that
 * match ops still match.
 */
final class SeamedUtrace implements Utrace {
    private final Utrace core;
    private final Map<EngineOps, EngineOps> wrapped = new IdentityHashMap<>();
    /** Before a callback reaches the tracer: the engine's data and the callback's name. */
    volatile BiConsumer<Object, String> beforeCallback;
    /** After a lookup (attach without CREATE) that found the engine. */
    volatile Runnable afterLookup;
    /** After a control call, with its action and outcome. */
    volatile BiConsumer<ResumeAction, Outcome> afterControl;

    SeamedUtrace(Utrace core) {
        this.core = core;
    }

    private synchronized EngineOps wrap(EngineOps ops) {
        return ops == null ? null : wrapped.computeIfAbsent(ops, Hooked::new);
    }

    private void before(Engine e, String callback) {
        BiConsumer<Object, String> h = beforeCallback;
        if (h != null) h.accept(e.data(), callback);
    }

    @Override
    public Task task(int tid) {
        return core.task(tid);
    }

    @Override
    public AttachResult attach(Task task, int flags, EngineOps ops, Object data) {
        AttachResult r = core.attach(task, flags, wrap(ops), data);
        Runnable h = afterLookup;
        if (r.ok() && (flags & AttachFlags.CREATE) == 0 && h != null) h.run();
        return r;
    }

    @Override
    public AttachResult attach(int pid, int flags, EngineOps ops, Object data) {
        Task t = core.task(pid);
        return t == null ? AttachResult.failed(Outcome.GONE) : attach(t, flags, ops, data);
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
        Outcome o = core.control(task, engine, action);
        BiConsumer<ResumeAction, Outcome> h = afterControl;
        if (h != null) h.accept(action, o);
        return o;
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

    /** The tracer's ops, with {@link #beforeCallback} before each callback. */
    private final class Hooked implements EngineOps {
        private final EngineOps ops;

        Hooked(EngineOps ops) {
            this.ops = ops;
        }

        @Override
        public ResumeAction reportQuiesce(ResumeAction action, Engine engine, Task task, Event event) {
            return ops.reportQuiesce(action, engine, task, event);
        }

        @Override
        public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa, SigAction returnKa) {
            before(engine, "signal");
            return ops.reportSignal(action, engine, task, info, origKa, returnKa);
        }

        @Override
        public ResumeAction reportClone(ResumeAction action, Engine engine, Task parent, long cloneFlags, Task child) {
            before(engine, "clone");
            return ops.reportClone(action, engine, parent, cloneFlags, child);
        }

        @Override
        public ResumeAction reportJctl(ResumeAction action, Engine engine, Task task, int type, int notify) {
            before(engine, "jctl");
            return ops.reportJctl(action, engine, task, type, notify);
        }

        @Override
        public ResumeAction reportExec(ResumeAction action, Engine engine, Task task, String format, ExecInfo exec) {
            before(engine, "exec");
            return ops.reportExec(action, engine, task, format, exec);
        }

        @Override
        public int reportSyscallEntry(int action, Engine engine, Task task) {
            before(engine, "syscallEntry");
            return ops.reportSyscallEntry(action, engine, task);
        }

        @Override
        public ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task task) {
            before(engine, "syscallExit");
            return ops.reportSyscallExit(action, engine, task);
        }

        @Override
        public ResumeAction reportExit(ResumeAction action, Engine engine, Task task, long origCode, ExitCode code) {
            before(engine, "exit");
            return ops.reportExit(action, engine, task, origCode, code);
        }

        @Override
        public ResumeAction reportDeath(Engine engine, Task task, boolean groupDead, int signal) {
            before(engine, "death");
            return ops.reportDeath(engine, task, groupDead, signal);
        }

        @Override
        public void reportReap(Engine engine, Task task) {
            ops.reportReap(engine, task);
        }

        @Override
        public void release(Object data) {
            ops.release(data);
        }
    }
}
