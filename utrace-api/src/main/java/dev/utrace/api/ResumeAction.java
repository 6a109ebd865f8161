package dev.utrace.api;

/**
 * What a task should do next ({@code enum utrace_resume_action}). <b>The order carries
 * meaning</b>: a lower ordinal is more constrained, and when several engines choose, the
 * smallest wins (R-ACT-1): STOP &lt; INTERRUPT &lt; REPORT &lt; SINGLESTEP &lt; BLOCKSTEP
 * &lt; RESUME &lt; DETACH. DETACH is never combined; it only concerns the engine that
 * returns it (R-ACT-3). Do not reorder.
 *
 * <p>In packed {@code int} actions (signal and syscall callbacks) the resume action is the
 * low three bits ({@link #MASK}); {@link #of(int)} extracts it and {@link #code()} is the
 * value to OR in.
 */
public enum ResumeAction {
    /** Stay quiescent; the task stays stopped until every engine that said STOP lets go. */
    STOP,
    /** Make a {@code reportSignal(REPORT)} before the task delivers signals or returns to user mode; breaks interruptible waits. */
    INTERRUPT,
    /** Make a {@code reportQuiesce(null)} (or {@code reportSignal(REPORT)}) before the task returns to user mode. */
    REPORT,
    /** Resume, stepping one user instruction. */
    SINGLESTEP,
    /** Resume, stepping until the next branch (single-steps where block-step is not available). */
    BLOCKSTEP,
    /** Resume normally. */
    RESUME,
    /** Detach this engine; it is not combined with the others' choices. */
    DETACH;

    /** {@code UTRACE_RESUME_MASK}: the bits of a packed action that hold the resume action. */
    public static final int MASK = 0x7;

    private static final ResumeAction[] VALUES = values();

    /** This action as it is ORed into a packed action. */
    public int code() {
        return ordinal();
    }

    /**
     * The resume action in a packed action ({@code utrace_resume_action(x)}).
     *
     * @throws IllegalArgumentException if the low bits hold 7, which names no action
     */
    public static ResumeAction of(int packed) {
        int v = packed & MASK;
        if (v >= VALUES.length) {
            throw new IllegalArgumentException("no resume action in packed value 0x" + Integer.toHexString(packed));
        }
        return VALUES[v];
    }

    /** The more constrained of two actions (the smaller wins). */
    public static ResumeAction min(ResumeAction a, ResumeAction b) {
        return a.ordinal() <= b.ordinal() ? a : b;
    }
}
