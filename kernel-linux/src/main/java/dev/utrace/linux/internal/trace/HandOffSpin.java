package dev.utrace.linux.internal.trace;

/**
 * How long the tracer thread waits, spinning, for the answer to a stop it has just handed to
 * another thread (a listener returned {@link Resume#HOLD}: an engine's client thread or a hook
 * thread will let it go). Blocking in {@code waitpid} instead costs a doorbell ring (a signal,
 * a ptrace stop of the doorbell, a restart) and, on this 2-vCPU VM, the wake-up of an idle vCPU
 * through the hypervisor: 10 to 35 us against the few microseconds a client that is itself
 * awake takes to answer (linux-backend.md section 3.3).
 *
 * <p>Adaptive: spins are counted in windows of {@link #WINDOW}; once more than three quarters of a
 * window ran out, it spins no more for {@link #MIN_PAUSE} hand-offs, twice that after each such window
 * in a row, up to {@link #MAX_PAUSE}, then tries a window again. So a client that is slow to
 * answer (a debugger at its prompt) or a machine so loaded that the client is not running costs
 * little spinning, and a client that answers at once costs no wake-up. The other side of the
 * hand-off (the ptrace engine's wait) spins by the same rule, counted per hand-off too, so
 * after a pause both try again in the same stops, and each finds the other awake. It never spins
 * with one CPU: the client could not run meanwhile. Tracer thread only.
 */
final class HandOffSpin {
    /**
     * The longest spin. A client awake answers in 5 to 10 us; measured on the shared 2-vCPU
     * machine, 50 us let the spin run out in bursts (the client preempted), 100 us seldom.
     */
    static final long MAX_NANOS = 100_000;
    /** Spins counted together: the policy is decided again after each window. */
    static final int WINDOW = 64;
    /** A window is in vain once more than this many of its spins ran out. */
    static final int IN_VAIN = WINDOW * 3 / 4;
    /** Hand-offs without spinning after a window in vain; doubled at each such window in a row. */
    static final int MIN_PAUSE = 64;
    static final int MAX_PAUSE = 256;

    private final long budgetNanos;
    private int inWindow;
    private int answeredInWindow;
    private int pause;
    private int nextPause = MIN_PAUSE;
    /** Counters, for tests and measurements. */
    long spins;
    long answered;

    HandOffSpin(int cpus, long budgetNanos) {
        this.budgetNanos = cpus > 1 ? budgetNanos : 0;
    }

    HandOffSpin() {
        this(Runtime.getRuntime().availableProcessors(), MAX_NANOS);
    }

    /** How long to spin now; 0: block in waitpid at once. */
    long budget() {
        if (pause > 0) {
            pause--;
            return 0;
        }
        return budgetNanos;
    }

    /** A command came after {@code nanos} of spinning. */
    void answered(long nanos) {
        answered++;
        count(true);
    }

    /** The spin ran out. */
    void timedOut() {
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

    /** Whether it spins at the next hand-off (tests). */
    boolean spinning() {
        return budgetNanos > 0 && pause == 0;
    }
}
