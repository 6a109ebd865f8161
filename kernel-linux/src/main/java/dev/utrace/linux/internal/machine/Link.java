package dev.utrace.linux.internal.machine;

import dev.utrace.api.proc.TraceLink;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;

/**
 * A tracer's hold on a real thread's death ({@code __ptrace_link}): while linked, the machine
 * keeps the dead thread as a zombie (its record, its wait status) until {@link #unlink()}, which
 * reaps it on the calling thread. The kernel has reaped the thread already (this machine's tracer
 * thread waited for it); what is kept is what engines see.
 */
final class Link implements TraceLink {
    private final LinuxTask task;

    Link(LinuxTask task) {
        this.task = task;
    }

    @Override
    public Task tracee() {
        return task;
    }

    @Override
    public boolean linked() {
        synchronized (task.lock) {
            return task.link == this;
        }
    }

    @Override
    public int exitStatus() {
        return task.exitStatus;
    }

    @Override
    public boolean unlink() {
        boolean reap;
        synchronized (task.lock) {
            if (task.link != this) return false;
            task.link = null;
            reap = task.deathDone && task.rawState() == TaskState.ZOMBIE;
            if (reap) task.setState(TaskState.DEAD);
        }
        if (reap) task.machine.release(task);
        return reap;
    }

    @Override
    public String toString() {
        return "trace link of " + task;
    }
}
