package dev.utrace.api.proc;

import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.Task;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Kernel services for debugger engines, registered by the machine. Thread-safe; none of these
 * calls back into utrace or an engine, except {@link TraceLink#unlink()}, which may reap the
 * tracee on the calling thread (running its REAP reports there, as a tracer's {@code wait} does).
 */
@ProviderType
public interface ProcessControl {
    /** The thread id of the parent process of {@code task}'s group (its real parent), or 0 when gone. */
    int parentPid(Task task);

    /**
     * The threads of {@code task}'s group that have not been released yet, zombies included (a
     * group leader whose count is above 1 cannot be reaped: {@code delay_group_leader}); 0 once
     * the whole group is gone.
     */
    int threadCount(Task task);

    /**
     * Sends {@code signo} to this thread only, from the kernel ({@code send_sig_info}; SIGKILL
     * still kills the whole group). Returns false, changing nothing, if the task has exited.
     *
     * @throws IllegalArgumentException for a signal number outside 1..64
     */
    boolean signal(Task task, int signo);

    /** A copy of the task's disposition of {@code signo} ({@code sighand->action[signo - 1]}). */
    SigAction disposition(Task task, int signo);

    /** Whether {@code signo} is in the thread's blocked mask. */
    boolean isBlocked(Task task, int signo);

    /** The signal that started the group's current (or last) job-control stop, e.g. SIGSTOP; 0 if none. */
    int groupStopSignal(Task task);

    /** Whether the task is in a job-control (group) stop right now. */
    boolean inGroupStop(Task task);

    /**
     * Lets this thread leave its job-control stop without a SIGCONT; the group's other threads
     * stay stopped. This is what ptrace does when it resumes a tracee from a group stop (it
     * clears {@code SIGNAL_STOP_STOPPED}). No effect on a thread that is not in one.
     */
    void leaveGroupStop(Task task);

    /**
     * Links a tracer to {@code task} ({@code __ptrace_link}): from now on, when the thread dies
     * it stays a zombie for the tracer. A thread that would be reaped at once (a non-leader, or a
     * child of a parent that ignores SIGCHLD) is not, and a process's real parent neither sees
     * its zombie nor gets SIGCHLD, until the link is {@linkplain TraceLink#unlink() unlinked}.
     * One exception, as in Linux: a multithreaded exec releases the old group leader whatever
     * links it has ({@code de_thread}); its link then reads {@linkplain TraceLink#linked()
     * unlinked}.
     *
     * @return the link, or null if the task is a zombie, dead, or already linked
     */
    TraceLink link(Task task);
}
