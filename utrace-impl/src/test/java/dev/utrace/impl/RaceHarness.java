package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.Phaser;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Runs many rounds of a two-sided race on two long-lived platform threads. Each round: the
 * test thread sets the round up, both workers are released by a {@link Phaser}, meet again in
 * a spin rendezvous (so their sides really overlap, unlike a park/unpark hand-off), run their
 * side, and the test thread checks the round once both are done.
 */
final class RaceHarness implements AutoCloseable {
    /** One round of a race: side A and side B run concurrently, then {@link #check} on the test thread. */
    interface Round {
        void sideA() throws Exception;

        void sideB() throws Exception;

        /** Runs on the test thread after both sides finished; asserts the round's invariants. */
        void check(int iteration);
    }

    static int iterations() {
        return Integer.parseInt(System.getProperty("race.iterations", "10000"));
    }

    /** Busy-waits up to {@code max} spin hints, chosen at random, to sweep the race window. */
    static void jitter(int max) {
        int n = ThreadLocalRandom.current().nextInt(max);
        for (int i = 0; i < n; i++) Thread.onSpinWait();
    }

    private final Phaser phaser = new Phaser(3);
    private final AtomicInteger arrived = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread[] workers = new Thread[2];
    private volatile Round round;
    private volatile int seq;
    private volatile boolean closing;

    RaceHarness(String name) {
        for (int i = 0; i < 2; i++) {
            int side = i;
            workers[i] = Thread.ofPlatform().name(name + "-" + (side == 0 ? "A" : "B")).daemon().start(() -> loop(side));
        }
    }

    private void loop(int side) {
        for (;;) {
            phaser.arriveAndAwaitAdvance(); // start of a round
            if (closing) return;
            Round r = round;
            int target = 2 * seq;
            arrived.incrementAndGet();
            for (int spins = 0; arrived.get() < target; spins++) { // both sides go together
                if (spins < 2000) Thread.onSpinWait(); else Thread.yield(); // the other side may be descheduled
            }
            try {
                if (side == 0) r.sideA(); else r.sideB();
            } catch (Throwable t) {
                failure.compareAndSet(null, new AssertionError("side " + (side == 0 ? "A" : "B") + " threw", t));
            }
            phaser.arriveAndAwaitAdvance(); // end of the round
        }
    }

    /** Runs {@code n} rounds made by {@code setup} (given the iteration number). */
    void run(int n, IntFunction<Round> setup) {
        for (int i = 0; i < n; i++) {
            Round r = setup.apply(i);
            round = r;
            seq = i + 1;
            try {
                // Start: all three arrive; then end: all three arrive again once both sides are done.
                phaser.awaitAdvanceInterruptibly(phaser.arrive(), 20, TimeUnit.SECONDS);
                phaser.awaitAdvanceInterruptibly(phaser.arrive(), 20, TimeUnit.SECONDS);
            } catch (TimeoutException | InterruptedException e) {
                StringBuilder sb = new StringBuilder("round " + i + " did not finish in 20 s");
                for (Thread w : workers) {
                    sb.append("\n").append(w.getName()).append(" ").append(w.getState());
                    for (StackTraceElement s : w.getStackTrace()) sb.append("\n    at ").append(s);
                }
                fail(sb.toString());
            }
            Throwable t = failure.get();
            if (t != null) throw new AssertionError("round " + i + ": " + t.getMessage(), t);
            r.check(i);
        }
    }

    @Override
    public void close() {
        closing = true;
        phaser.arrive(); // workers wake, see closing and leave (daemon threads in any case)
    }
}
