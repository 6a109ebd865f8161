package dev.utrace.sim.internal;

import dev.utrace.api.proc.TraceLink;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.TaskState;
import dev.utrace.spi.StepMode;
import dev.utrace.spi.TracedTask;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/**
 * One simulated thread ({@code task_struct}); runs on its own virtual thread.
 *
 * <p><b>Who guards what.</b>
 * <ul>
 * <li>{@link Kernel#lock} guards {@link #blocked}, {@link #pending}, {@link #jobctlStopPending}, {@link #enteringStop},
 *     {@link #groupNext}/{@link #groupPrev}, {@link #exitCode}, {@link #traceLink}; and every write of {@link #fatal},
 *     {@link #inJobctlStop} and {@link #tid}, which are volatile so that lock-free readers (the
 *     core, wait loops) see them.
 * <li>Only the task's own thread touches {@link #regs}, {@link #frames},
 *     {@link #stackTop} and {@link #syscallJustReturned} while it runs; other threads may use the
 *     registers only while the core holds it utrace-stopped, and the volatile write of
 *     {@link #utraceStopped} (by the core, around its stop) orders those accesses.
 * <li>{@link #debug}'s slots change from any thread under {@link Kernel#lock}; see {@link DebugRegisters}.
 * <li>{@link #state}, {@link #work}, {@link #slot} and {@link #stepMode} are volatile; {@link #work}
 *     and {@link #slot} change by CAS.
 * </ul>
 * A task waits by parking ({@link #waitFor}); whoever changes what it waits for does so first,
 * then unparks it, so a wake-up is never lost, and every wait loop re-checks its condition.
 */
