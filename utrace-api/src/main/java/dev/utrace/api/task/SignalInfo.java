package dev.utrace.api.task;

/**
 * A signal's {@code siginfo}, mutable: engines may rewrite it in
 * {@code EngineOps.reportSignal}, including the signal number (R-SIG-3).
 */
public final class SignalInfo {
    /** Signal number; 0 means none. */
    public int signo;
    /** {@code si_code}: SI_USER, SI_TKILL, SI_KERNEL, TRAP_HWBKPT, ... */
    public int code;
    /** {@code si_errno}. */
    public int errno;
    /** Sending pid, for user signals. */
    public int pid;
    /** Faulting address for SIGSEGV and SIGTRAP. */
    public long addr;
    /** Exit status for SIGCHLD. */
    public int status;

    public SignalInfo() {
    }

    public SignalInfo(int signo, int code) {
        this.signo = signo;
        this.code = code;
    }

    /** Copies every field of {@code other} into this. */
    public SignalInfo copyFrom(SignalInfo other) {
        signo = other.signo;
        code = other.code;
        errno = other.errno;
        pid = other.pid;
        addr = other.addr;
        status = other.status;
        return this;
    }

    /** A copy of this. */
    public SignalInfo copy() {
        return new SignalInfo().copyFrom(this);
    }

    /** Clears every field. */
    public void clear() {
        signo = code = errno = pid = status = 0;
        addr = 0;
    }

    @Override
    public String toString() {
        return "{si_signo=" + Signals.name(signo) + ", si_code=" + code
                + (pid != 0 ? ", si_pid=" + pid : "")
                + (addr != 0 ? ", si_addr=0x" + Long.toHexString(addr) : "") + "}";
    }
}
