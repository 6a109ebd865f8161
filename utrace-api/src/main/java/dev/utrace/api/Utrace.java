package dev.utrace.api;

import dev.utrace.api.task.Task;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The utrace core, as an OSGi service. Each bundle that gets this service gets its own
 * facade (bundle scope): engines are owned by the bundle that attached them, and when that
 * bundle stops, the core revokes its engines, runs their {@code release} exactly once, and
 * never calls that bundle's code again. See the package documentation for the concepts.
 *
 * <p>Every method takes a non-null task (or a pid) and engine and throws
 * {@link NullPointerException} otherwise. The methods return typed {@link Outcome}s for
 * every expected race; each lists the outcomes it can return and what to do next.
 */
@ProviderType
public interface Utrace {

    /**
     * Attaches a new engine to {@code task}, or looks up an existing one
     * ({@code utrace_attach_task}).
     *
     * <p>With {@link AttachFlags#CREATE}: a new engine with event mask 0 (R-ATT-4), placed
     * after all existing engines; it sees no event already in progress (R-ATT-6). It has two
     * references, one of them yours (R-REF-1). Without CREATE: the first engine matching
     * {@link AttachFlags#MATCH_OPS}/{@link AttachFlags#MATCH_DATA} (R-ATT-1, R-ATT-2), with a
     * new reference for you (R-REF-2).
     *
     * @param flags {@link AttachFlags} bits
     * @param ops   the engine's callbacks; with CREATE it must not be null
     * @param data  engine-private data, may be null; on failure it stays yours and
     *              {@code release} is not called (R-REF-7)
     * @return the engine ({@link AttachResult#engine()}), or:
     *         <ul>
     *         <li>{@link Outcome#INVALID}: CREATE with null ops; fix the call.
     *         <li>{@link Outcome#NOT_PERMITTED}: CREATE on a kernel thread.
     *         <li>{@link Outcome#EXISTS}: EXCLUSIVE and a matching engine exists.
     *         <li>{@link Outcome#GONE}: CREATE while the task is being reaped; it is gone.
     *         <li>{@link Outcome#NOT_FOUND}: lookup found no match, or the task never had engines.
     *         </ul>
     */
    AttachResult attach(Task task, int flags, EngineOps ops, Object data);

    /**
     * The live (not yet reaped) task with thread id {@code tid} on the machine, or null: the one
     * way engines find a task by id. A task found here may die at any moment after; the calls
     * that take it answer {@link Outcome#GONE} then.
     */
    Task task(int tid);

    /**
     * As {@link #attach(Task, int, EngineOps, Object)} for the task with thread id {@code pid}
     * ({@code utrace_attach_pid}); {@link Outcome#GONE} if no task has that id.
     */
    AttachResult attach(int pid, int flags, EngineOps ops, Object data);

    /**
     * Sets the events {@code engine} wants ({@code utrace_set_events}); 0 disables it
     * without detaching (R-SET-7). The internal stop bit cannot be set or cleared here (R-SET-1).
     *
     * @return <ul>
     *         <li>{@link Outcome#DONE}: if the task was stopped, no callback outside the new
     *         mask will be made; if it was running, no disabled callback can start (R-SET-6).
     *         <li>{@link Outcome#IN_PROGRESS}: bits were cleared while a callback to this
     *         engine may be running; call {@link #barrier} (or setEvents again) before relying
     *         on the new mask (R-SET-5). Never returned when only adding bits.
     *         <li>{@link Outcome#ALREADY}: nothing changed; the death report has begun (you
     *         tried to clear DEATH/QUIESCE during it, or to newly set them on a dead task).
     *         Your death/reap callbacks own the clean-up (R-SET-3).
     *         <li>{@link Outcome#GONE}: the engine is detached or the reap has begun (R-SET-2).
     *         </ul>
     */
    Outcome setEvents(Task task, Engine engine, long events);

    /** As {@link #setEvents(Task, Engine, long)} by thread id; {@link Outcome#GONE} for an unknown pid (R-SET-9). */
    Outcome setEvents(int pid, Engine engine, long events);

