package dev.utrace.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle on one engine attached to one task ({@code struct utrace_engine}).
 *
 * <p><b>References (R-REF-1..3).</b> A successful attach with {@link AttachFlags#CREATE}
 * returns an engine with two references: one is yours, the other is the implicit
 * "attached" reference owned by the task's list, which the core drops when the engine
 * detaches or the task is reaped. A lookup (attach without CREATE) gives you a new
 * reference. Every reference you own must be dropped with {@link #put()}.
 *
 * <p><b>Release (R-REF-5).</b> When the last reference is dropped, the core calls
 * {@link EngineOps#release(Object)} of the ops given at attach, once, with {@link #data()},
 * in whatever thread dropped it (R-REF-6). A failed attach never calls it (R-REF-7).
 *
 * <p>While you hold a reference the handle is stable: every utrace call on it is safe,
 * and on a detached engine they answer {@link Outcome#GONE} (R-REF-8).
 */
@ProviderType
public interface Engine {
    /**
     * Takes one more reference. The caller must already hold one.
     *
     * @return this engine, for chaining
     * @throws IllegalStateException if the engine is already freed (no reference left)
     */
    Engine get();

    /**
     * Drops one reference. When it was the last, {@code release(data)} runs now, in this thread.
     *
     * @throws IllegalStateException if no reference is left (a put without a matching get)
     */
    void put();

    /** The engine-private data given at attach; never changed by the core. May be null. */
    Object data();

    /** The current event mask as set by {@link Utrace#setEvents} (0 once fully detached). */
    long events();

    /** The syscalls it wants reported, as set by {@link Utrace#setSyscalls}; {@link SyscallSet#ALL} until then. */
    SyscallSet syscalls();

    /** Where the engine is in its life; a snapshot. */
    EngineState state();

    /** The current reference count; for diagnostics only, it may change at once. */
    int refCount();

    /** Whether the engine is holding its task stopped (its standing STOP); a snapshot. */
    boolean holdsStop();

    /** Who attached the engine: the owning bundle's symbolic name and id, or a test's name. */
    String owner();
}
