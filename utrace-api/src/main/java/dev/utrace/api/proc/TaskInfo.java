package dev.utrace.api.proc;

import dev.utrace.api.task.TaskState;

/**
 * A snapshot of one live (not yet reaped) task.
 *
 * @param tid     thread id
 * @param tgid    thread group (process) id; equal to {@code tid} for a group leader
 * @param ppid    the process id of the parent process (1 for init's children, 0 for init)
 * @param comm    the name of the program the task runs
 * @param state   the life state at the time of the snapshot
 * @param threads the number of live threads in the task's thread group
 */
public record TaskInfo(int tid, int tgid, int ppid, String comm, TaskState state, int threads) {
}
