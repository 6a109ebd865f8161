package dev.utrace.spi;

import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The hook points a machine calls into the core: the kernel's tracehooks, at the places
 * listed in the semantics reference, section 4.2. The core implements this and registers
 * it as a service; a machine with no core uses {@link #NONE}.
 *
 * <p>Unless said otherwise a hook is called on the thread that runs {@code task} (it makes
 * the task "current", see {@link TracedTask}), may run engine callbacks, and may block while
 * an engine holds the task stopped. Hooks are cheap when no engine wants the event.
 */
@ProviderType
public interface TraceHooks {

    /**
     * Syscall entry, before the syscall runs; the number and arguments are in the registers
     * and engines may change them. May stop at once (R-ACT-6).
     *
     * @return true if the syscall must be skipped (R-SYS-3); the machine then sets the
     *         return value to -ENOSYS unless an engine already set RAX
     */
    boolean syscallEntry(TracedTask task);

    /** Syscall exit, with the return value in RAX. */
    void syscallExit(TracedTask task);

    /**
     * A new task {@code child} exists (its slot empty, its state set up) but has not run;
     * called in the parent. The child must not run before this returns (R-EVT-ORD-7).
     */
    void clone(TracedTask parent, long cloneFlags, TracedTask child);

    /** With CLONE_VFORK: called in the parent after {@link #clone}, before it waits for the child. May stop. */
    void finishVfork(TracedTask parent);

    /** A successful exec: the new image is in place; called before the return to user mode. */
    void exec(TracedTask task, String format, ExecInfo exec);

    /** The start of exit, before teardown; engines may change {@code code}. May stop (R-ACT-6). */
    void exit(TracedTask task, ExitCode code);

    /**
     * After the exit notification: the task is a zombie (or dead, for a self-reap); its state
     * already says so.
     *
     * @param signal the signal sent to the parent, or -1 for a self-reap
     */
    void death(TracedTask task, boolean groupDead, int signal);

    /**
     * The task is being reaped ({@code release_task}); called in the reaper's thread (the
     * parent, the task itself, or an exec'ing thread), after the task's state became DEAD.
     * Does not make the task current.
     */
    void releaseTask(TracedTask task);

    /** A resume point before user mode, after {@link TracedTask#requestNotifyResume()}. May stop. */
    void resume(TracedTask task);

    /**
     * The top of the machine's signal-delivery loop ({@code get_signal_to_deliver}). The core
     * may dequeue a signal itself (through {@link TracedTask#dequeueSignal}) and report it.
     *
     * <p>Pass the <b>same</b> {@code info} object in every round of one delivery loop and do
     * not clear it after {@code -1}: it may hold a signal an engine held with STOP|IGN, which
     * a later REPORT round re-injects (R-SIG-4).
     *
     * @param info     filled with the signal to act on when the result is positive
     * @param returnKa filled with the disposition to act on when the result is positive
     * @return <ul>
     *         <li>{@code 0}: the core has nothing to do; dequeue and deliver normally. That
     *         dequeue must take no signal queued after the core looked (Linux holds the
     *         siglock across both): call this again instead, or an engine misses it.
     *         <li>{@code -1}: a signal was consumed or the task stopped; run the loop again.
     *         <li>{@code > 0}: act on this signal with {@code returnKa}: run the handler
     *         (apply SA_ONESHOT, then call {@link #signalHandler}); ignore it for SIG_IGN; for
     *         SIG_DFL take the default action <em>of the number returned</em> (it may be a
     *         stand-in such as SIGTERM for "terminate") while reporting {@code info.signo}
     *         as the signal in exit and stop statuses.
     *         </ul>
     */
    int getSignal(TracedTask task, SignalInfo info, SigAction returnKa);

    /** A signal handler frame was just set up; {@code stepping} if the task is single-stepping. */
    void signalHandler(TracedTask task, boolean stepping);

    /** A job-control stop ({@code CLD_STOPPED}) or continue ({@code CLD_CONTINUED}). */
    void jctl(TracedTask task, int type, int notify);

    /**
     * The task is leaving a job-control stop. If utrace adopted that stop and an engine still
     * holds it, the task stays stopped here until released (R-STOP-1).
     */
    void finishJobControlStop(TracedTask task);

    /** SIGKILL was made pending for {@code task}: wake it from a utrace stop. Any thread. */
    void fatalSignal(TracedTask task);

    /**
     * Whether the hook this task's thread just returned from left the task stopped for the
     * machine to hold (only for a machine whose tasks answer
     * {@link TracedTask#stopsWithoutParking()} true; see there). Called on the hook's thread.
     */
    boolean held(TracedTask task);

    /** Whether ignored signals must be queued rather than dropped (R-EVT-6). Any thread. */
    boolean wantsIgnoredSignals(TracedTask task);

    /** Whether a fatal signal must not be short-circuited but go through delivery (R-EVT-7). Any thread. */
    boolean considerFatalSignal(TracedTask task);

    /** The hooks of a machine with no utrace core: nothing is reported, nothing stops. */
    TraceHooks NONE = new TraceHooks() {
        @Override public boolean syscallEntry(TracedTask task) { return false; }
        @Override public void syscallExit(TracedTask task) { }
        @Override public void clone(TracedTask parent, long cloneFlags, TracedTask child) { }
        @Override public void finishVfork(TracedTask parent) { }
        @Override public void exec(TracedTask task, String format, ExecInfo exec) { }
        @Override public void exit(TracedTask task, ExitCode code) { }
        @Override public void death(TracedTask task, boolean groupDead, int signal) { }
        @Override public void releaseTask(TracedTask task) { }
        @Override public void resume(TracedTask task) { }
        @Override public int getSignal(TracedTask task, SignalInfo info, SigAction returnKa) { return 0; }
        @Override public void signalHandler(TracedTask task, boolean stepping) { }
        @Override public void jctl(TracedTask task, int type, int notify) { }
        @Override public void finishJobControlStop(TracedTask task) { }
        @Override public void fatalSignal(TracedTask task) { }
        @Override public boolean held(TracedTask task) { return false; }
        @Override public boolean wantsIgnoredSignals(TracedTask task) { return false; }
        @Override public boolean considerFatalSignal(TracedTask task) { return false; }
        @Override public String toString() { return "TraceHooks.NONE"; }
    };
}
