package dev.utrace.api.hw;

import dev.utrace.api.task.Task;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The debug-slot allocator of a machine, a service the machine registers. It is the only way
 * clients program data watchpoints (a direct write of DR0-DR3 or DR7 through
 * {@link Task#setRegister} is refused), so it always knows who owns each slot. Thread-safe;
 * callable from any thread, also while the task runs: an install or remove takes effect before
 * the thread's next instruction, and a removed claim never gets a hit recorded after
 * {@link #remove} returned. It never calls back into its clients, so a client may call it while
 * holding its own locks.
 *
 * <p>See the package documentation for the life of a claim and of a hit.
 */
@ProviderType
public interface DebugSlots {
    /** Slots per thread. */
    int SLOTS = 4;

    /** Untaken hits a thread keeps, over all owners; the oldest are dropped beyond it. */
    int HITS_KEPT = 64;

    /**
     * The end of user space on x86_64 ({@code TASK_SIZE_MAX}): a watched range must lie below it,
     * as Linux refuses a user watchpoint on kernel addresses.
     */
    long USER_END = 0x7FFF_FFFF_F000L;

    /**
     * Watches {@code length} bytes at {@code address} of {@code task}'s memory for
     * {@code access}, on this thread only. If an armed slot of the thread already watches exactly
     * that range and access, the claim shares it (reference counted); otherwise it takes the
     * lowest free slot. The range may be unmapped (as on x86, where a debug register holds any
     * address).
     *
     * @param owner who owns the claim (compared by identity); only it should remove it. Its
     *              {@code toString()} names it in {@link #slots} and in refusals, so make it say
     *              who it is (e.g. "ptrace of 12")
     * @return the claim, {@linkplain Watchpoint#armed() armed}
     * @throws WatchpointException nothing changed then: EINVAL for a length other than 1, 2, 4,
     *         8, an address not aligned to it, a range outside user space or a kernel thread;
     *         ENOSPC when all slots hold other ranges (or stale claims, see the package page);
     *         ESRCH when the thread has begun to exit or is gone (R-HBP-4)
     * @throws IllegalArgumentException if {@code task} is not a task of this machine
     */
    Watchpoint install(Task task, Object owner, long address, int length, Access access);

    /**
     * Removes a claim; the slot is freed when its last claim goes. Returns true the first time,
     * false if it was already removed (so owners can prove they remove exactly once). Works at
     * any time, also after the thread exec'd, exited or was reaped. Hits the claim got before
     * are kept for {@link #takeHits}.
     *
     * @throws IllegalArgumentException if {@code watchpoint} was not made by this machine
     */
    boolean remove(Watchpoint watchpoint);

    /** Every claim {@code owner} still holds on {@code task} (armed or stale), in slot order. */
    List<Watchpoint> claims(Task task, Object owner);

    /** The used slots of {@code task}, in slot order; empty for a thread that has none. */
    List<SlotInfo> slots(Task task);

    /**
     * Takes {@code owner}'s hits on {@code task} since the last call, oldest first; removes them.
     *
     * <p>A watchpoint trap records its hits, then raises SIGTRAP (si_code TRAP_HWBKPT, si_addr
     * the {@linkplain WatchHit#ip() ip after the access}) on the trapping thread; so in the
     * signal report of that SIGTRAP every hit of that trap is here. A hit of a slot shared by
     * several claims is given to each claim (one {@link WatchHit} each, naming its claim). Hits
     * of claims removed since the trap are included.
     *
     * <p>The SIGTRAP is the owners' business: an owner that got hits consumes it (returns
     * {@code SignalAction.IGN}, or takes charge of it as ptrace does by reporting it to its
     * tracer); an owner with none passes the signal action on unchanged. Every engine in the
     * signal report is called whatever an earlier one chose, so each owner takes its own hits
     * even when another consumed the signal first.
     *
     * <p>A thread keeps at most {@link #HITS_KEPT} untaken hits over all owners; older ones are
     * dropped, so an owner that never takes its hits costs a bounded amount.
     */
    List<WatchHit> takeHits(Task task, Object owner);

    /**
     * Gives up {@code owner}'s untaken hits on {@code task}, for an owner about to detach from the
     * task (remove its claims first). If their SIGTRAP is still pending and no other owner's hits
     * wait on it, the SIGTRAP is withdrawn, so the program never receives a trap whose owners
     * have all gone.
     *
     * @return true when settled: nothing of {@code owner}'s can reach the program any more (the
     *         hits are dropped, or there were none). False when their SIGTRAP is being reported
     *         right now (dequeued, the task not yet back in user mode): the hits are kept, the
     *         owner's signal callback, which is about to run, must take them and consume the
     *         SIGTRAP; detach only after that (or call again: it answers true once they are taken)
     */
    boolean discardHits(Task task, Object owner);

    /**
     * The live threads (not exiting) of {@code task}'s thread group, in thread-id order: what an
     * owner watching a whole process installs on, since every watchpoint is per thread. Empty
     * once the group is gone.
     */
    List<Task> threads(Task task);

    /**
     * Checks a range as {@link #install} does, without a task.
     *
     * @throws WatchpointException EINVAL saying what is wrong with it and what would do
     */
    static void checkRange(long address, int length) {
        if (length != 1 && length != 2 && length != 4 && length != 8) {
            throw new WatchpointException("EINVAL", "length " + length + " cannot be watched; use 1, 2, 4 or 8 bytes");
        }
        if (address % length != 0) {
            throw new WatchpointException("EINVAL", "address 0x" + Long.toHexString(address)
                    + " is not aligned to its length " + length + "; use a multiple of " + length + " (e.g. 0x"
                    + Long.toHexString(address & -length) + ")");
        }
        if (address < 0 || address > USER_END - length) {
            throw new WatchpointException("EINVAL", "address 0x" + Long.toHexString(address)
                    + " is not in user space; watch an address below 0x" + Long.toHexString(USER_END));
        }
    }
}
