package dev.utrace.api;

import java.util.Objects;

/**
 * The result of {@link Utrace#attach}: an engine with a reference you own, or an outcome
 * saying why there is none.
 */
public final class AttachResult {
    private static final AttachResult[] FAILURES = new AttachResult[Outcome.values().length];

    static {
        for (Outcome o : Outcome.values()) {
            FAILURES[o.ordinal()] = new AttachResult(o, null);
        }
    }

    private final Outcome outcome;
    private final Engine engine;

    private AttachResult(Outcome outcome, Engine engine) {
        this.outcome = outcome;
        this.engine = engine;
    }

    /** A successful result carrying {@code engine}; for implementations of {@link Utrace}. */
    public static AttachResult of(Engine engine) {
        return new AttachResult(Outcome.DONE, Objects.requireNonNull(engine, "engine"));
    }

    /** A failed result; for implementations of {@link Utrace}. */
    public static AttachResult failed(Outcome outcome) {
        if (outcome == Outcome.DONE) {
            throw new IllegalArgumentException("a failed attach needs an outcome other than DONE");
        }
        return FAILURES[outcome.ordinal()];
    }

    /** {@link Outcome#DONE} when an engine is present, else why not. */
    public Outcome outcome() {
        return outcome;
    }

    /** Whether an engine was attached or found. */
    public boolean ok() {
        return engine != null;
    }

    /**
     * The engine; the caller owns one reference to it and must {@link Engine#put()} it.
     *
     * @throws IllegalStateException if the attach failed (check {@link #ok()} first)
     */
    public Engine engine() {
        if (engine == null) {
            throw new IllegalStateException("attach failed with " + outcome + " (" + outcome.errno() + "); no engine");
        }
        return engine;
    }

    @Override
    public String toString() {
        return engine != null ? "attached " + engine : "failed " + outcome + " (" + outcome.errno() + ")";
    }
}
