package dev.utrace.impl;

import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.TaskState;
import dev.utrace.spi.StepMode;
import dev.utrace.spi.TracedTask;

/**
 * A view of a {@link FakeTask} that forwards everything to it; a test overrides one method to
 * run another thread's step at an exact point of the core's code (a deterministic interleaving).
 */
class DelegatingTask implements TracedTask {
    final FakeTask task;

    DelegatingTask(FakeTask task) {
        this.task = task;
    }

    @Override public Object utraceSlot() { return task.utraceSlot(); }
    @Override public boolean casUtraceSlot(Object expected, Object value) { return task.casUtraceSlot(expected, value); }
    @Override public int tid() { return task.tid(); }
    @Override public int tgid() { return task.tgid(); }
    @Override public TaskState state() { return task.state(); }
    @Override public String comm() { return task.comm(); }
    @Override public boolean isKernelThread() { return task.isKernelThread(); }
    @Override public long register(Reg reg) { return task.register(reg); }
    @Override public void setRegister(Reg reg, long value) { task.setRegister(reg, value); }
    @Override public long readMemory(long address, int length) { return task.readMemory(address, length); }
    @Override public void writeMemory(long address, int length, long value) { task.writeMemory(address, length, value); }
    @Override public boolean fatalSignalPending() { return task.fatalSignalPending(); }
    @Override public boolean isJobControlStopped() { return task.isJobControlStopped(); }
    @Override public void requestNotifyResume() { task.requestNotifyResume(); }
    @Override public void requestSignalCheck() { task.requestSignalCheck(); }
    @Override public void signalWakeUp() { task.signalWakeUp(); }
    @Override public void setUtraceStopped(boolean stopped) { task.setUtraceStopped(stopped); }
    @Override public void setStepping(StepMode mode) { task.setStepping(mode); }
    @Override public int dequeueSignal(SignalInfo into) { return task.dequeueSignal(into); }
    @Override public SigAction signalDisposition(int signo) { return task.signalDisposition(signo); }
    @Override public void requeueSignal(SignalInfo info) { task.requeueSignal(info); }
    @Override public boolean groupStopPending() { return task.groupStopPending(); }

    @Override
    public String toString() {
        return "view of " + task;
    }
}
