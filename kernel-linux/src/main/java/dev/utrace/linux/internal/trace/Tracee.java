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
