package dev.utrace.linux.internal.trace;

import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.Signals;

/**
 * One ptrace stop, as a listener sees it. The tracer fills one instance per stop and reuses it,
 * so nothing is allocated per stop: read it during {@link TraceeListener#onStop} only.
 */
public final class Stop {

    private final long[] args = new long[6];
    StopKind kind;
    int signal;
    int deliver;
    long syscall;
    long instructionPointer;
    long stackPointer;
    long returnValue;
    boolean isError;
    long message;
    int formerTid;
    Tracee child;

    void reset(StopKind kind) {
        this.kind = kind;
        signal = 0;
        deliver = 0;
        syscall = -1;
        instructionPointer = 0;
        stackPointer = 0;
        returnValue = 0;
        isError = false;
        message = 0;
        formerTid = 0;
        child = null;
    }

    long[] argsArray() {
        return args;
    }

    public StopKind kind() {
        return kind;
    }

    /** The signal of a {@link StopKind#SIGNAL} or {@link StopKind#GROUP_STOP} stop, else 0. */
    public int signal() {
        return signal;
    }

    /** The syscall number at {@link StopKind#SYSCALL_ENTRY}, -1 otherwise (the exit stop does not carry it). */
    public long syscall() {
        return syscall;
    }

    /** Syscall argument {@code i} (0-5) at {@link StopKind#SYSCALL_ENTRY}. */
    public long arg(int i) {
        return args[i];
    }

    /** At a syscall stop: the instruction pointer (after the syscall instruction), from PTRACE_GET_SYSCALL_INFO. */
    public long instructionPointer() {
        return instructionPointer;
    }

    /** At a syscall stop: the stack pointer, from PTRACE_GET_SYSCALL_INFO. */
    public long stackPointer() {
        return stackPointer;
    }

    /** The syscall's return value at {@link StopKind#SYSCALL_EXIT}: a negated errno when {@link #isError()}. */
    public long returnValue() {
        return returnValue;
    }

    /** Whether the syscall failed (the kernel's own flag, not a guess from the value). */
    public boolean isError() {
        return isError;
    }

    /** {@code PTRACE_GETEVENTMSG} of an event stop: the new tid, the former tid, the exit status, the vfork child. */
    public long message() {
        return message;
    }

    /** At {@link StopKind#EXEC}: the tid the thread had before the exec (its tid now, unless it was not the leader). */
    public int formerTid() {
        return formerTid;
    }

    /**
     * At {@link StopKind#CLONE}, {@link StopKind#FORK} and {@link StopKind#VFORK}: the new
     * tracee, already traced, with this tracee's listener. Its own first stop
     * ({@link StopKind#ATTACHED}) comes after this call, even when the kernel reported it first.
     */
    public Tracee child() {
        return child;
    }

    /**
     * The signal to deliver when the tracee goes on: at a {@link StopKind#SIGNAL} stop, the
     * signal itself unless changed; 0 otherwise.
     */
    public int delivered() {
        return deliver;
    }

    /**
     * At a {@link StopKind#SIGNAL} stop, delivers {@code signal} instead (0 suppresses it).
     *
     * @throws IllegalStateException at any other stop: the kernel ignores or misreads a signal
     *         passed with the restart of a syscall or event stop
     */
    public void deliver(int signal) {
        if (kind != StopKind.SIGNAL) {
            throw new IllegalStateException("a signal can be delivered only at a signal-delivery stop, not at " + kind);
        }
        if (signal < 0 || signal > Signals.MAX) throw new IllegalArgumentException("signal " + signal + " (use 0-64)");
        deliver = signal;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case SYSCALL_ENTRY -> "syscall entry " + syscall;
            case SYSCALL_EXIT -> "syscall exit " + (isError ? "-1 " + Errno.name((int) -returnValue) : Long.toString(returnValue));
            case SIGNAL, GROUP_STOP -> kind + " " + Signals.name(signal);
            case EXEC -> "EXEC former tid " + formerTid;
            case CLONE, FORK, VFORK -> kind + " child " + message;
            default -> kind + (message != 0 ? " message " + message : "");
        };
    }
}
