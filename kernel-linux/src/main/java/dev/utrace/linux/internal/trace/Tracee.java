package dev.utrace.linux.internal.trace;

import dev.utrace.linux.internal.sys.Ptrace;
import dev.utrace.linux.internal.sys.UserRegs;
import java.lang.foreign.MemorySegment;

/**
 * One traced thread. Every method must be called on the tracer thread (in a listener, or in a
 * command given to {@link Tracer#submit}); the kernel answers ptrace requests from any other
 * thread with ESRCH. Registers, signal information and debug registers can be used only while
 * the thread is stopped: during its {@link TraceeListener#onStop} call or while
 * {@link Resume#HOLD held}. A request that finds the thread gone (SIGKILL can end a held thread)
 * throws a {@code LinuxException} with errno ESRCH.
 */
public final class Tracee {

    /** Where the tracer has the thread. Written only on the tracer thread. */
    enum State {
        /** Seized or auto-attached; its first stop has not been seen. */
        NEW,
        RUNNING,
        IN_CALLBACK,
        HELD,
        /** In a group stop, restarted with PTRACE_LISTEN. */
        LISTENING,
        GONE
    }

    final TracerLoop loop;
    int tid;
    final TracedProcess process;
    TraceeListener listener;
    State state = State.NEW;
    /** Before the exec of a spawned program: the wrapper shell, which listeners never see. */
    boolean wrapper;
    /** A PTRACE_INTERRUPT was sent and its stop has not come yet. */
    boolean interruptSent;
    /** Detach at the next stop (or now, if stopped). */
    boolean detaching;
    /** Being killed at tracer close: resumed at every stop without its listener. */
    boolean killing;
    /** The signal a held tracee gets when it goes on (what its stop's listener chose). */
    int heldSignal;
    /** The kind of stop a held tracee is held in. */
    StopKind heldKind;
    /** An attach waiting for this thread's first stop, or null. */
    AttachJob attachJob;

    // ---- syscall stops under a seccomp filter (see restartRequest) ----
    /** Stop at every syscall although the process has a filter: someone wants one outside it. Any thread. */
    private volatile boolean everySyscall;
    /** Between a reported syscall entry and its exit stop: restarted with PTRACE_SYSCALL, to see the exit. */
    boolean awaitingExit;
    /** The previous stop was a reported syscall entry: a second stop of that same entry (ENTRY and SECCOMP) comes next. */
    boolean entryReported;
    /** The ptrace request of the last restart, to go on the same way from a second stop of one entry. */
    int lastRequest = Ptrace.SYSCALL;
    /**
     * Kept attached after its detach or the tracer's close although nobody listens any more: its
     * process runs under a seccomp filter, whose traced syscalls would fail with ENOSYS without a
     * tracer; every stop is answered as the kernel would without one, until it ends.
     */
    boolean kept;

    Tracee(TracerLoop loop, int tid, TracedProcess process, TraceeListener listener) {
        this.loop = loop;
        this.tid = tid;
        this.process = process;
        this.listener = listener;
    }

    /** The thread id (the kernel's tid). A non-leader thread that execs takes its process's pid. */
    public int tid() {
        return tid;
    }

    /** The process (thread group) id. */
    public int pid() {
        return process.pid;
    }

    /** The program this tracer started that this thread belongs to, or null for an attached process and its children. */
    public Spawned spawned() {
        return process.spawned;
    }

    public boolean isLeader() {
        return tid == process.pid;
    }

    /** Whether the tracee is held in its stop (its listener returned {@link Resume#HOLD}). */
    public boolean isHeld() {
        loop.checkThread();
        return state == State.HELD;
    }

    /** Sets who receives this tracee's stops from now on. */
    public void listener(TraceeListener listener) {
        loop.checkThread();
        if (listener == null) throw new NullPointerException("listener");
        this.listener = listener;
    }

    /**
     * Lets a held tracee go on.
     *
     * @param signal the signal to deliver (only a tracee held at a signal-delivery stop can get
     *               one), or -1 for what its listener chose at that stop
     * @return true, or false if it is gone (killed while held)
     * @throws IllegalStateException if it is not held
     */
    public boolean resume(Resume how, int signal) {
        loop.checkThread();
        if (state != State.HELD) throw new IllegalStateException("thread " + tid + " is not held (it is " + state + ")");
        if (signal > 0 && heldKind != StopKind.SIGNAL) {
            throw new IllegalStateException("thread " + tid + " is held at " + heldKind
                    + ", not at a signal-delivery stop; a signal cannot be delivered from there");
        }
        if (how == Resume.HOLD) return true;
        return loop.restart(this, how, signal < 0 ? heldSignal : signal);
    }

