package dev.utrace.sim;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The simulated machine, for people (through the shell) and for other bundles. Every pid is a
 * thread id; a process is named by its leader's id. Methods throw {@link SimException} for
 * requests that cannot be done (unknown pid or program, bad signal number), and such a request
 * changes nothing.
 */
@ProviderType
public interface SimMachine {

    /**
     * Starts {@code program} as a new process, a child of init (pid 1), and returns its pid.
     * Up to six numeric arguments arrive in rdi, rsi, rdx, r10, r8 and r9.
     *
     * @throws SimException if the program is unknown or does not load (the message names the
     *         file, line and column), or the machine is shut down
     */
    int spawn(String program, List<String> args);

    /**
     * Like {@link #spawn(String, List)}, but when {@code stopped} the process begins in a
     * job-control stop, before its first instruction, as if SIGSTOP had arrived at once: a tracer
     * can attach, then {@code kill(pid, SIGCONT)} lets it run.
     */
    int spawn(String program, List<String> args, boolean stopped);

    /**
     * Sends {@code signal} to process {@code pid}, as {@code kill(2)} does.
     *
     * @throws SimException for an unknown pid or a signal number outside 1..64
     */
    void kill(int pid, int signal);

    /**
     * Sends {@code signal} to thread {@code tid} only, as {@code tgkill(2)} does.
     *
     * @throws SimException for an unknown tid or a bad signal number
     */
    void killThread(int tid, int signal);

    /** Every live task (threads included), by thread id. */
    List<TaskInfo> tasks();

    /**
     * The task with thread id {@code tid}.
     *
     * @throws SimException if no live task has that id
     */
    TaskInfo info(int tid);

    /**
     * Waits until process {@code pid} has exited and been reaped, and returns its wait status;
     * empty if it is still alive after {@code timeout}. The machine keeps the statuses of the
     * last 4096 processes that ended.
     *
     * @throws SimException if {@code pid} is neither alive nor among the recently ended
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    Optional<WaitStatus> waitExit(int pid, Duration timeout) throws InterruptedException;

    /**
     * What process {@code pid} wrote to its standard output (the last 8 KiB), also after it
     * ended, as long as its status is kept.
     *
     * @throws SimException if {@code pid} is unknown
     */
    String console(int pid);

    /** The programs that can be spawned: the library, then those from the programs folder. */
    List<ProgramInfo> programs();
}
