package dev.utrace.api.spin;

import java.util.concurrent.locks.LockSupport;

/**
 * Polling for a wait whose condition nobody signals, typically a callback finishing on another
 * thread: spins briefly, then yields, then sleeps in growing steps up to a millisecond (the
 * kernel sleeps a tick). The first pauses cost nanoseconds, so a condition that comes within
 * microseconds (the pass that chose a stop finishing, as {@code wait_task_inactive} waits for)
 * is seen at once; a sleep, even of a microsecond, costs tens of microseconds (the timer's
 * slack). One per wait; not thread-safe.
 */
public final class Backoff {
    private int round;

    /** Waits a little, longer at each call. */
    public void pause() {
        round++;
        if (round < 64) {
            Thread.onSpinWait();
        } else if (round < 80) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(Math.min(1_000_000L, 10_000L << Math.min(round - 80, 7)));
        }
    }
}
