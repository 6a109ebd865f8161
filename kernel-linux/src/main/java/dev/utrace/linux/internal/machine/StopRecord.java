package dev.utrace.linux.internal.machine;

import dev.utrace.api.task.SignalInfo;
import dev.utrace.linux.internal.trace.StopKind;

/**
 * One ptrace stop of a task, copied on the tracer thread for the task's hooks: what the
 * stop is, and the registers fetched once at it (PTRACE_GETREGS). The hooks and engines
 * read and write {@link #regs}; a write marks it {@link #regsDirty}, and the tracer writes the
 * registers back (PTRACE_SETREGS) before it restarts the tracee. Also the "end" of a task
 * ({@link #ended}), which is no ptrace stop.
 */
final class StopRecord {
    /** The number of general registers in {@code struct user_regs_struct}. */
    static final int REGS = 27;

    /** The stop's sequence number for its task: an answer for an older stop is dropped. */
    final long seq;
    final StopKind kind;
    final long[] regs = new long[REGS];
    volatile boolean regsDirty;

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
