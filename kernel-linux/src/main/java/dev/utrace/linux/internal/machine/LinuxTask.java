package dev.utrace.linux.internal.machine;

import dev.utrace.api.SyscallSet;
import dev.utrace.api.proc.TraceLink;
import dev.utrace.api.task.MemoryFault;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.TaskState;
import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.LinuxException;
import dev.utrace.linux.internal.sys.ProcessMemory;
import dev.utrace.linux.internal.trace.Tracee;
import dev.utrace.spi.StepMode;
import dev.utrace.spi.TracedTask;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;

/**
 * One traced Linux thread as the core sees it. Its hooks are run by its {@link TaskRunner} (on
 * the tracer thread, or on a hook thread of its own); the tracer thread owns the ptrace side
 * ({@link #tracee}, {@link #seq}, {@link #held}, {@link #listening}).
 *
 * <p><b>Registers.</b> They are fetched once per ptrace stop into {@link #current}'s record and
 * read and written there: in the task's own callbacks (wherever its hooks run), or while an engine
 * holds it stopped (the tracee then sits in that ptrace stop, or listens in a group stop). A write
 * marks the record dirty and the tracer writes it back before the tracee runs. Outside those
 * there are no registers to read: {@link IllegalStateException}.
 *
 * <p><b>Who guards what.</b> {@link #lock} orders the hooks' answer (the tracee runs
 * again) against the kick of {@link #requestNotifyResume} and friends (a PTRACE_INTERRUPT for a
 * running tracee), so a request is never lost between them; and it guards {@link #phase},
 * {@link #kickSent} and {@link #link}. Register writes and the change of {@link #current}
 * synchronize on {@link #regs} so a write made while a group stop ends is carried over.
 * {@link #state}, {@link #work}, {@link #slot}, {@link #fatal}, {@link #inJobctlStop} and
 * {@link #tid} are volatile: the core reads them without locks.
 */
