package dev.utrace.impl;

import dev.utrace.api.ResumeAction;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * Taking an owner's engines away when its bundle stops, updates or is uninstalled: the
 * unload path the 2009 thread's {@code ops->release} exists for.
 */
final class Revocation {
    /** How long a revocation waits for a callback in flight before warning and going on. */
    static final long REVOKE_WAIT_NANOS = 2_000_000_000L;

    private Revocation() {
    }

    /**
     * Revokes every engine of {@code owner}, in SystemTap's unload order: stop routing events
     * to them; wait (bounded) for callbacks in flight; run each {@code release} once, here;
     * then nothing of the owner is called again. Handles held elsewhere stay valid and answer
     * GONE.
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
        long deadline = System.nanoTime() + REVOKE_WAIT_NANOS;
        for (UtraceEngine e : engines) { // 2. callbacks in flight finish
            Backoff backoff = null;
            while (e.task.reporting == e) {
                if (System.nanoTime() - deadline > 0) {
                    Callbacks.LOG.log(Level.WARNING, "revoking " + e + ": a callback still runs after "
                            + REVOKE_WAIT_NANOS / 1_000_000 + " ms; releasing anyway");
                    break;
                }
                if (backoff == null) backoff = new Backoff();
                backoff.pause();
            }
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
                Backoff backoff = null;
                while (!e.releaseDone()) { // the tracee dropped the last reference meanwhile
                    if (System.nanoTime() - deadline > REVOKE_WAIT_NANOS) {
                        Callbacks.LOG.log(Level.WARNING, "revoking " + e + ": its release, run by another thread, "
                                + "has not returned; going on");
                        break;
                    }
                    if (backoff == null) backoff = new Backoff();
                    backoff.pause();
                }
            }
            e.forgetData();
        }
        return engines.size();
    }
}
