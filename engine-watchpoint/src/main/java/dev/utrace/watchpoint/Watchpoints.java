package dev.utrace.watchpoint;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.WatchpointException;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The watchpoint service: hardware data watchpoints on threads and processes, owned by this
 * engine. A hit's SIGTRAP is consumed (the program never sees it), unless the watch asks to
 * stop on a hit: then the thread is held stopped, for a debugger to examine, until
 * {@link #resume}.
 *
 * <p>Refusals change nothing: {@link WatchpointException} with the machine's errno (EINVAL for a
 * bad length, alignment or address; ENOSPC when a thread's four debug slots hold other ranges;
 * ESRCH when the thread is exiting) and {@link IllegalArgumentException} for the rest (no such
 * task or watch), each message saying what was wrong and what to do.
 */
@ProviderType
public interface Watchpoints {
    /** Hits each watch keeps; older ones are dropped and counted. */
    int HITS_KEPT = 256;

    /**
     * Watches {@code length} bytes at {@code address} of task {@code pid} for {@code access}.
     *
     * @param scope     {@link Scope#THREAD}: thread {@code pid} only; {@link Scope#PROCESS}: every
     *                  thread of {@code pid}'s process, also those it starts later
     * @param stopOnHit hold the thread that hits it stopped (until {@link #resume})
     * @return the new watch
     * @throws WatchpointException EINVAL, ENOSPC or ESRCH, as above; nothing changed then
     * @throws IllegalArgumentException if no task has thread id {@code pid} or it is a kernel thread
     */
    WatchInfo add(int pid, long address, int length, Access access, Scope scope, boolean stopOnHit);

    /**
     * Removes watch {@code id} from every thread it is on; a thread it held stopped runs on.
     *
     * @return the watch as it ended
     * @throws IllegalArgumentException if no live watch has that id
     */
    WatchInfo remove(int id);

    /** The live watches by id, then the recently ended ones. */
    List<WatchInfo> list();

    /**
     * The last {@code n} hits of watch {@code id} (live or recently ended), oldest first.
     *
     * @throws IllegalArgumentException if there is no such watch
     */
    List<Hit> hits(int id, int n);

    /** The last {@code n} hits of every watch, oldest first. */
    List<Hit> hits(int n);

    /**
     * Lets thread {@code tid}, held stopped on a hit, run on.
     *
     * @throws IllegalArgumentException if this engine holds no thread {@code tid} stopped
     */
    void resume(int tid);

    /**
     * How many times the core has called this engine's {@code release} so far: once per thread
     * it was attached to (detached, exited, exec'd, or revoked with the bundle), never twice.
     */
    long released();
}
