package dev.utrace.api.hw;

import dev.utrace.api.task.Task;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The debug-slot allocator of a machine, a service the machine registers. It is the only way
 * clients program data watchpoints, so it always knows who owns each slot. Thread-safe; callable
 * from any thread, also while the task runs (the change takes effect before the thread's next
 * instruction). It never calls back into its clients.
 */
@ProviderType
public interface DebugSlots {
    /** Slots per thread. */
    int SLOTS = 4;

    /**
     * Watches {@code length} bytes at {@code address} of {@code task}'s memory for
     * {@code access}, on this thread only. If a slot of the thread already watches exactly that
     * range and access, the claim shares it (reference counted); otherwise it takes a free slot.
     *
     * @param owner who owns the claim (compared by identity); only it should remove it
     * @throws WatchpointException EINVAL for a length other than 1, 2, 4, 8 or an address not
     *         aligned to it; ENOSPC when all slots hold other ranges; ESRCH when the thread has
     *         begun to exit or is gone (R-HBP-4)
     */
    Watchpoint install(Task task, Object owner, long address, int length, Access access);

    /**
     * Removes a claim; the slot is freed when its last claim goes. Returns true the first time,
     * false if it was already removed (so owners can prove they remove exactly once).
     */
    boolean remove(Watchpoint watchpoint);

    /** Every claim {@code owner} holds on {@code task}, in slot order. */
    List<Watchpoint> claims(Task task, Object owner);

    /** The used slots of {@code task}; empty for a thread that has none or is gone. */
    List<SlotInfo> slots(Task task);

    /**
     * Takes the hits of {@code owner}'s claims on {@code task} since the last call, oldest
     * first. A watchpoint trap arrives as SIGTRAP with code TRAP_HWBKPT; each owner takes its own
     * hits while the task is at a safe point (in one of its callbacks, e.g. the signal report),
     * and consumes the SIGTRAP if the hits were all its. A hit of a shared slot is given to
     * every claim's owner.
     */
    List<WatchHit> takeHits(Task task, Object owner);
}
