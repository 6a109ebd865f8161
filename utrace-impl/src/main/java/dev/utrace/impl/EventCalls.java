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

    static int call(Event event, EngineOps ops, UtraceEngine e, TracedTask t, Report r) {
        return switch (event) {
            case SYSCALL_ENTRY -> ops.reportSyscallEntry(r.syscallResumed | r.result | r.action().code(), e, t);
            case SYSCALL_EXIT -> code(e, ops.reportSyscallExit(r.action(), e, t));
            case CLONE -> code(e, ops.reportClone(r.action(), e, t, r.cloneFlags, r.child));
            case EXEC -> code(e, ops.reportExec(r.action(), e, t, r.execFormat, r.exec));
            case EXIT -> code(e, ops.reportExit(r.action(), e, t, r.origCode, r.exitCode));
            case DEATH -> code(e, ops.reportDeath(e, t, r.groupDead, r.deathSignal));
            case JCTL -> code(e, ops.reportJctl(r.action(), e, t, r.jctlType, r.jctlNotify));
            default -> throw new IllegalArgumentException("no reporting pass for " + event);
        };
    }

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