    /**
     * Sets which syscalls {@code engine} wants reported, as {@code strace -e trace=} does. A new
     * engine's set is {@link SyscallSet#ALL}, which reports as before there were sets.
     *
     * <p><b>What a set does.</b> It narrows {@link Event#SYSCALL_ENTRY} and
     * {@link Event#SYSCALL_EXIT}, and nothing else: at a syscall outside its set an engine is
     * treated, in that report, as if those two events were not in its mask, so it gets no
     * {@code reportSyscallEntry}/{@code reportSyscallExit} for it. The set matters only while the
     * mask has a syscall event ({@link #setEvents} still decides that). A syscall outside the set
     * of every engine of the task that wants the event is not reported at all: there is no
     * reporting pass, so no {@code reportQuiesce} either, and the task does not stop there. A
     * syscall some engine wants is reported as ever: an engine with {@link Event#QUIESCE} whose
     * own set leaves it out still gets {@code reportQuiesce(SYSCALL_ENTRY)} (R-EVT-5).
     *
     * <p><b>Which number is tested.</b> The syscall's number when its report begins: at entry,
     * the number the task entered with, before any engine of the pass changes it (the repeated
     * pass of R-SYS-2 tests it again); at exit, the number of the syscall that ran.
     *
     * <p><b>A change while the task is in a syscall.</b> Entry and exit are separate reports,
     * each tested against the set in force when it is made: a syscall the set loses between its
     * entry and its exit has its entry reported without its exit; one it gains may have its exit
     * reported without its entry (it has on the simulated machine; on a machine that did not stop
     * the task at that syscall's entry at all, such as Linux under a filter, it has neither). So
     * an engine that changes its set while the task runs must accept an entry or an exit alone,
     * as with {@code setEvents} and the syscall events. From the engine's own callbacks a change
     * takes effect at once: made in {@code reportQuiesce} it decides the report that follows it
     * (R-EVT-4).
     *
     * <p><b>The machine.</b> The core gives the machine the union of the sets of the task's
     * engines that want syscall events, so a machine that can stop a task in the kernel only at
     * chosen syscalls (the Linux machine, for a program spawned with a filter:
     * {@code Processes.syscallStops}) stops it at no other. Such a filter cannot be widened: a set
     * that goes beyond it makes the machine stop that task at every syscall from then on (and the
     * core reports only those in the sets). A task that is running at that moment is interrupted
     * to switch, so a syscall it enters before the interrupt takes hold (microseconds) is not
     * reported; to miss none, change the set while your engine holds the task stopped
     * ({@code control(STOP)}, or a callback that returned STOP): the change is then in force
     * before the task runs again.
     *
     * @param syscalls the new set, not null
     * @return <ul>
     *         <li>{@link Outcome#DONE}: if the task was stopped, every report from now on follows
     *         the new set; if it was running, no report of a syscall the set lost can start any
     *         more, and a syscall it gained is reported from the task's next syscall on (but see
     *         the machine above).
     *         <li>{@link Outcome#IN_PROGRESS}: syscalls were removed while a callback to this
     *         engine may be running on the running task, so a report of a removed syscall may
     *         still be in progress; call {@link #barrier} before relying on the new set (as
     *         R-SET-5). Never returned when only adding, nor to the engine's own callbacks.
     *         <li>{@link Outcome#GONE}: the engine is detached or the reap has begun (as R-SET-2).
     *         </ul>
     */
    Outcome setSyscalls(Task task, Engine engine, SyscallSet syscalls);

    /** As {@link #setSyscalls(Task, Engine, SyscallSet)} by thread id; {@link Outcome#GONE} for an unknown pid. */
    Outcome setSyscalls(int pid, Engine engine, SyscallSet syscalls);