final class LinuxTask implements TracedTask {
    static final int W_SIGPENDING = 1;
    static final int W_NOTIFY_RESUME = 2;
    private static final VarHandle SLOT;
    private static final VarHandle WORK;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SLOT = l.findVarHandle(LinuxTask.class, "slot", Object.class);
            WORK = l.findVarHandle(LinuxTask.class, "work", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Where the tracee is, as the hook side sees it. */
    enum Phase { NEW, HANDLING, RUNNING, LISTENING, GONE }

    final LinuxMachine machine;
    final LinuxProcess process;
    final TaskRunner runner;
    final DebugState debug = new DebugState();
    /** Its memory reads, through one native buffer made at the first. */
    private final TaskMemory memory = new TaskMemory();
    private volatile int tid;
    private volatile TaskState state = TaskState.RUNNING;
    private volatile boolean utraceStopped;
    private volatile int work;
    private volatile Object slot;
    volatile boolean fatal;
    volatile boolean inJobctlStop;
    volatile StepMode stepMode = StepMode.NONE;
    volatile String comm;
    /** The stop whose registers are this task's now; null while it runs. */
    volatile StopRecord current;
    private final Object regs = new Object();
    /** Completes once the parent's CLONE report returned: a new task runs nothing before (R-EVT-ORD-7). */
    final CompletableFuture<Void> cloneReported = new CompletableFuture<>();
    /** Completes when the death report has returned (the exec'ing thread waits for it before it releases an old leader). */
    final CompletableFuture<Void> deathReported = new CompletableFuture<>();
    /** Created by a traced parent's clone (its first stop reports the syscall's return first). */
    final boolean cloneChild;

    final Object lock = new Object();
    Phase phase = Phase.NEW;
    boolean kickSent;
    TraceLink link;
    /** The death report has returned: a zombie kept for a link is reaped by its unlink from now on. */
    boolean deathDone;
    volatile int exitStatus = -1;

    // ---- tracer thread only ----
    Tracee tracee;
    long seq;
    /** The two stop records reused in turn (hooks on the tracer thread). */
    final StopRecord[] records = {new StopRecord(0, null), new StopRecord(0, null)};
    /** The orig_rax its last syscall entry went on with, or {@code TracerSide.NOT_ENTERED}. */
    long enteredAs = TracerSide.NOT_ENTERED;
    /** The stop being handled on a hook thread, or held by a hook, and not answered yet; null while it runs or listens. */
    StopRecord held;
    /** The group stop it listens in, or null. */
    StopRecord listening;

    // ---- the thread running its hooks only ----
    /** The last syscall entered (its number, and its flags for a clone), for the events inside it. */
    long lastSyscall = -1;
    long cloneFlags;
    String execPath;
    /** It called exit or exit_group, or was handed a fatal signal: its exit is its own, not a kill. */
    boolean exitingOnItsOwn;
    /** A handler's signal was handed over with a single-step: the next stop is the handler's entry. */
    boolean expectHandlerEntry;
    final SignalState signals = new SignalState();
    /** The delivery loop's signal and action, kept across a getSignal that left the task held. */
    final SignalInfo loopInfo = new SignalInfo();
    final SigAction loopAction = new SigAction();

    LinuxTask(LinuxMachine machine, LinuxProcess process, int tid, boolean cloneChild) {
        this.machine = machine;
        this.process = process;
        this.tid = tid;
        this.cloneChild = cloneChild;
        this.runner = new TaskRunner(this);
        if (!cloneChild) cloneReported.complete(null);
        String c = ProcInfo.comm(tid);
        this.comm = c == null ? "?" : c;
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
        return process.pid;
    }

    @Override
    public TaskState state() {
        TaskState s = state;
        return utraceStopped && !s.hasExited() ? TaskState.TRACED : s;
    }

    TaskState rawState() {
        return state;
    }

    void setState(TaskState s) {
        state = s;
    }

    @Override
    public String comm() {
        return comm;
    }

    @Override
    public boolean isKernelThread() {
        return false;
    }

    @Override
    public long register(Reg reg) {
        StopRecord r = checkAccess("reading ", reg);
        if (reg.isDebug()) return debug.read(reg);
        int i = reg.ordinal();
        if (!r.has(i)) machine.loadRegisters(this, r);
        return r.regs[i];
    }

    @Override
    public void setRegister(Reg reg, long value) {
        StopRecord checked = checkAccess("writing ", reg);
        if (reg.isDebug()) {
            debug.write(reg, value); // DR6 only: DR0-DR3 and DR7 belong to the slots' owners
            return;
        }
        // All of them first: PTRACE_SETREGS writes them all. Not under the monitor: another thread waits for the tracer here.
        if (!checked.loaded) machine.loadRegisters(this, checked);
        synchronized (regs) {
            StopRecord r = current;
            if (r == null) throw notNow("writing " + reg);
            if (!r.loaded) throw notNow("writing " + reg); // a new stop came meanwhile (SIGKILL)
            r.regs[reg.ordinal()] = value;
            r.regsDirty = true;
        }
    }

    /** Makes {@code r} the stop whose registers are the task's; a write made to the group stop it follows is carried over. */
    void enterStop(StopRecord r, StopRecord before) {
        synchronized (regs) {
            if (before != null && before.regsDirty && before != r) {
                System.arraycopy(before.regs, 0, r.regs, 0, StopRecord.REGS);
                r.loaded = true;
                r.regsDirty = true;
            }
            current = r;
        }
    }

    /** The task runs again: no registers until its next stop. */
    void leaveStop() {
        synchronized (regs) {
            current = null;
        }
    }

    @Override
    public long readMemory(long address, int length) {
        checkLength(length);
        checkAccess("reading memory", null);
        try {
            return memory.word(tid, address, length);
        } catch (LinuxException e) {
            throw memoryFailure(address, e);
        }
    }

    /** One {@code process_vm_readv} per 4 KiB into the task's reused native buffer (see {@link TaskMemory}). */
    @Override
    public int readMemory(long address, byte[] into, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, into.length);
        checkAccess("reading memory", null);
        if (length == 0) return 0;
        try {
            return memory.read(tid, address, into, offset, length);
        } catch (LinuxException e) {
            throw memoryFailure(address, e);
        }
    }

