package dev.utrace.linux.internal.trace;

/** Why a tracee is no longer traced. After this no listener call names it again. */
public enum End {
    /** The thread exited; the status word says with what. */
    EXITED,
    /** The thread was killed by a signal; the status word says which. */
    KILLED,
    /**
     * A non-leader thread of its process exec'd: the old leader vanished without an exit report
     * and the exec'ing thread took its tid (the kernel reports it on the leader's pid).
     */
    REPLACED_BY_EXEC,
    /** Detached: it runs on untraced, exactly as it would have. */
    DETACHED
}
