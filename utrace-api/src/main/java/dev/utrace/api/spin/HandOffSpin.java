package dev.utrace.api.spin;

/**
 * How long one side of a hand-off spins for the other side's answer before it blocks: the
 * machine's tracer thread after it handed a held stop to an engine's thread, and that thread
 * waiting for the task's next stop. Blocked, each answer costs a wake-up (on a 2-vCPU VM the
 * wake-up of an idle vCPU through the hypervisor: 10 to 35 us) against the few microseconds an
 * awake thread takes to answer.
 *
 * <p>Adaptive: spins are counted in windows of {@link #WINDOW}; once more than a quarter of a
 * window ran out, it spins no more for {@link #MIN_PAUSE} hand-offs, twice that after each such
 * window in a row, up to {@link #MAX_PAUSE}, then tries a window again. A quarter is about where
 * spinning stops paying: a spin that runs out burns its whole budget (100 to 200 us of a CPU)
 * to save nothing, one that is answered saves a wake-up (10 to 35 us), so with a quarter run
 * out the spinning costs more CPU than the wake-ups it saves, and on a loaded machine that CPU is
 * what the other side is waiting for. So an answer that is slow to come (a debugger at its
 * prompt, a program computing) or a machine so loaded that the other side is not running costs
 * little spinning. Both sides of a hand-off count by the same rule, so after a pause both try
 * again in the same stops and each finds the other awake. It never spins with one CPU: the
 * other side could not run meanwhile.
 *
 * <p>Measured (benchmarks/README.md, 2026-12-04): a ptrace client answering 180,000 stops with a
 * CPU hog on its CPU took 14 s when a window was in vain at three quarters run out and the
 * longest pause was 256 hand-offs (each trial window burnt 49 budgets or more), 6.3 to 8.7 s with
 * a quarter and 1,024, and 10.7 s never spinning; 4.2 to 5.9 s either way without the hog.
 *
 * <p>Not thread-safe, and need not be: the fields are heuristics, not state; two threads that
 * share one may race on them harmlessly.
 */
public final class HandOffSpin {
    /** Spins counted together: the policy is decided again after each window. */
    public static final int WINDOW = 64;
    /** A window is in vain once more than this many of its spins ran out (decided at once: the rest of the window is not spun). */
    public static final int IN_VAIN = WINDOW / 4;
    /** Hand-offs without spinning after a window in vain; doubled at each such window in a row. */
    public static final int MIN_PAUSE = 64;
    /** The longest pause, in hand-offs. */
    public static final int MAX_PAUSE = 1024;

    private final long budgetNanos;
    private int inWindow;
    private int answeredInWindow;
    private int pause;
    private int nextPause = MIN_PAUSE;
    private long spins;
    private long answered;

    /**
     * @param cpus        the CPUs this process may use (none is spent spinning with one)
     * @param budgetNanos the longest spin
     */
    public HandOffSpin(int cpus, long budgetNanos) {
        if (budgetNanos < 0) throw new IllegalArgumentException("budget " + budgetNanos + " ns; give 0 (never spin) or more");
        this.budgetNanos = cpus > 1 ? budgetNanos : 0;
    }

    /** Spins of at most {@code budgetNanos} on the CPUs this JVM may use. */
    public static HandOffSpin upTo(long budgetNanos) {
        return new HandOffSpin(Runtime.getRuntime().availableProcessors(), budgetNanos);
    }

    /** How long to spin now; 0: block at once. */
    public long budget() {
        if (pause > 0) {
            pause--;
            return 0;
        }
        return budgetNanos;
    }

    /** The answer came after {@code nanos} of spinning. */
    public void answered(long nanos) {
        answered++;
        count(true);
    }

    /** The spin ran out. */
    public void timedOut() {
        count(false);
    }

    private void count(boolean ok) {
        spins++;
        inWindow++;
        if (ok) answeredInWindow++;
        int failed = inWindow - answeredInWindow;
        if (failed > IN_VAIN) {
            // In vain: stop spinning for a while, longer each time in a row.
            pause = nextPause;
            nextPause = Math.min(MAX_PAUSE, nextPause * 2);
        } else if (inWindow < WINDOW) {
            return;
        } else {
            nextPause = MIN_PAUSE;
        }
        inWindow = 0;
        answeredInWindow = 0;
    }

    /** Whether it spins at the next hand-off. */
    public boolean spinning() {
        return budgetNanos > 0 && pause == 0;
    }

    /** Spins so far (answered or run out). */
    public long spins() {
        return spins;
    }

    /** Spins an answer ended. */
    public long answeredSpins() {
        return answered;
    }
}
