package dev.utrace.passive;

import dev.utrace.api.SyscallSet;
import dev.utrace.api.proc.SpawnRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The passive tracer service: observe-only traces of tasks. It never stops or changes a task
 * and never blocks it: each trace records into a fixed-size ring (when it is full the oldest
 * events are dropped and counted) and hands events to listeners through bounded queues.
 *
 * <p>Errors in the arguments (an unknown pid, a task already traced, a task not traced, an
 * empty event list) throw {@link IllegalArgumentException} with a message for people;
 * nothing changes then.
 */
@ProviderType
public interface PassiveTracer {

    /**
     * Starts tracing task {@code pid}.
     *
     * @param events what to record; {@code null} for the configured default
     * @param follow whether to trace the threads and children it creates from now on (each
     *               from its first instruction); {@code null} for the configured default
     * @return the new trace
     * @throws IllegalArgumentException if no such task, it is already traced by this tracer,
     *         it is a kernel thread, it is exiting, or {@code events} is empty
     */
    TraceInfo trace(int pid, Set<Kind> events, Boolean follow);

    /**
     * As {@link #trace(int, Set, Boolean)}, recording only the syscalls in {@code syscalls}, as
     * {@code strace -e trace=} does: the engine wants no others ({@code Utrace.setSyscalls}), so a
     * task spawned for them ({@code SpawnRequest.withSyscalls}) is not even stopped at the rest.
     * Followed threads and children get the same set.
     *
     * @param syscalls the syscalls to record, or {@code SyscallSet.ALL}
     * @throws IllegalArgumentException as {@link #trace(int, Set, Boolean)}, and if {@code syscalls}
     *         is not ALL while syscalls are not among the events
     */
    TraceInfo trace(int pid, Set<Kind> events, Boolean follow, SyscallSet syscalls);

    /**
     * Starts a program traced from its first instruction, as {@code strace PROGRAM ARGS} does: the
     * machine starts it held before its first instruction, the trace begins, then a SIGCONT lets
     * it run (the trace's first event is that SIGCONT's delivery). Where the machine runs files
     * (real processes), the trace begins after the {@code execve} that started the program, so its
     * first syscall is the program's own first one.
     *
     * @param request the program, its arguments and environment, and the syscalls to record (its
     *                {@code syscalls}: the program runs under a kernel-side filter of them where the
     *                machine has one; its {@code stopped} is ignored: it is always started held)
     * @param events  what to record; {@code null} for the configured default
     * @param follow  whether to trace its threads and children too; {@code null} for the configured default
     * @return the new trace, of the program's pid
     * @throws IllegalArgumentException if the machine cannot start the program (saying why), or
     *         {@code events} is empty; nothing was started then
     */
    TraceInfo run(SpawnRequest request, Set<Kind> events, Boolean follow);

    /**
     * Stops tracing task {@code pid} (Model A: a {@code MATCH_OPS} lookup and a {@code DETACH};
     * each outcome handled as the semantics reference's section 10.3 says). Waits only for a
     * callback already running, which is short.
     *
     * @throws IllegalArgumentException if this tracer does not trace {@code pid}
     */
    UntraceResult untrace(int pid);

    /** Every live trace, by tid, then the recently ended ones. */
    List<TraceInfo> list();

    /**
     * The last {@code n} recorded events of task {@code pid} (live or recently ended), oldest first.
     *
     * @throws IllegalArgumentException if there is no trace of {@code pid}
     */
    List<TraceEvent> log(int pid, int n);

    /** The last {@code n} events of every trace (live or recently ended), in recording order. */
    List<TraceEvent> log(int n);

    /**
     * The statistics of task {@code pid}'s trace, sorted by calls.
     *
     * @throws IllegalArgumentException if there is no trace of {@code pid}
     */
    Stats stats(int pid);

    /** The statistics summed over every trace, live and recently ended (pid 0). */
    Stats stats();

    /**
     * How many times the core has called this tracer's {@code release} so far: once per trace whose
     * engine is gone (untraced, dead and reaped, or revoked with the bundle), never twice.
     */
    long released();

    /**
     * Subscribes {@code listener} to every event recorded from now on. Events reach it
     * asynchronously in batches of at most {@code maxBatch}; at most {@code capacity} wait
     * for it, and further ones are lost and counted, so the traced tasks never wait.
     */
    Subscription subscribe(TraceListener listener, int capacity, int maxBatch);

    /**
     * Writes what is recorded of task {@code pid}'s trace and of the traces followed from it (its
     * threads and children, and theirs), or of every trace for {@code pid} 0, live or recently
     * ended, to {@code file}. The events are in the order they began; times are on one clock (see
     * the README's export section). A file that is not overwritten is created only once it is
     * whole; one that is overwritten is replaced in one step, so a failure leaves no half-written file.
     *
     * @param pid       the trace's task, or 0 for every trace
     * @param file      where to write; a relative path is taken from the working directory
     * @param format    the file's format
     * @param overwrite whether an existing file may be replaced
     * @return what was written
     * @throws IllegalArgumentException if there is no trace of {@code pid}, the file exists and
     *         {@code overwrite} is false, or it cannot be written (no such folder, a folder, no
     *         permission, no space); nothing changed then
     */
    ExportResult export(int pid, Path file, ExportFormat format, boolean overwrite);

    /**
     * Starts a following export: as {@link #export}, then each event as it is recorded, until
     * every trace it covers has ended (for {@code pid} 0: until no trace is live), until it is
     * stopped, or until the tracer stops. The file is created (or truncated) at once and grows as
     * events come. Like any subscriber it never stalls a traced task: events it cannot keep up
     * with are lost and counted ({@link ExportResult#lost}).
     *
     * @return the running export; stop (or close) it to end it early
     * @throws IllegalArgumentException as {@link #export}; nothing changed then
     */
    ExportStream exportFollowing(int pid, Path file, ExportFormat format, boolean overwrite);
}
