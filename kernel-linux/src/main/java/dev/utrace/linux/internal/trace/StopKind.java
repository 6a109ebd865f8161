package dev.utrace.linux.internal.trace;

/** What a ptrace stop is, decoded from the wait status and, for syscall stops, {@code PTRACE_GET_SYSCALL_INFO}. */
public enum StopKind {
    /** About to run syscall {@link Stop#syscall()} with {@link Stop#arg}s; rax holds -ENOSYS. */
    SYSCALL_ENTRY,
    /** Syscall finished with {@link Stop#returnValue()}. */
    SYSCALL_EXIT,
    /** Signal {@link Stop#signal()} is about to be delivered; {@link Stop#deliver} chooses what is. */
    SIGNAL,
    /** The process is in a job-control stop by {@link Stop#signal()}; answer with {@link Resume#LISTEN} to keep it there. */
    GROUP_STOP,
    /** The first stop of a new tracee: attached to a running thread, or a new thread or child. */
    ATTACHED,
    /** Stopped by {@link Tracee#interrupt()}. */
    INTERRUPTED,
    /** The group stop it listened in ended (a SIGCONT); the SIGCONT itself comes next as a {@link #SIGNAL}. */
    CONTINUED,
    /** A new thread (or a clone not made by fork or vfork): {@link Stop#child()}. */
    CLONE,
    /** A child made by fork: {@link Stop#child()}. */
    FORK,
    /** A child made by vfork: {@link Stop#child()}; this tracee waits until the child execs or exits. */
    VFORK,
    /** The vfork child released this tracee; {@link Stop#message()} is its pid. */
    VFORK_DONE,
    /**
     * A new program: the stop before {@code execve} returns. {@link Stop#formerTid()} is the tid
     * the thread had before (a non-leader that exec'd takes the leader's tid).
     */
    EXEC,
    /** The thread is exiting; {@link Stop#message()} is its wait status to be. Registers are still readable. */
    EXIT,
    /** A seccomp filter returned SECCOMP_RET_TRACE (only with a filter that does). */
    SECCOMP
}
