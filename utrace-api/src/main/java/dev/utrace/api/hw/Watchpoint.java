package dev.utrace.api.hw;

import dev.utrace.api.task.Task;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One owner's claim on a debug slot of one thread, returned by {@link DebugSlots#install}.
 * Two claims for the same range and access on a thread share a slot; each has its own handle
 * and each is removed on its own. Identity is the object.
 */
@ProviderType
public interface Watchpoint {
    /** The thread it watches. */
    Task task();

    /** Whoever installed it, as passed to {@link DebugSlots#install}. */
    Object owner();

    /** The first byte watched. */
    long address();

    /** 1, 2, 4 or 8. */
    int length();

    Access access();

    /** The hardware slot (0-3) it occupies until removed. */
    int slot();

    /** Whether it is still installed: true until its owner {@linkplain DebugSlots#remove removes} it. */
    boolean installed();

    /**
     * Whether the hardware watches for it now. False once removed, and from the thread's exec or
     * exit on: the machine then disarms the thread's slots (a new image, or no more user code),
     * but the claim stays installed, and keeps its slot, until its owner removes it (R-HBP-1).
     */
    boolean armed();
}
