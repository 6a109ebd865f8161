package dev.utrace.impl;

import dev.utrace.api.Event;

/** Private event-mask bits and groups. */
final class Bits {
    /** {@code ENGINE_STOP}: this engine holds the task stopped; bit 14, after the public events. */
    static final long ENGINE_STOP = 1L << Event.COUNT;
    /**
     * The engine's syscall set is not {@code SyscallSet.ALL}; in the task's union, some engine's
     * is not. Kept in the flags so that a pass learns it with the load it makes anyway (ordered
     * against {@code reporting} as the events are, R-CTL-4), and a task whose engines want every
     * syscall never reads the syscall number.
     */
    static final long SYSCALL_FILTER = 1L << (Event.COUNT + 1);
    /** The private bits of an engine's flags: what {@code Engine.events()} leaves out. */
    static final long PRIVATE = ENGINE_STOP | SYSCALL_FILTER;
    /** {@code _UTRACE_DEATH_EVENTS}: while these remain after exit, the death report is pending or running. */
    static final long DEATH_EVENTS = Event.DEATH.bit() | Event.QUIESCE.bit();
    static final long QUIESCE = Event.QUIESCE.bit();
    static final long REAP = Event.REAP.bit();

    private Bits() {
    }
}
