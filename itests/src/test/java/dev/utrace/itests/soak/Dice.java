package dev.utrace.itests.soak;

import java.util.SplittableRandom;

/** A source of random choices: a controller's own stream, or an engine's (shared by its callbacks). */
interface Dice {
    double nextDouble();

    int nextInt(int bound);

    default boolean chance(double p) {
        return nextDouble() < p;
    }

    /** A thread-confined stream. */
    static Dice of(SplittableRandom r) {
        return new Dice() {
            @Override
            public double nextDouble() {
                return r.nextDouble();
            }

            @Override
            public int nextInt(int bound) {
                return r.nextInt(bound);
            }
        };
    }
}
