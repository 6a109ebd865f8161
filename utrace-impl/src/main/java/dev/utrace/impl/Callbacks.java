package dev.utrace.impl;

import dev.utrace.api.ResumeAction;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Containment of engine faults. A callback that throws is logged with engine, task and
 * event and treated as if it returned DETACH: the engine is detached, the task and the other
 * engines go on. Errors that mean the JVM itself is failing are rethrown.
 */
final class Callbacks {
    static final Logger LOG = System.getLogger("dev.utrace.impl");

    private Callbacks() {
    }

    /** Logs a callback's fault; returns the action that replaces its return value. */
    static ResumeAction fault(UtraceEngine e, String callback, Throwable t) {
        rethrowFatal(t);
        LOG.log(Level.ERROR, "engine callback " + callback + " threw; detaching " + e, t);
        return ResumeAction.DETACH;
    }

    /** Logs a fault of a callback that returns nothing (report_reap). */
    static void faultNoAction(UtraceEngine e, String callback, Throwable t) {
        rethrowFatal(t);
        LOG.log(Level.ERROR, "engine callback " + callback + " threw in " + e, t);
    }

    static void release(dev.utrace.api.EngineOps hook, UtraceEngine e, Object data) {
        try {
            hook.release(data);
        } catch (Throwable t) {
            rethrowFatal(t);
            LOG.log(Level.ERROR, "release(data) threw for " + e + "; the data may not be cleaned up", t);
        }
    }

    private static void rethrowFatal(Throwable t) {
        if (t instanceof VirtualMachineError vme) throw vme;
    }
}