    /**
     * Tells the task what to do ({@code utrace_control}).
     *
     * <ul>
     * <li>{@link ResumeAction#STOP}: hold the task stopped. {@link Outcome#DONE} if it is
     * stopped now (also when it was in a job-control stop, which is adopted);
     * {@link Outcome#IN_PROGRESS} if it is running: a report comes soon, return STOP from it
     * (R-CTL-STOP).
     * <li>{@link ResumeAction#RESUME}: let go of your stop; the task wakes when no engine holds one (R-CTL-RESUME).
     * <li>{@link ResumeAction#REPORT}: as RESUME, and a {@code reportQuiesce(null)} comes before
     * user mode (R-CTL-REPORT). Needs {@link Event#QUIESCE}.
     * <li>{@link ResumeAction#INTERRUPT}: as RESUME, and a {@code reportSignal(REPORT)} comes
     * before signals are delivered; breaks an interruptible wait (R-CTL-INTERRUPT).
     * <li>{@link ResumeAction#SINGLESTEP}/{@link ResumeAction#BLOCKSTEP}: as REPORT, stepping
     * if still the final action at the resume point. Needs {@link Event#QUIESCE}.
     * <li>{@link ResumeAction#DETACH}: detach; after {@link Outcome#DONE} on a stopped task no
     * further callback reaches your ops (R-CTL-DETACH).
     * </ul>
     *
     * @return <ul>
     *         <li>{@link Outcome#DONE}.
     *         <li>{@link Outcome#IN_PROGRESS}: STOP on a running task (see above), or DETACH
     *         while a callback to this engine may be running: call {@link #barrier} before
     *         freeing what the callback uses.
     *         <li>{@link Outcome#ALREADY}: DETACH during the death report; the engine stays
     *         attached, {@code reportDeath}/{@code reportReap} do the clean-up (R-CTL-3).
     *         <li>{@link Outcome#GONE}: the engine is detached, the reap has begun, or (for any
     *         action but DETACH) the task is dead (R-CTL-3).
     *         <li>{@link Outcome#INVALID}: REPORT, SINGLESTEP or BLOCKSTEP without QUIESCE in the mask.
     *         <li>{@link Outcome#NOT_SUPPORTED}: SINGLESTEP on a machine that cannot step.
     *         </ul>
     */
    Outcome control(Task task, Engine engine, ResumeAction action);

    /** As {@link #control(Task, Engine, ResumeAction)} by thread id; {@link Outcome#GONE} for an unknown pid (R-CTL-5). */
    Outcome control(int pid, Engine engine, ResumeAction action);

    /**
     * Waits until no callback to {@code engine} is running ({@code utrace_barrier}). Accepts a
     * detached engine (R-BAR-3). Returns at once for the calling task itself (R-BAR-1). For an
     * engine marked detached whose callbacks have all returned, it completes the detach itself
     * (the kernel waits for the task's next report point, which a job-control stop or a blocking
     * syscall can put off indefinitely), so it waits only for callbacks, never for the task.
     *
     * @return <ul>
     *         <li>{@link Outcome#DONE}: no callback to this engine is in progress and the effect
     *         of the last one's return value is in place (R-BAR-4). Never after a DETACH.
     *         <li>{@link Outcome#GONE}: the engine is fully detached, or the task reaped: every
     *         callback has finished; treat it as success (R-BAR-5).
     *         <li>{@link Outcome#INTERRUPTED}: this thread was interrupted while waiting; its
     *         interrupt flag is kept. Call again later.
     *         </ul>
     */
    Outcome barrier(Task task, Engine engine);

    /**
     * Prepares to examine the registers or memory of a task this engine holds stopped
     * ({@code utrace_prepare_examine}). Call after {@code control(STOP)} returned DONE or a
     * callback of yours returned STOP.
     *
     * @return {@link Outcome#DONE} (access is allowed until {@link #finishExamine});
     *         {@link Outcome#INVALID} if this engine holds no stop; {@link Outcome#GONE} if
     *         the task has exited; {@link Outcome#AGAIN} if the task is running (e.g. after
     *         SIGKILL) (R-EXAM-1).
     */
    Outcome prepareExamine(Task task, Engine engine, Examination exam);

    /**
     * Ends an examination ({@code utrace_finish_examine}).
     *
     * @return {@link Outcome#DONE} if the task stayed stopped throughout, so what you read
     *         is valid; {@link Outcome#AGAIN} if it woke meanwhile: discard what you read;
     *         {@link Outcome#INVALID} if this engine no longer holds a stop (R-EXAM-2).
     */
    Outcome finishExamine(Task task, Engine engine, Examination exam);

    /** A snapshot of the engines on {@code task}, in callback order; empty if it has none. */
    List<EngineInfo> engines(Task task);
}
