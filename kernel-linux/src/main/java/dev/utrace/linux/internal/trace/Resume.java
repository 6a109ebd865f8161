package dev.utrace.linux.internal.trace;

/** How a listener lets a stopped tracee go on, as the restart request the tracer sends. */
public enum Resume {
    /** {@code PTRACE_SYSCALL}: run, stopping at the next syscall entry or exit (and at every event). */
    SYSCALL,
    /** {@code PTRACE_CONT}: run, stopping only at events and signals. */
    CONT,
    /** {@code PTRACE_SINGLESTEP}: run one instruction; the tracee then reports a SIGTRAP (si_code TRAP_TRACE). */
    SINGLESTEP,
    /**
     * {@code PTRACE_LISTEN}: stay in the group stop, but report when it ends (SIGCONT: a
     * {@link StopKind#CONTINUED} stop) or when a new signal arrives. Only after a
     * {@link StopKind#GROUP_STOP}.
     */
    LISTEN,
    /**
     * Leave the tracee in its ptrace stop; it stays there, its registers readable, until
     * {@link Tracee#resume} or a detach. SIGKILL still ends it.
     */
    HOLD
}
