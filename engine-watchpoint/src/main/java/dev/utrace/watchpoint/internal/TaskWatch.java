package dev.utrace.watchpoint.internal;

import dev.utrace.api.hw.Watchpoint;
import dev.utrace.api.task.Task;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine data of one watched thread ({@code engine->data}) and the owner of that engine's
 * claims on the thread's debug slots: every claim is made with this object as owner, so the
 * engine takes exactly its own hits and discards exactly its own when it lets the thread go.
 *
 * <p>Mutable fields are guarded by {@link WatchpointsImpl#lock}, except the counters. The
 * callbacks (on the thread), the service (on callers' threads) and {@code release} (any thread)
 * all change it under that lock; none calls utrace while holding it.
 */
final class TaskWatch {
    /** One watch's claim on this thread. {@code removed} once its claim was removed (by whichever path came first). */
    static final class Entry {
        final Watch watch;
        final Watchpoint claim;
        boolean removed;

        Entry(Watch watch, Watchpoint claim) {
            this.watch = watch;
            this.claim = claim;
        }
    }

    /** Removed claims kept for routing their late hits (see {@link #forgetOldRemoved}). */
    static final int REMOVED_KEPT = 8;

    final Task task;
    final int tid;
    /** Live claims, and removed ones until the hits they may still have are settled (taken or discarded). */
    final List<Entry> entries = new ArrayList<>(4);
    /** Why the engine is done with the thread (exec, exit, released...); null while it watches. */
    String closed;
    /** No claim left: the engine is letting the thread go (detaching). */
    boolean closing;
    /** The watch whose hit holds the thread stopped, or null. */
    Watch stoppedBy;
    /** Set when letting go found a SIGTRAP of ours in flight: the signal callback detaches. */
    boolean detachInCallback;
    /** The engine detached from inside a callback, or was released. */
    volatile boolean gone;
    final AtomicInteger releases = new AtomicInteger();

    TaskWatch(Task task) {
        this.task = task;
        this.tid = task.tid();
    }

    int live() {
        int n = 0;
        for (Entry e : entries) {
            if (!e.removed) n++;
        }
        return n;
    }

    Entry entry(Watch w) {
        for (Entry e : entries) {
            if (!e.removed && e.watch == w) return e;
        }
        return null;
    }

    /** The watch a hit's claim belongs to (also a claim removed since the trap), or null. */
    Watch route(Watchpoint claim) {
        for (Entry e : entries) {
            if (e.claim == claim) return e.watch;
        }
        return null;
    }

    /**
     * Keeps at most {@link #REMOVED_KEPT} removed claims waiting to be settled, so a thread that
     * never traps does not pile them up when watches come and go on it. A late hit of a claim
     * forgotten this way is still ours (its trap is still consumed), only not recorded.
     */
    void forgetOldRemoved() {
        int removed = entries.size() - live();
        for (Iterator<Entry> it = entries.iterator(); it.hasNext() && removed > REMOVED_KEPT; ) {
            if (it.next().removed) {
                it.remove();
                removed--;
            }
        }
    }

    /** Forgets removed claims: called once their hits were taken or discarded, so none can arrive. */
    void settled() {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            if (it.next().removed) it.remove();
        }
    }

    @Override
    public String toString() {
        return "watchpoint engine on " + tid;
    }
}
