package dev.utrace.impl;

import dev.utrace.api.ResumeAction;

/**
 * The bookkeeping of one reporting pass ({@code struct utrace_report}); reused by its task.
 * Actions are kept as ordinals: a pass then makes no reference stores, which under G1 each
 * carry GC write barriers, on the dispatch path.
 */
final class Report {
    private static final ResumeAction[] ACTIONS = ResumeAction.values();
    static final int STOP = ResumeAction.STOP.ordinal();
    static final int RESUME = ResumeAction.RESUME.ordinal();

    /** The most constrained action so far, STOP included (R-ACT-5); an ordinal. */
    int act;
    /** The most constrained non-STOP action, owed when a stop ends; an ordinal. */
    int resumeAct;
    /** Signal or syscall bits of the last engine's return. */
    int result;
    boolean detaches;
    boolean spurious;

    Report init() {
        act = RESUME;
        resumeAct = RESUME;
        result = 0;
        detaches = false;
        spurious = true;
        return this;
    }

    ResumeAction action() {
        return ACTIONS[act];
    }

    void action(ResumeAction a) {
        act = a.ordinal();
    }

    ResumeAction resumeAction() {
        return ACTIONS[resumeAct];
    }
}
