package dev.utrace.impl;

import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.spi.TracedTask;

/**
 * The event-specific callback of a reporting pass, with the event's arguments taken from the
 * pass's {@link Report} (so a pass allocates nothing), and its answer packed as an int (resume
 * action in the low bits, syscall bits above; section 1.4).
 */
final class EventCalls {
    private EventCalls() {
    }

    /** One event's callback: calls it on {@code ops} with the pass's arguments, packs its answer. */
    @FunctionalInterface
    interface Call {
        int call(EngineOps ops, UtraceEngine e, TracedTask t, Report r);
    }

    // One constant per event, so that at each hook the pass's call site sees one receiver and
    // the JIT can inline the callback dispatch there.
    static final Call SYSCALL_ENTRY = (ops, e, t, r) -> ops.reportSyscallEntry(r.syscallResumed | r.result | r.action().code(), e, t);
    static final Call SYSCALL_EXIT = (ops, e, t, r) -> code(e, ops.reportSyscallExit(r.action(), e, t));
    static final Call CLONE = (ops, e, t, r) -> code(e, ops.reportClone(r.action(), e, t, r.cloneFlags, r.child));
    static final Call EXEC = (ops, e, t, r) -> code(e, ops.reportExec(r.action(), e, t, r.execFormat, r.exec));
    static final Call EXIT = (ops, e, t, r) -> code(e, ops.reportExit(r.action(), e, t, r.origCode, r.exitCode));
    static final Call DEATH = (ops, e, t, r) -> code(e, ops.reportDeath(e, t, r.groupDead, r.deathSignal));
    static final Call JCTL = (ops, e, t, r) -> code(e, ops.reportJctl(r.action(), e, t, r.jctlType, r.jctlNotify));
    /** The resume-point report: only quiesce calls, which startCallback makes. */
    static final Call NONE = (ops, e, t, r) -> {
        throw new IllegalStateException("no event callback in a resume-point report");
    };

    /** The callback's name, for the fault log. */
    static String name(Event event) {
        return switch (event) {
            case SYSCALL_ENTRY -> "reportSyscallEntry";
            case SYSCALL_EXIT -> "reportSyscallExit";
            case CLONE -> "reportClone";
            case EXEC -> "reportExec";
            case EXIT -> "reportExit";
            case DEATH -> "reportDeath";
            case JCTL -> "reportJctl";
            default -> "report" + event;
        };
    }

    private static int code(UtraceEngine e, ResumeAction a) {
        return Hooks.nonNull(e, a).code();
    }
}
