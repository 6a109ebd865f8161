package dev.utrace.watchpoint.internal;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SignalAction;
import dev.utrace.api.task.CloneFlags;
import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;

/**
 * The callbacks. They own each thread's {@link TaskWatch} (Model A): exec and exit remove the
 * thread's claims and detach (R-HBP-1), the signal report takes the engine's hits and consumes
 * its SIGTRAP, clone covers a new thread of a watched process before it runs (R-HBP-3), and
 * {@code release} frees the data, removing any claim still left (R-HBP-2). None blocks.
 */
final class WatchOps implements EngineOps {
    private final WatchpointsImpl engine;

    WatchOps(WatchpointsImpl engine) {
        this.engine = engine;
    }

    @Override
    public int reportSignal(int action, Engine e, Task task, SignalInfo info, SigAction origKa, SigAction returnKa) {
        int unchanged = (action & SignalAction.MASK) | ResumeAction.RESUME.code();
        if (origKa == null || info == null || info.signo != Signals.SIGTRAP) return unchanged;
        return engine.trapped((TaskWatch) e.data(), task, info, action & SignalAction.MASK);
    }

    @Override
    public ResumeAction reportClone(ResumeAction action, Engine e, Task parent, long cloneFlags, Task child) {
        // A new thread shares the address space: whole-process watches go on it before it runs.
        // A new process (fork) does not: nothing is inherited across clone (R-HBP-3).
        if ((cloneFlags & CloneFlags.CLONE_THREAD) != 0) engine.cloned((TaskWatch) e.data(), child);
        return ResumeAction.RESUME;
    }

    @Override
    public ResumeAction reportExec(ResumeAction action, Engine e, Task task, String format, ExecInfo exec) {
        engine.close((TaskWatch) e.data(), "exec"); // the old image's addresses mean nothing now (R-HBP-1)
        return ResumeAction.DETACH;
    }

    @Override
    public ResumeAction reportExit(ResumeAction action, Engine e, Task task, long origCode, ExitCode code) {
        engine.close((TaskWatch) e.data(), "exit"); // R-HBP-1
        return ResumeAction.DETACH;
    }

    @Override
    public void release(Object data) {
        TaskWatch tw = (TaskWatch) data;
        tw.releases.incrementAndGet();
        engine.released(tw);
    }
}