    @Override
    public void writeMemory(long address, int length, long value) {
        checkLength(length);
        checkAccess("writing memory", null);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(8, 8);
            buf.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, value);
            long n = new ProcessMemory(arena).write(tid, address, buf.asSlice(0, length));
            if (n < length) throw new MemoryFault(address + n, "address 0x" + Long.toHexString(address + n) + " of task " + tid + " is not mapped");
        } catch (LinuxException e) {
            throw memoryFailure(address, e);
        }
    }

    private RuntimeException memoryFailure(long address, LinuxException e) {
        if (e.errno() == Errno.ESRCH) return new IllegalStateException("task " + tid + " is gone; its memory cannot be used");
        return new MemoryFault(address, "address 0x" + Long.toHexString(address) + " of task " + tid + " cannot be used: "
                + e.getMessage());
    }

    private static void checkLength(int length) {
        if (length != 1 && length != 2 && length != 4 && length != 8) {
            throw new IllegalArgumentException("bad access length " + length + "; use 1, 2, 4 or 8");
        }
    }

    /**
     * The stop whose registers may be used now by the calling thread; throws outside a safe point.
     * The message is made only then ({@code what}, and {@code reg} if any): reads are per stop.
     */
    private StopRecord checkAccess(String what, Reg reg) {
        StopRecord r = current;
        if (r != null && (runner.isCurrentThread() || utraceStopped)) return r;
        throw notNow(reg == null ? what : what + reg);
    }

    private IllegalStateException notNow(String what) {
        return new IllegalStateException(what + " of task " + tid + " (" + state() + ") is not allowed now: do it in the"
                + " task's own callbacks or while an engine holds it stopped (R-EXAM-3)");
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
        kick();
    }

    @Override
    public void requestSignalCheck() {
        setWork(W_SIGPENDING);
        kick();
    }

    @Override
    public void signalWakeUp() {
        setWork(W_SIGPENDING);
        kick();
    }

    /**
     * A running tracee is interrupted (PTRACE_INTERRUPT) so it reaches a stop, where its hook
     * thread does the work asked for. One that is being handled does it before it runs again;
     * one in a group stop does it when the stop ends, as a stopped task would.
     */
    private void kick() {
        synchronized (lock) {
            if (phase == Phase.RUNNING && !kickSent) {
                kickSent = true;
                machine.interrupt(this);
            }
        }
    }

    /** With hooks on the tracer thread, the end of a utrace stop calls the held hook again there. */
    @Override
    public void setUtraceStopped(boolean stopped) {
        boolean was = utraceStopped;
        utraceStopped = stopped;
        if (was && !stopped && machine.hooksOnTracer()) machine.released(this);
    }

    @Override
    public boolean stopsWithoutParking() {
        return machine.hooksOnTracer();
    }

    /** The syscalls its engines want now (the core's union); the tracer thread makes the tracee stop at them. */
    private volatile SyscallSet wantedSyscalls = SyscallSet.NONE;

    @Override
    public void syscallsWanted(SyscallSet union) {
        wantedSyscalls = union;
        machine.syscallsWanted(this);
    }

    /** Tracer thread: under a filter, stops at every syscall while they want one outside it. */
    void applyWantedSyscalls() {
        Tracee tr = tracee;
        if (tr != null) tr.wantSyscalls(wantedSyscalls);
    }

    boolean isUtraceStopped() {
        return utraceStopped;
    }

    @Override
    public void setStepping(StepMode mode) {
        stepMode = mode == null ? StepMode.NONE : mode;
    }

    @Override
    public int dequeueSignal(SignalInfo into) {
        return signals.dequeue(this, into);
    }

    @Override
    public SigAction signalDisposition(int signo) {
        return machine.disposition(this, signo);
    }

    @Override
    public void requeueSignal(SignalInfo info) {
        signals.requeue(info);
        setWork(W_SIGPENDING);
    }

    @Override
    public boolean groupStopPending() {
        return false; // the kernel stops the group before it dequeues a signal; no delivery stop comes while one is pending
    }

    // ---- machine internals ----

    int work() {
        return work;
    }

    void clearWork(int bits) {
        WORK.getAndBitwiseAnd(this, ~bits);
    }

    void setWork(int bits) {
        WORK.getAndBitwiseOr(this, bits);
    }

    @Override
    public String toString() {
        return "task " + tid + " (" + comm + ", " + state() + ")";
    }
}