final class SimTask implements TracedTask {
    /** {@link #work} bit: go through signal delivery before user mode ({@code TIF_SIGPENDING}). */
    static final int W_SIGPENDING = 1;
    /** {@link #work} bit: call the resume hook before user mode ({@code TIF_NOTIFY_RESUME}). */
    static final int W_NOTIFY_RESUME = 2;
    private static final VarHandle SLOT;
    private static final VarHandle WORK;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SLOT = l.findVarHandle(SimTask.class, "slot", Object.class);
            WORK = l.findVarHandle(SimTask.class, "work", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How a {@link #waitFor} ended. */
    enum Wake { DONE, SIGNAL, KILLED, TIMEOUT }

    final Kernel kernel;
    final Proc proc;
    final boolean kernelThread;
    private volatile int tid;
    private volatile TaskState state = TaskState.RUNNING;
    private volatile boolean utraceStopped;
    private volatile int work;
    private volatile Object slot;
    private volatile StepMode stepMode = StepMode.NONE;
    volatile boolean fatal;
    volatile boolean inJobctlStop;
    /** Set in a vfork child until it execs or exits; its parent waits for null. */
    volatile SimTask vforkParent;
    Thread thread;

    final long[] regs = new long[Reg.DR0.ordinal()];
    /** Debug slots and DR6; its own comment says which lock guards what (slots can change from any thread). */
    final DebugRegisters debug = new DebugRegisters();
    ArrayDeque<long[]> frames;
    long stackTop;
    boolean syscallJustReturned;

    long blocked;
    SigQueue pending;
    boolean jobctlStopPending;
    /**
     * Counted in the group stop and telling the core (JCTL), not yet stopped: a SIGCONT clears
     * it, and then the thread does not stop (see {@link SignalDelivery#doSignalStop}).
     */
    boolean enteringStop;
    SimTask groupNext;
    SimTask groupPrev;
    long exitCode;
    /** The tracer link holding this task's death, or null ({@link TraceLinks}). */
    TraceLink traceLink;

    SimTask(Kernel kernel, Proc proc, int tid, boolean kernelThread) {
        this.kernel = kernel;
        this.proc = proc;
        this.tid = tid;
        this.kernelThread = kernelThread;
    }

    // ---- Task ----

    @Override
    public int tid() {
        return tid;
    }

    void setTid(int tid) {
        this.tid = tid;
    }

    @Override
    public int tgid() {
        return proc.tgid;
    }

    @Override
    public TaskState state() {
        TaskState s = state;
        return utraceStopped && !s.hasExited() ? TaskState.TRACED : s;
    }

    /** The machine's own state, without the TRACED overlay. */
    TaskState rawState() {
        return state;
    }

    void setState(TaskState s) {
        state = s;
    }

    @Override
    public String comm() {
        return proc.comm;
    }

    @Override
    public boolean isKernelThread() {
        return kernelThread;
    }

    @Override
    public long register(Reg reg) {
        checkAccess("reading " + reg);
        if (reg.isDebug()) return debug.read(reg);
        return regs[reg.ordinal()];
    }

    @Override
    public void setRegister(Reg reg, long value) {
        checkAccess("writing " + reg);
        if (reg.isDebug()) {
            debug.write(reg, value); // DR6 only: DR0-DR3 and DR7 belong to the owners of the slots (HwSlots)
        } else {
            regs[reg.ordinal()] = value;
        }
    }

    @Override
    public long readMemory(long address, int length) {
        checkLength(length);
        checkAccess("reading memory");
        return proc.mm.read(address, length);
    }

    /** Page by page from the address space, nothing read twice (see {@link AddressSpace#read(long, byte[], int, int)}). */
    @Override
    public int readMemory(long address, byte[] into, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, into.length);
        checkAccess("reading memory");
        return proc.mm.read(address, into, offset, length);
    }

    @Override
    public void writeMemory(long address, int length, long value) {
        checkLength(length);
        checkAccess("writing memory");
        proc.mm.write(address, length, value);
    }

    private static void checkLength(int length) {
        if (length != 1 && length != 2 && length != 4 && length != 8) {
            throw new IllegalArgumentException("bad access length " + length + "; use 1, 2, 4 or 8");
        }
    }

    private void checkAccess(String what) {
        if (Thread.currentThread() == thread || utraceStopped) return;
        throw new IllegalStateException(what + " of task " + tid + " (" + state() + ") is not allowed now: do it on the"
                + " task's own thread (in its callbacks) or while an engine holds it stopped (R-EXAM-3)");
    }

    // ---- TracedTask ----

    @Override
    public Object utraceSlot() {
        return slot;
    }

    @Override
    public boolean casUtraceSlot(Object expected, Object value) {
        return SLOT.compareAndSet(this, expected, value);
    }

    @Override
    public boolean fatalSignalPending() {
        return fatal;
    }

    @Override
    public boolean isJobControlStopped() {
        return inJobctlStop;
    }

    @Override
    public void requestNotifyResume() {
        setWork(W_NOTIFY_RESUME);
    }

    @Override
    public void requestSignalCheck() {
        setWork(W_SIGPENDING);
    }

    @Override
    public void signalWakeUp() {
        setWork(W_SIGPENDING);
        wake();
    }

    @Override
    public void setUtraceStopped(boolean stopped) {
        utraceStopped = stopped;
        if (!stopped && kernel.holdsStops) wake(); // the task waits in the machine (Kernel.awaitRelease)
    }

    @Override
    public boolean stopsWithoutParking() {
        return kernel.holdsStops;
    }

    boolean isUtraceStopped() {
        return utraceStopped;
    }

    @Override
    public void setStepping(StepMode mode) {
        stepMode = mode == null ? StepMode.NONE : mode;
        // Called on the task's thread or while it is held stopped, so the registers are ours to change.
        long flags = regs[Reg.EFLAGS.ordinal()];
        regs[Reg.EFLAGS.ordinal()] = stepMode != StepMode.NONE ? flags | Reg.EFLAGS_TF : flags & ~Reg.EFLAGS_TF;
    }

    StepMode stepMode() {
        return stepMode;
    }

    @Override
    public int dequeueSignal(SignalInfo into) {
        return kernel.signals.dequeue(this, into);
    }

    @Override
    public SigAction signalDisposition(int signo) {
        return kernel.signals.disposition(this, signo);
    }

    @Override
    public void requeueSignal(SignalInfo info) {
        kernel.signals.requeue(this, info);
    }

    @Override
    public boolean groupStopPending() {
        kernel.lock.lock();
        try {
            return jobctlStopPending;
        } finally {
            kernel.lock.unlock();
        }
    }

    // ---- machine internals ----

    int work() {
        return work;
    }

    void setWork(int bits) {
        WORK.getAndBitwiseOr(this, bits);
    }

    void clearWork(int bits) {
        WORK.getAndBitwiseAnd(this, ~bits);
    }

    SigQueue pending() {
        if (pending == null) pending = new SigQueue();
        return pending;
    }

    /** Unparks the task's thread (a no-op before it starts); it re-checks what it waits for. */
    void wake() {
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    /**
     * Parks the calling task (which must be this one) until {@code done} holds, showing
     * {@code shown} as its state meanwhile. SIGKILL always ends the wait; a pending signal ends
     * it when {@code interruptible}; {@code deadline} (a {@link System#nanoTime} value, or 0 for
     * none) ends it with {@link Wake#TIMEOUT}.
     */
    Wake waitFor(BooleanSupplier done, boolean interruptible, long deadline, TaskState shown) {
        TaskState before = state;
        state = shown;
        try {
            while (true) {
                if (done.getAsBoolean()) return Wake.DONE;
                if (fatal) return Wake.KILLED;
                if (interruptible && (work & W_SIGPENDING) != 0) return Wake.SIGNAL;
                if (deadline == 0) {
                    LockSupport.park(this);
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) return Wake.TIMEOUT;
                    LockSupport.parkNanos(this, left);
                }
            }
        } finally {
            if (state == shown) state = before;
        }
    }

    @Override
    public String toString() {
        return "task " + tid + " (" + proc.comm + ", " + state() + ")";
    }
}
