package dev.utrace.linux.internal.machine;

import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.linux.internal.trace.StopKind;

/**
 * One ptrace stop of a task, copied on the tracer thread for the task's hooks: what the stop is,
 * and its registers. The hooks and engines read and write {@link #regs}; a write marks it
 * {@link #regsDirty}, and the tracer writes the registers back (PTRACE_SETREGS) before it restarts
 * the tracee. At a syscall stop the registers PTRACE_GET_SYSCALL_INFO gave are {@link #known}
 * (number, arguments, instruction and stack pointer; the return value) and the others are fetched
 * (PTRACE_GETREGS, {@link #loaded}) only if someone reads one or writes any: a tracer that only
 * looks at syscalls makes one ptrace request a stop, as strace does. Other stops fetch them at
 * once. Also the "end" of a task ({@link #ended}), which is no ptrace stop.
 *
 * <p>With hooks on the tracer thread a task's records are reused (two, alternately: the stop
 * before may still be current while a group stop it listened in ends), so a stop allocates
 * nothing; with hook threads each stop has a new one.
 */
final class StopRecord {
    /** The number of general registers in {@code struct user_regs_struct}. */
    static final int REGS = 27;

    /** The stop's sequence number for its task: an answer for an older stop is dropped. */
    long seq;
    StopKind kind;
    final long[] regs = new long[REGS];
    volatile boolean regsDirty;
    /** All of {@link #regs} hold the stop's registers. */
    volatile boolean loaded;
    /** Bits (by {@code Reg} ordinal) of the registers known without {@link #loaded}. */
    long known;

    long syscall = -1;
    final long[] args = new long[6];
    long returnValue;
    /** The signal of a SIGNAL or GROUP_STOP stop. */
    int signal;
    /** The siginfo of a SIGNAL stop, decoded, and its raw 128 bytes (to write back what cannot be decoded). */
    SignalInfo info;
    byte[] rawInfo;
    /** PTRACE_GETEVENTMSG: the new tid, the former tid, the exit status to be. */
    long message;
    int formerTid;
    /** At CLONE, FORK and VFORK: the new task. */
    LinuxTask child;
    /** At the EXEC of a non-leader: the old leader it replaced, to be reaped by the exec'ing thread. */
    LinuxTask oldLeader;
    /** The first stop of a task this machine did not see created (a spawned program, or an adopted thread). */
    boolean first;
    /** A hardware-watchpoint SIGTRAP whose slots have no claim left: nobody's business, the program must not get it. */
    boolean orphanTrap;

    /** For an end: how and with what wait status (0 for an exec replacement). */
    final End ended;
    final int status;

    enum End { EXITED, REPLACED_BY_EXEC, LET_GO }

    StopRecord(long seq, StopKind kind) {
        this.seq = seq;
        this.kind = kind;
        this.ended = null;
        this.status = 0;
    }

    /** This record, made ready for another stop. */
    StopRecord reuse(long seq, StopKind kind) {
        this.seq = seq;
        this.kind = kind;
        regsDirty = false;
        loaded = false;
        known = 0;
        syscall = -1;
        returnValue = 0;
        signal = 0;
        info = null;
        rawInfo = null;
        message = 0;
        formerTid = 0;
        child = null;
        oldLeader = null;
        first = false;
        orphanTrap = false;
        return this;
    }

    /** Whether register {@code ordinal} can be read without fetching the registers. */
    boolean has(int ordinal) {
        return loaded || (known & (1L << ordinal)) != 0;
    }

    void set(Reg reg, long value) {
        regs[reg.ordinal()] = value;
        known |= 1L << reg.ordinal();
    }

    private StopRecord(End ended, int status) {
        this.seq = -1;
        this.kind = null;
        this.ended = ended;
        this.status = status;
    }

    static StopRecord end(End how, int status) {
        return new StopRecord(how, status);
    }

    boolean isEnd() {
        return ended != null;
    }

    @Override
    public String toString() {
        if (isEnd()) return "end " + ended + " 0x" + Integer.toHexString(status);
        return kind + (kind == StopKind.SYSCALL_ENTRY ? " " + syscall : "") + (signal != 0 ? " signal " + signal : "");
    }
}
