package dev.utrace.api.proc;

import dev.utrace.api.task.SyscallNames;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What people do with a machine's tasks, whatever the machine (the simulated kernel or real
 * Linux processes): start and adopt processes, list and inspect tasks, send signals, wait for an
 * end, read what a process wrote, and name its syscalls. Registered by the machine; the shell's
 * {@code utrace:} commands and the engines use only this. Thread-safe. A refused request throws
 * {@link ProcessException} with a message for people and changes nothing.
 */
@ProviderType
public interface Processes {
    /** A short name for people, e.g. {@code kernel-sim} or {@code linux}. */
    String machine();

    /**
     * Starts a program; see {@link SpawnRequest} for what the request may say.
     *
     * @return the new process's pid
     * @throws ProcessException for a program that does not exist or cannot run, bad arguments,
     *         an environment or directory this machine does not support, or a stopped machine
     */
    int spawn(SpawnRequest request);

    /**
     * Takes a process that this machine did not start under its control, with all its threads,
     * so engines can attach to it. On a machine where every task is already its own (the
     * simulated kernel) this only checks that the process exists.
     *
     * @return the process's main task
     * @throws ProcessException for an unknown pid, a zombie, a process that cannot be taken
     *         (already traced by another tool, this framework's own JVM or one of its ancestors)
     */
    TaskInfo adopt(int pid);

    /** Every live (not yet reaped) task, threads included, by thread id. */
    List<TaskInfo> tasks();

    /**
     * One live task.
     *
     * @throws ProcessException if no live task has this thread id
     */
    TaskInfo info(int tid);

    /**
     * Sends {@code signal} to a whole process ({@code kill(pid, sig)}).
     *
     * @throws ProcessException for an unknown pid or a signal outside 1..64
     */
    void kill(int pid, int signal);

    /**
     * Sends {@code signal} to one thread ({@code tgkill}).
     *
     * @throws ProcessException for an unknown tid or a signal outside 1..64
     */
    void killThread(int tid, int signal);

    /**
     * Waits until process {@code pid} has ended and returns how, as its parent's {@code wait}
     * would see it; a process that ended recently is answered at once.
     *
     * @return the status, or empty if it did not end within {@code timeout}
     * @throws ProcessException if no process with this pid is alive or ended recently
     */
    Optional<WaitStatus> waitExit(int pid, Duration timeout) throws InterruptedException;

    /**
     * What process {@code pid} wrote (its standard output and error), also after it ended.
     *
     * @throws ProcessException if no process with this pid is alive or ended recently
     */
    String console(int pid);

    /** The programs this machine offers by name ({@link SpawnRequest#program()}); may be empty. */
    List<ProgramInfo> programs();

    /** The name of syscall {@code number} on this machine, or {@code syscall_N} for one it does not know. */
    String syscallName(int number);

    /** The number of the syscall called {@code name} on this machine (e.g. {@code openat}), or -1 if none is. */
    default int syscallNumber(String name) {
        return SyscallNames.number(name);
    }

    /**
     * Where the machine stops task {@code tid} at syscalls (see {@link SyscallStops}): at every
     * syscall, or only at those of the filter its program was spawned with.
     *
     * @throws ProcessException if no live task has this thread id
     */
    default SyscallStops syscallStops(int tid) {
        info(tid);
        return SyscallStops.EVERY;
    }
}
