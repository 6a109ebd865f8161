package dev.utrace.impl;

import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.ExitCode;
import dev.utrace.spi.TracedTask;

/**
 * The bookkeeping of one reporting pass ({@code struct utrace_report}); reused by its task.
 * Actions are kept as ordinals, so a syscall pass makes no reference stores (under G1 each
 * carries GC write barriers); only the rare events with object arguments store them here.
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

    // The event's arguments, for EventCalls. Set by the hook that carries them; the reference
    // ones are cleared after their pass (they are rare events), the others are left as they are.
    /** {@link #syscallNr} of a pass that is not for a syscall. */
    static final long NOT_SYSCALL = Long.MIN_VALUE;
    /** {@link #syscallNr} of a syscall pass whose number was not read: no engine had a syscall set when it began. */
    static final long UNREAD = Long.MIN_VALUE + 1;

    /** The syscall number engines' syscall sets are tested against, or {@link #NOT_SYSCALL}, {@link #UNREAD}. */
    long syscallNr;
    /** {@code UTRACE_SYSCALL_RESUMED} when the syscall-entry pass repeats (R-SYS-2), else 0. */
    int syscallResumed;
    long cloneFlags;
    TracedTask child;
    String execFormat;
    ExecInfo exec;
    long origCode;
    ExitCode exitCode;
    boolean groupDead;
    int deathSignal;
    int jctlType;
    int jctlNotify;

    /** Drops the reference arguments once their pass is over, so the report keeps nothing alive. */
    void clearArguments() {
        child = null;
        execFormat = null;
        exec = null;
        exitCode = null;
    }

    Report init() {
        act = RESUME;
        resumeAct = RESUME;
        result = 0;
        detaches = false;
        spurious = true;
        syscallNr = NOT_SYSCALL;
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
