package dev.utrace.linux.internal.ptrace;

import java.util.List;
import java.util.Optional;

/**
 * One tracer and the machine its tracees run on, as a conformance scenario drives it: our
 * {@code PtraceSession} on the simulated machine or on the Linux machine, or a plain C tracer on
 * the real kernel ({@link KernelBackend}). Requests are ptrace(2)'s; a refused one throws
 * {@link BackendError} with the errno's name. Programs are named as the scenarios name them
 * (spin, forker, ...); each backend runs its own version of each.
 */
interface PtraceBackend extends AutoCloseable {
    /** {@code kernel}, {@code sim} or {@code linux}. */
    String name();

    /** Starts {@code program} running, or held in a group stop before its first instruction. */
    int spawn(String program, boolean stopped, List<String> args);

    void attach(int pid);

    void seize(int pid, int options);

    void interrupt(int pid);

    void listen(int pid);

    void detach(int pid, int signal);

    void cont(int pid, int signal);

    void syscall(int pid, int signal);

    void singlestep(int pid, int signal);

    /** The session's {@code kill}: SIGKILL to the tracee. */
    void kill(int pid);

    /** {@code PTRACE_GETREGS}, in {@code Reg} order. */
    long[] getRegs(int pid);

    /** One general register written through {@code PTRACE_GETREGS} and {@code PTRACE_SETREGS}. */
    void setReg(int pid, int index, long value);

    long peek(int pid, long address);

    void poke(int pid, long address, long value);

    long peekUser(int pid, long offset);

    void pokeUser(int pid, long offset, long value);

    /** {@code PTRACE_GETSIGINFO}: signo and code. */
    int[] getSigInfo(int pid);

    void setOptions(int pid, int options);

    long getEventMsg(int pid);

    /** {@code waitpid(pid, __WALL [| WNOHANG])}: the pid and status, empty if nothing (WNOHANG); fails after 20 s. */
    Optional<int[]> wait(int pid, boolean nohang);

    /** {@code kill(pid, signal)} from outside the tracer. */
    void signal(int pid, int signal);

    /** The thread's state as a {@code /proc/PID/stat} letter (R, S, T, t, Z), '-' if gone. */
    char state(int tid);

    /** The real parent's wait status once the process ended (waits up to 20 s). */
    int exitStatus(int pid);

    /** The real parent's wait status if it can reap the process now, else empty. */
    Optional<Integer> reapable(int pid);

    /** {@code PTRACE_ATTACH} (or SEIZE) by a second tracer. */
    void otherAttach(int pid, boolean seize);

    /** The tracer exits ({@code exit_ptrace}): every tracee is detached, killed with EXITKILL. */
    void tracerExit();

    /** A pid the scenario learned of (a child, a thread): it must be gone when the scenario ends. */
    void saw(int pid);

    /** Kills every process of the scenario and ends the machine; fails if one is left behind. */
    @Override
    void close() throws Exception;
}
