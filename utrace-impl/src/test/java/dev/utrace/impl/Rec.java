package dev.utrace.impl;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.Task;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntBinaryOperator;

/**
 * A recording engine: logs every callback as "name.callback(detail)" into a shared log and
 * answers with configurable actions (RESUME by default). It does not override reportSignal,
 * so the signal path falls back to its quiesce (see {@link SigRec}).
 */
class Rec implements EngineOps {
    final String name;
    final List<String> log;
    final AtomicInteger releases = new AtomicInteger();
    volatile Object releasedData;
    volatile Thread releaseThread;

    volatile Function<Event, ResumeAction> quiesce = e -> ResumeAction.RESUME;
    volatile ResumeAction onExec = ResumeAction.RESUME;
    volatile ResumeAction onClone = ResumeAction.RESUME;
    volatile ResumeAction onExit = ResumeAction.RESUME;
    volatile ResumeAction onSyscallExit = ResumeAction.RESUME;
    volatile ResumeAction onJctl = ResumeAction.RESUME;
    volatile Function<Engine, ResumeAction> onDeath = e -> ResumeAction.RESUME;
    /** (action received, engine index unused) -> return value. */
    volatile IntBinaryOperator onSyscallEntry = (action, unused) -> (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
    /** Runs inside every callback before it answers: (callback name, engine) -> nothing; for races and re-entry. */
    volatile BiFunction<String, Engine, Void> during = (c, e) -> null;

    Rec(String name, List<String> log) {
        this.name = name;
        this.log = log;
    }

    void record(String what, Engine e) {
        log.add(name + "." + what);
        during.apply(what, e);
    }

    @Override
    public ResumeAction reportQuiesce(ResumeAction action, Engine engine, Task task, Event event) {
        record("quiesce(" + (event == null ? "0" : event.name()) + ")", engine);
        return quiesce.apply(event);
    }

    @Override
    public ResumeAction reportClone(ResumeAction action, Engine engine, Task parent, long cloneFlags, Task child) {
        record("clone", engine);
        return onClone;
    }

    @Override
    public ResumeAction reportJctl(ResumeAction action, Engine engine, Task task, int type, int notify) {
        record("jctl(" + type + ")", engine);
        return onJctl;
    }

    @Override
    public ResumeAction reportExec(ResumeAction action, Engine engine, Task task, String format, ExecInfo exec) {
        record("exec", engine);
        return onExec;
    }

    @Override
    public int reportSyscallEntry(int action, Engine engine, Task task) {
        record("syscallEntry", engine);
        return onSyscallEntry.applyAsInt(action, 0);
    }

    @Override
    public ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task task) {
        record("syscallExit", engine);
        return onSyscallExit;
    }

    @Override
    public ResumeAction reportExit(ResumeAction action, Engine engine, Task task, long origCode, ExitCode code) {
        record("exit", engine);
        return onExit;
    }

    @Override
    public ResumeAction reportDeath(Engine engine, Task task, boolean groupDead, int signal) {
        record("death", engine);
        return onDeath.apply(engine);
    }

    @Override
    public void reportReap(Engine engine, Task task) {
        record("reap", engine);
    }

    @Override
    public void release(Object data) {
        releasedData = data;
        releaseThread = Thread.currentThread();
        releases.incrementAndGet();
        log.add(name + ".release");
    }
}
