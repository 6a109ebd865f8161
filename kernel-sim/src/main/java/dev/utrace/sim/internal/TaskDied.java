package dev.utrace.sim.internal;

/**
 * Unwinds a task's thread after {@code do_exit}, which never returns: thrown at the end of
 * {@link ExitPath#doExit}, caught at the top of the task's thread. Carries no stack trace.
 */
final class TaskDied extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final TaskDied INSTANCE = new TaskDied();

    private TaskDied() {
        super("task exited", null, false, false);
    }
}
