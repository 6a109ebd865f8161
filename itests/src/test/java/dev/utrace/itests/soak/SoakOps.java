package dev.utrace.itests.soak;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.Task;

/**
 * A soak engine's callbacks; all of them hand over to {@link CallbackChaos}. This class does not
 * override {@code reportSignal}, so on the signal path the core calls its {@code reportQuiesce}
 * instead (R-OPS-1); {@link SoakSignalOps} does.
 */
class SoakOps implements EngineOps {
    final CallbackChaos chaos;
    final String label;

    SoakOps(CallbackChaos chaos, String label) {
        this.chaos = chaos;
        this.label = label;
    }

    @Override
    public ResumeAction reportQuiesce(ResumeAction action, Engine engine, Task task, Event event) {
        return chaos.resumeCallback(engine, task, "reportQuiesce(" + event + ")", event == Event.EXIT);
    }

    @Override
    public ResumeAction reportClone(ResumeAction action, Engine engine, Task parent, long cloneFlags, Task child) {
        chaos.maybeAttachToChild(engine, child);
        return chaos.resumeCallback(engine, parent, "reportClone", false);
    }

    @Override
    public ResumeAction reportJctl(ResumeAction action, Engine engine, Task task, int type, int notify) {
        return chaos.resumeCallback(engine, task, "reportJctl(" + type + ", " + notify + ")", false);
    }

    @Override
    public ResumeAction reportExec(ResumeAction action, Engine engine, Task task, String format, ExecInfo exec) {
        return chaos.resumeCallback(engine, task, "reportExec(" + exec.filename() + ")", false);
    }

    @Override
    public int reportSyscallEntry(int action, Engine engine, Task task) {
        return chaos.syscallEntry(engine, task, action);
    }

    @Override
    public ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task task) {
        return chaos.resumeCallback(engine, task, "reportSyscallExit", false);
    }

    @Override
    public ResumeAction reportExit(ResumeAction action, Engine engine, Task task, long origCode, ExitCode code) {
        return chaos.resumeCallback(engine, task, "reportExit", true);
    }

    @Override
    public ResumeAction reportDeath(Engine engine, Task task, boolean groupDead, int signal) {
        return chaos.death(engine, task);
    }

    @Override
    public void reportReap(Engine engine, Task task) {
        chaos.reap(engine, task);
    }

    @Override
    public void release(Object data) {
        chaos.release(data);
    }

    @Override
    public String toString() {
        return label;
    }
}
