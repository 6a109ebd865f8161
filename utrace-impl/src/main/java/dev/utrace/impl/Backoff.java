package dev.utrace.impl;

import java.util.concurrent.locks.LockSupport;

/**
 * Polling for waits whose condition nobody signals (a callback finishing): spin briefly,
 * then sleep in growing steps up to a millisecond (the kernel sleeps a tick).
 */
final class Backoff {
    private int round;

    void pause() {
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
