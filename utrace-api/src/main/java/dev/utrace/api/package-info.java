/**
 * The utrace engine API: several independent tracing engines watch and control the same
 * task at once. This page is the concept book; the rule IDs (R-...) refer to the project's
 * semantics reference, {@code docs/utrace-semantics.md} in the repository.
 *
 * <h2>Engines and tasks</h2>
 * An <em>engine</em> is one tracer's attachment to one task: an {@link dev.utrace.api.EngineOps}
 * (the callbacks), some private {@code data}, and an event mask. Attach with
 * {@link dev.utrace.api.AttachFlags#CREATE}; the new engine asks for nothing until
 * {@link dev.utrace.api.Utrace#setEvents} (R-ATT-4), and never hears of the event that was
 * in progress when it attached (R-ATT-6). Engines are called in attach order, except at
 * syscall entry, which runs in reverse so that the last engine attached is "closest to
 * user mode" (R-EVT-ORD-1).
 *
 * <pre>{@code
 * AttachResult r = utrace.attach(task, AttachFlags.CREATE | AttachFlags.EXCLUSIVE | AttachFlags.MATCH_OPS,
 *                                myOps, myData);
 * if (!r.ok()) { handle(r.outcome()); return; }      // myData is still yours (R-REF-7)
 * Engine e = r.engine();
 * utrace.setEvents(task, e, Event.mask(Event.EXEC, Event.DEATH));
 * e.put();                                           // passive style: keep no reference
 * }</pre>
 *
 * <h2>Events and callbacks</h2>
 * A task reports an event to its engines in one <em>pass</em>, on its own thread, with no
 * core lock held (R-EVT-1). For each engine in turn: {@code reportQuiesce(event)} if it
 * wants {@link dev.utrace.api.Event#QUIESCE}, then the event's own callback if it wants the
 * event (R-EVT-ORD-2). An engine with QUIESCE hears of every event some engine asked for
 * (R-EVT-5). Each callback receives the action the engines before it chose and returns its
 * own; the task does the most constrained one: STOP &lt; INTERRUPT &lt; REPORT &lt;
 * SINGLESTEP &lt; BLOCKSTEP &lt; RESUME (R-ACT-1). A task exits in the order EXIT, DEATH,
 * REAP (R-EVT-ORD-3), and {@code reportReap} always comes after {@code reportDeath} has
 * returned (R-REAP-1).
 *
 * <h2>Syscall sets</h2>
 * Syscall reports are costly on a real machine (two stops in the kernel per syscall), so an
 * engine can say which syscalls it wants, as {@code strace -e trace=} does:
 * {@link dev.utrace.api.Utrace#setSyscalls} with a {@link dev.utrace.api.SyscallSet} (every
 * syscall by default). It narrows {@code SYSCALL_ENTRY} and {@code SYSCALL_EXIT} only; a syscall
 * that no engine of the task wants is not reported at all, and a machine that can filter in the
 * kernel does not even stop the task there (the core tells it the union of the sets; a program
 * spawned with {@code SpawnRequest.withSyscalls} runs under such a filter, and
 * {@code Processes.syscallStops} says where a task stops).
 *
 * <h2>Stopping safely</h2>
 * Return {@link dev.utrace.api.ResumeAction#STOP} from a callback, or call
 * {@code control(STOP)}, to hold the task. Most stops happen at the next resume point, so
 * the task is quiescent at a place where its state is whole (R-ACT-6); syscall entry,
 * exit and the vfork wait stop at once. The task stays stopped while <em>any</em> engine
 * holds a stop (R-STOP-2); each engine lets go with {@code control(RESUME)} (or REPORT,
 * INTERRUPT, a step, DETACH). While it holds the task stopped an engine may examine it
 * between {@link dev.utrace.api.Utrace#prepareExamine} and
 * {@link dev.utrace.api.Utrace#finishExamine} (R-EXAM-1, R-EXAM-2). Nothing holds a task
 * against SIGKILL: it wakes, runs no user code, and reports EXIT, DEATH and REAP on its
 * way out (R-STOP-6).
 *
 * <h2>Engine lifetime and references</h2>
 * The handle is reference counted (R-REF-1..3): attach gives you one reference and the
 * task's list holds the other. {@code release(data)} runs exactly once, at the last
 * {@link dev.utrace.api.Engine#put()}, in that thread (R-REF-5, R-REF-6). Two styles, from
 * the 2009 utrace-devel thread:
 * <ul>
 * <li><b>Passive</b> (R-REL-2): put your reference at once; your callbacks own the data;
 * a {@code reportDeath} that returns DETACH (or {@code reportReap}) lets {@code release}
 * free it. To switch off from outside, look the engine up and DETACH; on
 * {@link dev.utrace.api.Outcome#DONE} clean up yourself, on IN_PROGRESS after a barrier,
 * and on ALREADY or GONE leave it to the callbacks.
 * <li><b>Ptrace-like</b> (R-REL-3): take a reference (or a lookup per request) whenever you
 * use the data from outside; the data lives until the last reference goes, however the
 * task dies, and {@code release} frees it then.
 * </ul>
 *
 * <h2>Tear-down races</h2>
 * A controller and the traced task race: the task may be in a callback, dying, or being
 * reaped when you call. The core turns each race into an outcome instead of a crash:
 * {@code control(DETACH)} answers {@link dev.utrace.api.Outcome#IN_PROGRESS} while a
 * callback to your engine may run, so call {@link dev.utrace.api.Utrace#barrier} before
 * freeing what it uses; {@link dev.utrace.api.Outcome#ALREADY} means the death report has
 * begun and your death/reap callbacks will clean up; {@link dev.utrace.api.Outcome#GONE}
 * means the reap has begun or the engine is already detached (R-CTL-3, section 10.3).
 * After a DETACH, a barrier never answers DONE; GONE means every callback has finished
 * (R-BAR-5).
 *
 * <h2>Engines in bundles</h2>
 * Each bundle gets its own {@link dev.utrace.api.Utrace} facade. When the bundle stops,
 * the core revokes its engines: events stop reaching them, callbacks in flight are
 * waited for, each engine's {@code release} runs once, and no code of the bundle is called
 * again. Handles that other code still holds stay valid; calls on them answer
 * {@link dev.utrace.api.Outcome#GONE}. A callback that throws is contained: the engine is
 * detached and the task and the other engines go on.
 */
@Export
@Version("1.1.0")
package dev.utrace.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
