package dev.utrace.impl;

import dev.utrace.api.ResumeAction;
import dev.utrace.api.spin.Backoff;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Taking an owner's engines away when its bundle stops, updates or is uninstalled: the
 * unload path the 2009 thread's {@code ops->release} exists for.
 */
final class Revocation {
    /**
     * After how long a wait for a callback (or another thread's release) in flight is reported,
     * and reported again at doubling intervals; the wait itself has no bound. Not final so that
     * a test can make overruns quick to provoke.
     */
    static volatile long warnAfterNanos = 2_000_000_000L;

    private Revocation() {
    }

    /**
     * Revokes every engine of {@code owner}, in SystemTap's unload order: stop routing events
     * to them; wait for callbacks in flight, for as long as they run (an overrun is reported with
     * the engine, the task and the stack of the thread running it, but {@code release} never
     * runs under a callback); run each {@code release} once, here; then nothing of the owner is
     * called again. Handles held elsewhere stay valid and answer GONE.
     *
     * @return the number of engines revoked
     */
    static int revoke(Owner owner) {
        List<UtraceEngine> engines = owner.revoke();
        for (UtraceEngine e : engines) { // 1. no new callback reaches the real ops
            UtraceTask u = e.task;
            u.lock.lock();
            try {
                if (e.isAttachedOps()) {
                    if ((e.flags & Bits.ENGINE_STOP) != 0) u.flags &= ~Bits.ENGINE_STOP;
                    u.markDetached(e);
                }
            } finally {
                u.lock.unlock();
            }
        }
        for (UtraceEngine e : engines) { // 2. callbacks in flight finish (the marks above came first: R-CTL-4)
            awaitQuiet(e, () -> e.task.reporting == e, "a callback still runs");
        }
        for (UtraceEngine e : engines) { // 3. unlink now where the task is quiescent
            UtraceTask u = e.task;
            u.lock.lock();
            if (e.ops == DetachedOps.INSTANCE && !u.reap && !u.death
                    && (u.stopped || u.task.state().hasExited())) {
                u.resetAndUnlock();
            } else {
                if (e.ops == DetachedOps.INSTANCE && !u.stopped) u.requestResume(ResumeAction.REPORT);
                u.lock.unlock();
            }
        }
        for (UtraceEngine e : engines) { // 4. release, exactly once, here unless a last put is running it
            if (!e.runRelease()) {
                awaitQuiet(e, () -> !e.releaseDone(), "its release, run by another thread, has not returned");
            }
            e.forgetData();
        }
        return engines.size();
    }

    /** Waits while {@code busy}, however long; reports an overrun now and then. */
    private static void awaitQuiet(UtraceEngine e, BooleanSupplier busy, String what) {
        if (!busy.getAsBoolean()) return;
        long start = System.nanoTime();
        long interval = warnAfterNanos;
        long nextReport = start + interval;
        Backoff backoff = new Backoff();
        while (busy.getAsBoolean()) {
            long now = System.nanoTime();
            if (now - nextReport > 0) {
                reportOverrun(e, what, now - start);
                interval *= 2;
                nextReport = now + interval;
            }
            backoff.pause();
        }
    }

    private static void reportOverrun(UtraceEngine e, String what, long waitedNanos) {
        Thread t = e.task.lastHookThread;
        StringBuilder msg = new StringBuilder("revoking ").append(e).append(": ").append(what).append(" after ")
                .append(waitedNanos / 1_000_000).append(" ms; waiting on, release comes after it.");
        if (t != null) {
            msg.append(" Thread ").append(t).append(" of ").append(e.task.describe()).append(':');
            for (StackTraceElement frame : t.getStackTrace()) msg.append("\n\tat ").append(frame);
        }
        Callbacks.LOG.log(Level.WARNING, msg.toString());
    }
}
