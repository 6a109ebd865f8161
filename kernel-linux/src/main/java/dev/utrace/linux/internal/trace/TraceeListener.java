package dev.utrace.linux.internal.trace;

/**
 * Receives the stops of the tracees it is set on. Called on the tracer thread, one call at a
 * time: a call that blocks delays every tracee of the tracer, so hand slow work to another
 * thread and {@link Resume#HOLD} the tracee meanwhile.
 */
public interface TraceeListener {

    /**
     * {@code tracee} is in a ptrace stop described by {@code stop} (valid only during this call).
     * Registers, memory and the debug registers may be read and written now.
     *
     * @return how it goes on; a listener that throws resumes it with {@link Resume#SYSCALL}
     *         ({@link Resume#LISTEN} for a group stop), its signal delivered
     */
    Resume onStop(Tracee tracee, Stop stop);

    /**
     * {@code tracee} is no longer traced.
     *
     * @param status the wait status for {@link End#EXITED} and {@link End#KILLED}, else 0
     */
    void onEnd(Tracee tracee, End end, int status);
}
