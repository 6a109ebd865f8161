package dev.utrace.impl;

import dev.utrace.api.ResumeAction;

/** The bookkeeping of one reporting pass ({@code struct utrace_report}); reused by its task. */
final class Report {
    /** The most constrained action so far, STOP included (R-ACT-5). */
    ResumeAction action;
    /** The most constrained non-STOP action, owed when a stop ends. */
    ResumeAction resumeAction;
    /** Signal or syscall bits of the last engine's return. */
    int result;
    boolean detaches;
    boolean spurious;

    Report init() {
        action = ResumeAction.RESUME;
        resumeAction = ResumeAction.RESUME;
        result = 0;
        detaches = false;
        spurious = true;
        return this;
    }
}
