package dev.utrace.impl;

import dev.utrace.api.Event;

/** Private event-mask bits and groups. */
final class Bits {
    /** {@code ENGINE_STOP}: this engine holds the task stopped; bit 14, after the public events. */
    static final long ENGINE_STOP = 1L << Event.COUNT;
    /** {@code _UTRACE_DEATH_EVENTS}: while these remain after exit, the death report is pending or running. */
    static final long DEATH_EVENTS = Event.DEATH.bit() | Event.QUIESCE.bit();
    static final long QUIESCE = Event.QUIESCE.bit();
    static final long REAP = Event.REAP.bit();

    private Bits() {
    }
}
