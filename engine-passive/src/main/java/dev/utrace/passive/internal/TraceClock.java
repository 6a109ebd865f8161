package dev.utrace.passive.internal;

import java.time.Instant;

/**
 * The one clock of a tracer's events: {@link System#nanoTime()} (monotonic), read when the tracer
 * started and at each event. Exports write times relative to that start, so times from every
 * export of one tracer line up; the wall-clock time of an event is estimated from the wall clock
 * read at the same start.
 *
 * @param startNanos {@code System.nanoTime()} when the tracer started
 * @param startWall  the wall clock then
 */
record TraceClock(long startNanos, Instant startWall) {
    static TraceClock now() {
        return new TraceClock(System.nanoTime(), Instant.now());
    }

    /** Nanoseconds from the tracer's start to {@code nanos} (a {@code System.nanoTime()} reading). */
    long sinceStart(long nanos) {
        return nanos - startNanos;
    }

    /** The wall-clock time of {@code nanos}, estimated: the start's wall clock plus the monotonic time since. */
    Instant wall(long nanos) {
        return startWall.plusNanos(nanos - startNanos);
    }
}
