package dev.utrace.api;

import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Task;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What an engine implements ({@code struct utrace_engine_ops}). Only the callbacks for the
 * events the engine asks for are called (R-OPS-1); each has a harmless default. The ops
 * object is captured at attach and is what {@link AttachFlags#MATCH_OPS} compares.
 *
 * <p><b>Where callbacks run (R-EVT-1, R-EVT-2).</b> Every {@code report*} callback except
 * {@link #reportReap} runs on the traced task's own hook thread, with no core lock held,
 * at a safe point where the task's registers and memory may be used. A callback may block
 * briefly but must never wait for something external: to make the task wait, return
 * {@link ResumeAction#STOP} and resume it later with {@link Utrace#control}.
 * {@code reportReap} runs in the reaper's thread and must not block.
 *
 * <p><b>Return values (R-ACT-1..5).</b> The {@code action} argument says what would happen
 * without you (the smallest action among engines already called, and STOP while you hold
 * a stop). Your return says what you want; the task does the smallest of all engines'
 * choices. STOP is sticky until you return something else or call {@code control}.
 * Returning {@link ResumeAction#DETACH} detaches this engine; no callback follows.
 *
 * <p><b>Exceptions.</b> A callback that throws is contained: the core logs it with the
 * engine, task and event, detaches the engine, and the task and the other engines go on.
 */
@ConsumerType
public interface EngineOps {

    /**
     * A reporting pass ({@link Event#QUIESCE}): called before this engine's event-specific
     * callback with {@code event} naming that event (R-EVT-4, R-EVT-5), and at a resume
     * point with {@code event == null} when some engine asked for REPORT or INTERRUPT (the
     * last word before user mode, R-RES-1). If you add the event's bit with
     * {@link Utrace#setEvents} here, the specific callback follows for this same event.
     *
     * @param event the event being reported, or {@code null} at a resume point (the kernel's 0)
     */
    default ResumeAction reportQuiesce(ResumeAction action, Engine engine, Task task, Event event) {
        return ResumeAction.RESUME;
    }

    /**
     * A signal is about to be delivered, or a report was requested at the signal point
     * ({@link Event#SIGNAL} and its kin). {@code action} packs the previous engine's
     * {@link SignalAction} with the resume action so far. Return a packed value made with
     * {@link SignalAction#with(ResumeAction)}, optionally ORed with {@link SignalAction#HOLD}.
     * The next engine sees your signal action; the last engine's is final (R-SIG-1).
     * REPORT or INTERRUPT returned here act as RESUME (R-SIG-2).
     *
     * <p>An engine that does not override this method gets {@link #reportQuiesce} instead,
     * and the previous signal action is carried through unchanged (R-OPS-1).
     *
     * @param info     the signal; writable, including the number (R-SIG-3). Untouched for
     *                 REPORT and HANDLER reports, where it may hold a signal you held (R-SIG-4)
     * @param origKa   the task's disposition for the signal; {@code null} for REPORT and HANDLER reports
     * @param returnKa the disposition that {@link SignalAction#DELIVER} will use; writable
     */
    default int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa,
                             SigAction returnKa) {
        return (action & SignalAction.MASK) | ResumeAction.RESUME.code();
    }

    /**
     * The task created {@code child} ({@link Event#CLONE}); called in the parent before the
     * child can run. Attaching to the child here is safe, and a STOP set on it keeps it from
     * ever running user code (R-ATT-8, R-EVT-ORD-7). A STOP returned here takes effect at the
     * parent's next resume point, or before the vfork wait with {@code CLONE_VFORK}.
     */
    default ResumeAction reportClone(ResumeAction action, Engine engine, Task parent, long cloneFlags, Task child) {
        return ResumeAction.RESUME;
    }

    /**
     * A job-control stop or continue ({@link Event#JCTL}).
     *
     * @param type   {@code CLD_STOPPED} or {@code CLD_CONTINUED}
     * @param notify non-zero when this thread is the last to stop and the parent gets
     *               SIGCHLD with this si_code
     */
    default ResumeAction reportJctl(ResumeAction action, Engine engine, Task task, int type, int notify) {
        return ResumeAction.RESUME;
    }

    /**
     * The task executed a new program ({@link Event#EXEC}); the new image is in place and
     * registers may be changed. Resume actions take effect at the resume point.
     */
    default ResumeAction reportExec(ResumeAction action, Engine engine, Task task, String format, ExecInfo exec) {
        return ResumeAction.RESUME;
    }

    /**
     * Syscall entry ({@link Event#SYSCALL_ENTRY}), before the syscall runs; the number and
     * arguments may be changed in the registers. Engines are called in <b>reverse</b>
     * attach order (R-EVT-ORD-1), so the earliest attached has the last word (R-SYS-1).
     * {@code action} packs the previous engine's {@link SyscallAction}, the resume action so
     * far, and {@link SyscallAction#RESUMED} on a repeat after a stop (R-SYS-2). Return
     * {@link SyscallAction#with(ResumeAction)}. STOP stops at once, before the syscall.
     */
    default int reportSyscallEntry(int action, Engine engine, Task task) {
        return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
    }

    /** Syscall exit ({@link Event#SYSCALL_EXIT}); the return value may be changed in RAX. */
    default ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task task) {
        return ResumeAction.RESUME;
    }

    /**
     * The task began to exit ({@link Event#EXIT}), before teardown. STOP takes effect at once
     * so others can examine the task, unless SIGKILL is pending (R-STOP-6).
     *
     * @param origCode the original wait status
     * @param code     the wait status the parent will see; may be changed
     */
    default ResumeAction reportExit(ResumeAction action, Engine engine, Task task, long origCode, ExitCode code) {
        return ResumeAction.RESUME;
    }

    /**
     * The task is dead ({@link Event#DEATH}): a zombie, or about to reap itself. Only
     * {@link ResumeAction#DETACH} has an effect; after it no {@link #reportReap} follows
     * (R-REAP-2), so this is a safe place to clean up and detach.
     *
     * @param groupDead whether this was the last thread of its group
     * @param signal    the signal sent to the parent, or -1 for a self-reap (OQ-3)
     */
    default ResumeAction reportDeath(Engine engine, Task task, boolean groupDead, int signal) {
        return ResumeAction.RESUME;
    }

    /**
     * The task is being reaped ({@link Event#REAP}); always the last callback, run in the
     * reaper's thread, strictly after {@link #reportDeath} returned (R-REAP-1). The engine
     * is detached when this returns and may be freed at once (R-REF-10).
     */
    default void reportReap(Engine engine, Task task) {
    }

    /**
     * The destructor for the engine's data (R-REF-5): called once, when the last reference
     * to the engine is dropped, in whatever thread drops it (R-REF-6). Captured at attach, so
     * it runs even after the engine was detached. It must not call utrace for this engine
     * and must not block for long (R-REL-4). Never called after a failed attach (R-REF-7).
     */
    default void release(Object data) {
    }
}
