package dev.utrace.api;

/**
 * State recorded by {@link Utrace#prepareExamine} and checked by
 * {@link Utrace#finishExamine} ({@code struct utrace_examiner}). One per examination;
 * reusable after finish.
 */
public final class Examination {
    /** Set by the core: the task's stop generation when prepared. */
    public long stopGeneration = -1;
}
