package dev.utrace.itests.soak;

import dev.utrace.api.Engine;
import dev.utrace.api.Outcome;
import dev.utrace.spi.TracedTask;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One attach attempt's engine data, and what the soak knows about that engine: the facts the
 * invariants are checked against. It is the {@code data} given to attach, so {@code release}
 * and every callback find it.
 */
final class EngineRecord implements Dice {
    private static final int HISTORY = 24;

    final long serial;
    final SoakOwner owner;
    final SoakOps ops;
    final TracedTask task;
    final String taskLabel;
    final Personality personality;
    private final SplittableRandom random;

    /** The handle, once attach returned it (null while in flight or if it failed). */
    volatile Engine engine;
    /** The attach's outcome; null while the call is in flight. */
    volatile Outcome attachOutcome;
    /** The task the engine is on is not known for sure (a pid attach raced a tid change): use no task-based call. */
    volatile boolean taskUncertain;

    /** Callbacks of this engine running now, and which (the last to start). */
    final AtomicInteger inCallback = new AtomicInteger();
    volatile String runningCallback;
    final AtomicInteger callbacks = new AtomicInteger();
    final AtomicInteger releases = new AtomicInteger();
    /** References the soak holds now (attach, lookups, gets, minus puts). Decremented before each put. */
    final AtomicInteger soakRefs = new AtomicInteger();

    /** control(DETACH) answered DONE: no callback may start after that. */
    volatile boolean detachDone;
    /** control(DETACH) answered DONE or IN_PROGRESS: a later barrier may never answer DONE. */
    volatile boolean detachAccepted;
    /** A barrier after an accepted DETACH answered GONE: every callback is over, none may start. */
    volatile boolean detachComplete;
    /** A callback returned DETACH or threw, or asked for its own detach: none may follow it. */
    volatile boolean noMoreCallbacks;
    volatile boolean deathRunning;
    volatile boolean deathReturned;
    volatile boolean reapReturned;

    private final String[] history = new String[HISTORY];
    private int historyNext;

    EngineRecord(long serial, SoakOwner owner, SoakOps ops, TracedTask task, long seed) {
        this.serial = serial;
        this.owner = owner;
        this.ops = ops;
        this.task = task;
        this.taskLabel = task.tid() + " (" + task.comm() + ")";
        this.random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + serial);
        this.personality = Personality.draw(random);
    }

    /** This engine's own random stream; callbacks of one engine may run on several threads. */
    @Override
    public synchronized double nextDouble() {
        return random.nextDouble();
    }

    @Override
    public synchronized int nextInt(int bound) {
        return random.nextInt(bound);
    }

    boolean created() {
        return attachOutcome == Outcome.DONE && engine != null;
    }

    void note(String event) {
        synchronized (history) {
            history[historyNext++ % HISTORY] = Thread.currentThread().getName() + ": " + event;
        }
    }

    /** Who this engine is and its recent history, for a violation's context. */
    String describe() {
        StringBuilder sb = new StringBuilder("engine #" + serial + " (" + ops.label + " of owner " + owner.name
                + ") on task " + taskLabel + ", refs held by the soak " + soakRefs.get() + ", releases " + releases.get()
                + ", callbacks " + callbacks.get() + (runningCallback != null ? ", running " + runningCallback : "")
                + "; recent history (oldest first):");
        synchronized (history) {
            int start = Math.max(0, historyNext - HISTORY);
            for (int i = start; i < historyNext; i++) sb.append("\n  ").append(history[i % HISTORY]);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "engine #" + serial;
    }

    /** How an engine answers: drawn once per engine from its random stream. */
    record Personality(double stop, double detach, double fault, double sleep, double selfCall, double otherAction) {
        static Personality draw(SplittableRandom r) {
            return new Personality(
                    r.nextDouble() * 0.3,       // STOP
                    r.nextDouble() * 0.02,      // DETACH
                    r.nextDouble() * 0.006,     // throw
                    r.nextDouble() * 0.03,      // sleep briefly
                    r.nextDouble() * 0.05,      // call control/setEvents/barrier on its own task
                    r.nextDouble() * 0.12);     // INTERRUPT, REPORT, SINGLESTEP or BLOCKSTEP
        }
    }
}
