package dev.utrace.ptrace.internal;

/**
 * How long a session's {@code wait} spins for a change before it parks. The client of a ptrace
 * session restarts a tracee and waits for its next stop, which on a real machine usually comes
 * some microseconds later (a ptrace round trip is about 6 us); parked, it costs the machine's
 * tracer thread a wake-up of this thread at every stop (on a 2-vCPU VM the wake-up of an idle
 * vCPU through the hypervisor: 10 to 35 us), and the tracer, which itself spins briefly for the
 * answer before it blocks (kernel-linux), then waits in vain.
 *
 * <p>Adaptive: spins are counted in windows of {@link #WINDOW}; once more than three quarters of a
 * window ran out, waits park at once for the next {@link #MIN_PAUSE} waits, twice that after each such
 * window in a row, up to {@link #MAX_PAUSE}, then a window spins again. So a tracee that seldom
 * stops (a program computing, a debugger at its prompt) or a machine too loaded for the tracee
 * to run meanwhile costs little spinning. The machine's side counts per hand-off by the same
 * rule, so after a pause both try again in the same stops and each finds the other awake. It
 * never spins with one CPU. The fields are heuristics, not state: waits of several threads on
 * one session may race on them harmlessly.
 */
final class WaitSpin {
    /**
     * The longest spin. The next stop comes 10 to 40 us after a restart (the machine's tracer
     * thread may be blocked and need its doorbell); measured on the shared 2-vCPU machine, 100 us
     * let the spin run out in bursts, 200 us seldom.
     */
    static final long MAX_NANOS = 200_000;
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

    WaitSpin(int cpus, long budgetNanos) {
        this.budgetNanos = cpus > 1 ? budgetNanos : 0;
    }

    WaitSpin() {
        this(Runtime.getRuntime().availableProcessors(), MAX_NANOS);
    }

    /** How long to spin now; 0: park at once. */
    long budget() {
        if (pause > 0) {
            pause--;
            return 0;
        }
        return budgetNanos;
    }

    /** A change came after {@code nanos} of spinning. */
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

    /** Whether it spins at the next wait (tests). */
    boolean spinning() {
        return budgetNanos > 0 && pause == 0;
    }
}
