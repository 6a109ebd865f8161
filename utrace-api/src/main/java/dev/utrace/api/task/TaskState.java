package dev.utrace.api.task;

/** The life states of a task, as the machine reports them. */
public enum TaskState {
    /** Runnable or running user code. */
    RUNNING,
    /** Blocked in an interruptible syscall such as sleep or wait. */
    SLEEPING,
    /** Stopped by job control (SIGSTOP, SIGTSTP, ...), waiting for SIGCONT. */
    STOPPED,
    /** Held stopped by utrace: at least one engine said STOP ({@code TASK_UTRACED}). */
    TRACED,
    /** Has begun to exit ({@code do_exit}) but is not yet a zombie. */
    EXITING,
    /** Dead, waiting for its parent to reap it ({@code EXIT_ZOMBIE}). */
    ZOMBIE,
    /** Being reaped or reaped ({@code EXIT_DEAD}); it is gone. */
    DEAD;

    /** Whether the task has an exit state (zombie or dead). */
    public boolean hasExited() {
        return this == ZOMBIE || this == DEAD;
    }
}
