package dev.utrace.impl;

import dev.utrace.api.EngineOps;
import java.util.List;

/**
 * {@code utrace_maybe_reap} (section 10.2): the last callbacks and the teardown, ordered so
 * that {@code reportReap} always follows {@code reportDeath}'s return (R-REAP-1).
 */
final class Reaping {
    private Reaping() {
    }

    /**
     * @param reap true from the reaper ({@code release_task}); false from the end of the
     *             dying task's death report
     */
    static void maybeReap(UtraceTask u, boolean reap) {
        u.lock.lock();
        if (reap) {
            u.reap = true;
            if ((u.flags & Bits.DEATH_EVENTS) != 0) {
                // The death report is pending or running: the dying thread tears down after it.
                u.lock.unlock();
                return;
            }
        } else {
            u.death = false;
            if (!u.reap) {
                // Just dead, not reaped: narrows the flags to REAP so the reaper knows the
                // death report can never run again.
                u.resetAndUnlock();
                return;
            }
        }
        // From here attach fails and set_events/control answer GONE (R-REAP-3).
        u.flags = 0;
        List<UtraceEngine> engines = u.takeAllEngines();
        u.lock.unlock();
        for (UtraceEngine e : engines) {
            u.reporting = e; // lets a revocation wait for a report_reap in flight
            u.lastHookThread = Thread.currentThread();
            long want = e.flags;
            EngineOps ops = e.ops;
            if (ops != null && (want & Bits.REAP) != 0) {
                try {
                    ops.reportReap(e, u.task);
                } catch (Throwable x) {
                    Callbacks.faultNoAction(e, "reportReap on " + u.describe(), x);
                }
            }
            u.clearReporting();
            u.lock.lock();
            try {
                e.ops = null;
                e.flags = 0;
            } finally {
                u.lock.unlock();
            }
            e.put(); // the attached reference (R-REF-4b); release may run here (R-REF-6)
        }
    }
}
