package dev.utrace.bench.core;

import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.TaskState;
import dev.utrace.spi.StepMode;
import dev.utrace.spi.TracedTask;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The smallest machine task the core can drive: a utrace slot, a state, registers, and no-op
 * answers for the rest (no signals are ever queued). Shaped like the core tests' FakeTask.
 */
final class BenchTask implements TracedTask {
    private static final VarHandle SLOT;

    static {
        try {
            SLOT = MethodHandles.lookup().findVarHandle(BenchTask.class, "slot", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final SigAction DEFAULT = new SigAction();

    final int tid;
    volatile TaskState state = TaskState.RUNNING;
    volatile boolean notifyResume;
    @SuppressWarnings("unused") // through SLOT
    private volatile Object slot;
    private final long[] regs = new long[Reg.values().length];

    BenchTask(int tid) {
        this.tid = tid;
    }

    @Override public int tid() { return tid; }
    @Override public int tgid() { return tid; }
    @Override public TaskState state() { return state; }
    @Override public String comm() { return "bench" + tid; }
    @Override public boolean isKernelThread() { return false; }
    @Override public long register(Reg reg) { return regs[reg.ordinal()]; }
    @Override public void setRegister(Reg reg, long value) { regs[reg.ordinal()] = value; }
    @Override public long readMemory(long address, int length) { return 0; }
    @Override public void writeMemory(long address, int length, long value) { }
    @Override public Object utraceSlot() { return slot; }
    @Override public boolean casUtraceSlot(Object expected, Object value) { return SLOT.compareAndSet(this, expected, value); }
    @Override public boolean fatalSignalPending() { return false; }
    @Override public boolean isJobControlStopped() { return false; }
    @Override public void requestNotifyResume() { notifyResume = true; }
    @Override public void requestSignalCheck() { }
    @Override public void signalWakeUp() { }
    @Override public void setUtraceStopped(boolean stopped) { }
    @Override public void setStepping(StepMode mode) { }
    @Override public int dequeueSignal(SignalInfo into) { return 0; }
    @Override public SigAction signalDisposition(int signo) { return DEFAULT; }
    @Override public void requeueSignal(SignalInfo info) { }
    @Override public boolean groupStopPending() { return false; }
}
