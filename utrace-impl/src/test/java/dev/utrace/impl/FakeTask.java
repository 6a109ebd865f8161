package dev.utrace.impl;

import dev.utrace.api.SyscallSet;
import dev.utrace.api.task.MemoryFault;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.spi.StepMode;
import dev.utrace.spi.TracedTask;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A minimal machine task for the core's rule tests: it records what the core asks of it
 * (notify-resume, signal checks, wake-ups, stepping) and keeps a signal queue and
 * dispositions. {@link Tracee} drives it through the hook points as the kernel would.
 */
final class FakeTask implements TracedTask {
    private static final VarHandle SLOT;

    static {
        try {
            SLOT = MethodHandles.lookup().findVarHandle(FakeTask.class, "slot", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final int tid;
    volatile int tgid;
    final boolean kernelThread;
    volatile TaskState state = TaskState.RUNNING;
    @SuppressWarnings("unused")
    private volatile Object slot;

    volatile boolean fatalPending;
    volatile boolean jobStopped;
    volatile boolean groupStopPending;
    volatile boolean notifyResume;
    volatile boolean signalCheck;
    volatile int signalWakeUps;
    volatile boolean utraceStopped;
    volatile StepMode stepping = StepMode.NONE;

    private final ArrayDeque<SignalInfo> queue = new ArrayDeque<>();
    private final SigAction[] actions = new SigAction[Signals.NSIG + 1];
    private final long[] regs = new long[Reg.values().length];
    private final Map<Long, Long> memory = new HashMap<>();

    FakeTask(int tid) {
        this(tid, false);
    }

    FakeTask(int tid, boolean kernelThread) {
        this.tid = tid;
        this.tgid = tid;
        this.kernelThread = kernelThread;
        for (int i = 1; i <= Signals.NSIG; i++) actions[i] = new SigAction();
    }

    @Override public int tid() { return tid; }
    @Override public int tgid() { return tgid; }
    @Override public TaskState state() { return utraceStopped && state == TaskState.RUNNING ? TaskState.TRACED : state; }
    @Override public String comm() { return "fake" + tid; }
    @Override public boolean isKernelThread() { return kernelThread; }
    @Override public synchronized long register(Reg reg) { return regs[reg.ordinal()]; }
    @Override public synchronized void setRegister(Reg reg, long value) { regs[reg.ordinal()] = value; }

    @Override
    public synchronized long readMemory(long address, int length) {
        Long v = memory.get(address);
        if (v == null) throw new MemoryFault(address, "unmapped 0x" + Long.toHexString(address));
        return v;
    }

    @Override
    public synchronized void writeMemory(long address, int length, long value) {
        memory.put(address, value);
    }

    @Override public Object utraceSlot() { return slot; }
    @Override public boolean casUtraceSlot(Object expected, Object value) { return SLOT.compareAndSet(this, expected, value); }
    @Override public boolean fatalSignalPending() { return fatalPending; }
    @Override public boolean isJobControlStopped() { return jobStopped; }
    @Override public void requestNotifyResume() { notifyResume = true; }
    @Override public void requestSignalCheck() { signalCheck = true; }
    @Override public void signalWakeUp() { signalCheck = true; signalWakeUps++; }
    @Override public void setUtraceStopped(boolean stopped) { utraceStopped = stopped; }
    @Override public void setStepping(StepMode mode) { stepping = mode; }

    /** What the core said the engines want, in order ({@link TracedTask#syscallsWanted}). */
    final java.util.List<SyscallSet> syscallsWanted = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override public void syscallsWanted(SyscallSet union) { syscallsWanted.add(union); }

    @Override
    public synchronized int dequeueSignal(SignalInfo into) {
        SignalInfo s = queue.pollFirst();
        if (s == null) return 0;
        into.copyFrom(s);
        return s.signo;
    }

    @Override public synchronized SigAction signalDisposition(int signo) { return actions[signo]; }
    @Override public synchronized void requeueSignal(SignalInfo info) { queue.addFirst(info.copy()); }
    @Override public boolean groupStopPending() { return groupStopPending; }

    /** Queues a signal (SI_USER) and marks a signal check pending, as send_signal does. */
    synchronized void queueSignal(int signo) {
        queue.addLast(new SignalInfo(signo, Signals.SI_USER));
        signalCheck = true;
    }

    synchronized int queued() {
        return queue.size();
    }

    synchronized void setDisposition(int signo, long handler) {
        actions[signo] = new SigAction(handler, 0, 0);
    }

    @Override
    public String toString() {
        return "FakeTask " + tid;
    }
}