    /**
     * Makes a running tracee stop ({@code PTRACE_INTERRUPT}); it then reports
     * {@link StopKind#INTERRUPTED}, or first another stop it was already heading for. A stopped
     * tracee is left as it is.
     *
     * @return true, or false if it is gone
     */
    public boolean interrupt() {
        loop.checkThread();
        if (state != State.RUNNING && state != State.LISTENING) return state != State.GONE;
        return loop.interrupt(this);
    }

    /** The syscalls of the seccomp filter its process runs under, or null when it has none. */
    public dev.utrace.api.SyscallSet filter() {
        loop.checkThread();
        return process.filter;
    }

    /** Whether it stops at every syscall: its process has no filter, or someone wants a syscall outside it. */
    public boolean stopsAtEverySyscall() {
        loop.checkThread();
        return process.filter == null || everySyscall;
    }

    /**
     * The syscalls wanted of this thread from now on. Under a filter that leaves some of them
     * out, it stops at every syscall (a filter cannot be widened); back within the filter, only at
     * the filter's again. A running thread that must stop at more is interrupted, so it does from
     * its next syscall on (one it is in the middle of is not seen); a stopped one does from its
     * restart on.
     *
     * @return whether where it stops changed
     */
    public boolean wantSyscalls(dev.utrace.api.SyscallSet wanted) {
        loop.checkThread();
        boolean every = process.filter != null && !process.filter.containsAll(wanted);
        if (every == everySyscall) return false;
        everySyscall = every;
        if (every && state == State.RUNNING) loop.interrupt(this);
        return true;
    }

    /**
     * What a restart that should stop at syscalls asks of the kernel: PTRACE_SYSCALL (stops at
     * every syscall's entry and exit), or PTRACE_CONT under a filter that has all that is wanted
     * (the filter's syscalls stop at their {@code PTRACE_EVENT_SECCOMP} instead, shown as their
     * entry); PTRACE_SYSCALL again after such an entry, to see the exit.
     */
    int syscallRequest() {
        return process.filter == null || everySyscall || awaitingExit || wrapper ? Ptrace.SYSCALL : Ptrace.CONT;
    }

    /** Reads the general registers into {@code regs}. */
    public void getRegs(UserRegs regs) {
        loop.request(this, Ptrace.GETREGS, 0, regs.segment().address());
    }

    /** Writes the general registers from {@code regs}. */
    public void setRegs(UserRegs regs) {
        loop.request(this, Ptrace.SETREGS, 0, regs.segment().address());
    }

    /** A word of {@code struct user} (debug registers: {@code DebugRegs}). */
    public long peekUser(long offset) {
        return loop.peekUser(this, offset);
    }

    /** Writes a word of {@code struct user}; EINVAL for a debug register value the CPU refuses. */
    public void pokeUser(long offset, long value) {
        loop.request(this, Ptrace.POKEUSER, offset, value);
    }

    /** The siginfo of the signal of this stop ({@code SigInfo} reads it). */
    public void getSigInfo(MemorySegment siginfo) {
        loop.request(this, Ptrace.GETSIGINFO, 0, siginfo.address());
    }

    /** Replaces the siginfo of the signal of this stop; delivered with it. */
    public void setSigInfo(MemorySegment siginfo) {
        loop.request(this, Ptrace.SETSIGINFO, 0, siginfo.address());
    }

    /**
     * Reads the tracee's memory at {@code address} into {@code buffer} (the whole buffer, or as
     * much as is mapped). Works while it runs too.
     *
     * @return the number of bytes read, at least 1
     */
    public long readMemory(long address, MemorySegment buffer) {
        loop.checkLive(this);
        return loop.memory().read(tid, address, buffer);
    }

    /** Writes {@code data} at {@code address}, read-only pages included; returns the bytes written, at least 1. */
    public long writeMemory(long address, MemorySegment data) {
        loop.checkLive(this);
        return loop.memory().write(tid, address, data);
    }

    @Override
    public String toString() {
        return "thread " + tid + " of process " + process.pid;
    }
}
