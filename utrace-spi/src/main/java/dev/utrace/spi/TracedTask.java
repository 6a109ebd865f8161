package dev.utrace.spi;

import dev.utrace.api.SyscallSet;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Task;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A machine's task, as the core drives it. The machine implements this; the core calls it.
 *
 * <p><b>"Current" is not a Java thread.</b> A task is current for the thread that is
 * running one of its {@link TraceHooks} right now. A machine may give each task its own
 * thread (the simulated kernel) or run every task's hooks on a few tracer threads; the core
 * never assumes either. It does assume that a hook may block its calling thread while the
 * task is utrace-stopped, so a machine whose tracees share one tracer thread runs each
 * tracee's hooks on a worker of its own and forwards the real ptrace requests.
 *
 * <p><b>Ordering the machine must provide.</b> {@link #state()} is read without locks and
 * must be written with volatile semantics. The machine sets {@code ZOMBIE} (or {@code DEAD}
 * for a self-reap) before calling {@link TraceHooks#death}, and {@code DEAD} before calling
 * {@link TraceHooks#releaseTask}; attach relies on that to refuse a task being reaped.
 * It makes SIGKILL pending (so {@link #fatalSignalPending()} is true) before calling
 * {@link TraceHooks#fatalSignal}. A machine that holds stops itself
 * ({@link #stopsWithoutParking()}) learns of the end of a stop from {@link #setUtraceStopped}.
 *
 * <p><b>Re-entry.</b> The core calls the control methods here ({@link #requestNotifyResume},
 * {@link #requestSignalCheck}, {@link #signalWakeUp}, {@link #setUtraceStopped},
 * {@link #setStepping}) while holding its per-task lock, so they must only record or signal
 * and never call back into {@link TraceHooks}.
 */
@ConsumerType
public interface TracedTask extends Task {

    /** The core's per-task record ({@code task->utrace}); null until the first attach. */
    Object utraceSlot();

    /** Atomically replaces the core's per-task record if it is {@code expected}. */
    boolean casUtraceSlot(Object expected, Object value);

    /** Whether SIGKILL is pending (the task is being killed, or its group is exiting). */
    boolean fatalSignalPending();

    /** Whether the task is in a job-control stop right now (so a utrace STOP can adopt it). */
    boolean isJobControlStopped();

    /**
     * Asks the machine to call {@link TraceHooks#resume} before this task next returns to
     * user mode ({@code TIF_NOTIFY_RESUME}). Callable from any thread.
     */
    void requestNotifyResume();

    /**
     * Asks the machine to enter its signal-delivery path (and so
     * {@link TraceHooks#getSignal}) before this task next returns to user mode, even with
     * no signal queued ({@code TIF_SIGPENDING}). Callable from any thread.
     */
    void requestSignalCheck();

    /**
     * Breaks an interruptible wait of this task, as a signal would; the syscall then
     * returns or restarts, and the task goes through its signal-delivery path
     * ({@code signal_wake_up}). Has no effect on a task that is not waiting.
     */
    void signalWakeUp();

    /**
     * Tells the machine the task entered ({@code true}) or left a utrace stop, so
     * {@link #state()} shows {@code TRACED} and another thread may examine its registers.
     */
    void setUtraceStopped(boolean stopped);

    /**
     * How the task runs when it next returns to user mode. Called only on the task's own hook
     * thread (at its resume point), so the machine may update the task's registers (EFLAGS.TF).
     */
    void setStepping(StepMode mode);

    /**
     * Dequeues the next deliverable signal for this task into {@code into}, as
     * {@code dequeue_signal} does (unblocked, thread queue first). Called only from this
     * task's {@link TraceHooks#getSignal}. Once SIGKILL is pending it is returned on every
     * call, whatever else is queued.
     *
     * @return the signal number, or 0 if none is deliverable
     */
    int dequeueSignal(SignalInfo into);

    /** The task's current disposition of {@code signo}; the core does not change it. */
    SigAction signalDisposition(int signo);

    /** Pushes {@code info} back onto this task's pending queue (UTRACE_SIGNAL_HOLD). */
    void requeueSignal(SignalInfo info);

    /** Whether a job-control stop is pending for this task's group. */
    boolean groupStopPending();

    /**
     * Whether the machine holds this task stopped itself, so that a hook never parks its
     * calling thread for a utrace stop. By default (false) a hook that stops the task blocks
     * until the stop ends, as the kernel's {@code utrace_stop} sleeps. A machine that answers
     * true (one tracer thread running many tracees' hooks) gets its hooks back at once: after
     * calling {@link TraceHooks#syscallEntry}, {@link TraceHooks#exit},
     * {@link TraceHooks#finishVfork}, {@link TraceHooks#resume}, {@link TraceHooks#getSignal} or
     * {@link TraceHooks#finishJobControlStop} it asks {@link TraceHooks#held}; if held, it keeps
     * the task stopped and calls the same hook again, with the same arguments, once
     * {@link #setUtraceStopped} reports false or SIGKILL is pending ({@link #fatalSignalPending}),
     * and the hook goes on from where it stopped (its earlier result is to be ignored).
     */
    default boolean stopsWithoutParking() {
        return false;
    }

    /**
     * The syscalls the task's engines want reported now: the union of the sets
     * ({@code Utrace.setSyscalls}) of its engines that want {@code SYSCALL_ENTRY} or
     * {@code SYSCALL_EXIT}; {@link SyscallSet#NONE} when none does. The core calls this whenever
     * it changes (widened at once by setSyscalls and by setEvents that adds a syscall event;
     * narrowed at once by setSyscalls, and for detaches and cleared events when the core next
     * recomputes its masks), under its per-task lock, so it must only record or signal (see
     * Re-entry above). Until the first call, no syscall is wanted.
     *
     * <p>Whatever the machine makes of it, the core tests each syscall against the engines' sets
     * itself; a machine that stops a task at every syscall can ignore this (the default). One that
     * stops it in the kernel only at chosen syscalls must stop it at least at these, from the next
     * syscall it enters, interrupting it if it runs.
     */
    default void syscallsWanted(SyscallSet union) {
    }
}
