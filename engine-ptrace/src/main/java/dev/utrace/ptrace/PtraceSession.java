package dev.utrace.ptrace;

import dev.utrace.api.task.SignalInfo;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One tracing process and its tracees. Requests follow ptrace(2): except {@link #attach},
 * {@link #seize}, {@link #interrupt} and {@link #kill}, they need the tracee to be yours and
 * stopped in a ptrace stop (one that {@link #wait} reported or would report), else ESRCH.
 * Signals are numbers (0 for none). Thread-safe; requests on different tracees may run in
 * parallel. After the engine is unloaded every request fails with ESRCH "engine unloaded".
 */
@ProviderType
public interface PtraceSession extends AutoCloseable {
    /** Wait flag: return at once if nothing is ready. */
    int WNOHANG = 1;

    /** The tracer's name, as given to {@link Ptrace#open}. */
    String name();

    /**
     * {@code PTRACE_ATTACH}: traces the thread {@code pid} and sends it SIGSTOP; the first
     * {@link #wait} reports that stop.
     *
     * @throws PtraceException ESRCH no such thread; EPERM another tracer has it, it is init or
     *         a zombie
     */
    void attach(int pid);

    /** {@code PTRACE_SEIZE}: traces {@code pid} with {@code options}, without stopping it. */
    void seize(int pid, int options);

    /** {@code PTRACE_INTERRUPT} (seized tracees): stops it with a PTRACE_EVENT_STOP, even in a blocking sleep. */
    void interrupt(int pid);

    /** {@code PTRACE_LISTEN} (seized, in a group stop): lets it stay stopped but be told of SIGCONT. */
    void listen(int pid);

    /** {@code PTRACE_DETACH}: stops tracing {@code pid} and resumes it with {@code signal}. */
    void detach(int pid, int signal);

    /** {@code PTRACE_CONT}: resumes with {@code signal} delivered (0: the stop's signal is suppressed). */
    void cont(int pid, int signal);

    /** {@code PTRACE_SYSCALL}: as {@link #cont}, stopping at the next syscall entry or exit. */
    void syscall(int pid, int signal);

    /** {@code PTRACE_SINGLESTEP}: as {@link #cont}, stopping after one instruction with SIGTRAP. */
    void singlestep(int pid, int signal);

    /** {@code PTRACE_KILL}: sends SIGKILL; the tracee's death is reported by {@link #wait}. */
    void kill(int pid);

    /** {@code PTRACE_GETREGS}: the general registers, indexed by {@code Reg.ordinal()} (RAX..SS). */
    long[] getRegs(int pid);

    /** {@code PTRACE_SETREGS}: as {@link #getRegs} returned them; EIO for a bad length or value. */
    void setRegs(int pid, long[] regs);

    /** {@code PTRACE_PEEKDATA}: 8 bytes at {@code address}; EIO if unmapped. */
    long peek(int pid, long address);

    /** {@code PTRACE_POKEDATA}: writes 8 bytes at {@code address}; EIO if unmapped. */
    void poke(int pid, long address, long value);

    /**
     * {@code PTRACE_PEEKUSER}: the word at {@code offset} of {@code struct user}: a register
     * ({@code Reg.userOffset()}) or a debug register (DR0-3, DR6, DR7; this tracer's own view).
     * EIO for an offset that is not 8-aligned or not a register.
     */
    long peekUser(int pid, long offset);

    /**
     * {@code PTRACE_POKEUSER}: writes a register or debug register. Setting DR7 claims debug
     * slots of the machine at once: ENOSPC if none is free, EINVAL for a bad length or alignment.
     */
    void pokeUser(int pid, long offset, long value);

    /**
     * {@code PTRACE_GETSIGINFO}: the signal of a signal-delivery stop; in an event, syscall or
     * seized tracee's group stop, the siginfo Linux makes up for it (the stop's signal, si_code
     * the status's bits 8-23, the tracee as sender); EINVAL in an attached tracee's group stop.
     */
    SignalInfo getSigInfo(int pid);

    /**
     * {@code PTRACE_SETSIGINFO}: replaces a signal-delivery stop's siginfo (the signal number used
     * on resume stays the resume argument); in another stop it is accepted and dropped, as in Linux.
     */
    void setSigInfo(int pid, SignalInfo info);

    /** {@code PTRACE_SETOPTIONS}; EINVAL for unknown bits. */
    void setOptions(int pid, int options);

    /** {@code PTRACE_GETEVENTMSG}: the new child's pid, the exit status, or the former thread id after exec. */
    long getEventMsg(int pid);

    /**
     * {@code waitpid(pid, WNOHANG?)} restricted to tracees: reports the next stop or death of
     * tracee {@code pid} (-1: any). A death is reported once, and only then does the real
     * parent see the zombie. Empty with WNOHANG when nothing is ready.
     *
     * @throws PtraceException ECHILD if there is no such tracee; EINTR if the engine was
     *         unloaded while waiting
     * @throws InterruptedException if the calling thread is interrupted
     */
    Optional<WaitResult> wait(int pid, int flags) throws InterruptedException;

    /** The tracees, by pid. */
    List<TraceeInfo> tracees();

    /** The tracer exits ({@code exit_ptrace}): every tracee is detached (killed first with EXITKILL). Idempotent. */
    @Override
    void close();
}
