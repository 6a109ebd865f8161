package dev.utrace.watchpoint.internal;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.Utrace;
import dev.utrace.api.hw.WatchpointException;
import dev.utrace.api.task.Task;

/**
 * The utrace side of the engine: one engine per watched thread, Model A (semantics reference
 * 11.2). It attaches with {@code CREATE}, sets the events and puts its reference at once; the
 * callbacks own the {@link TaskWatch} from then on and {@code release} frees it. Letting a
 * thread go is a {@code MATCH_OPS|MATCH_DATA} lookup plus {@code DETACH}. Never called with
 * {@link WatchpointsImpl#lock} held.
 */
final class Threads {
    /** What every engine asks for: exec and exit to remove its claims (R-HBP-1), clone to cover new threads, signals for its traps. */
    static final long EVENTS = Event.mask(Event.EXEC, Event.EXIT, Event.CLONE) | Event.SIGNAL_ALL;

    private final WatchpointsImpl engine;
    private final Utrace utrace;

    Threads(WatchpointsImpl engine, Utrace utrace) {
        this.engine = engine;
        this.utrace = utrace;
    }

    /**
     * Attaches a new engine to {@code t} with {@code tw} as its data. No EXCLUSIVE: a thread the
     * engine is letting go may still carry its old engine for a moment.
     *
     * @throws WatchpointException ESRCH if the thread is exiting or gone (nothing attached then)
     * @throws IllegalArgumentException for a kernel thread
     */
    void attach(Task t, TaskWatch tw) {
        AttachResult r = utrace.attach(t, AttachFlags.CREATE, engine.ops, tw);
        if (!r.ok()) {
            throw switch (r.outcome()) {
                case NOT_PERMITTED -> new IllegalArgumentException("pid " + t.tid() + " is a kernel thread (" + t.comm()
                        + "); it runs no user code to watch");
                case GONE -> gone(t);
                default -> new IllegalStateException("cannot attach to thread " + t.tid() + ": " + r);
            };
        }
        Engine e = r.engine();
        engine.attached(tw);
        try {
            Outcome o = utrace.setEvents(t, e, EVENTS);
            if (o != Outcome.DONE) {
                // ALREADY: the thread is dying; GONE: it is being reaped. Undo; release frees tw.
                utrace.control(t, e, ResumeAction.DETACH);
                throw gone(t);
            }
        } finally {
            e.put(); // Model A: no reference kept
        }
    }

    private static WatchpointException gone(Task t) {
        return new WatchpointException("ESRCH", "thread " + t.tid() + " is exiting or gone; it can no longer be watched");
    }

    /**
     * Detaches the engine whose data is {@code tw}, if it is still attached, and waits for a
     * callback of it that is running. The outcomes of section 10.3 need no clean-up here:
     * {@code release} frees the data whichever path detaches.
     */
    void detach(TaskWatch tw) {
        Engine e = lookup(tw);
        if (e == null) return; // it detached itself, or the thread is being reaped: release comes or came
        try {
            if (utrace.control(tw.task, e, ResumeAction.DETACH) == Outcome.IN_PROGRESS) barrier(tw.task, e);
        } finally {
            e.put();
        }
    }

    /**
     * Lets a thread held stopped on a hit run on. A barrier first: the callback that chose STOP
     * may still be returning, and a RESUME before its return would be overridden by it.
     */
    boolean resume(TaskWatch tw) {
        Engine e = lookup(tw);
        if (e == null) return false;
        try {
            barrier(tw.task, e);
            return utrace.control(tw.task, e, ResumeAction.RESUME) == Outcome.DONE;
        } finally {
            e.put();
        }
    }

    private Engine lookup(TaskWatch tw) {
        AttachResult r = utrace.attach(tw.task, AttachFlags.MATCH_OPS | AttachFlags.MATCH_DATA, engine.ops, tw);
        return r.ok() ? r.engine() : null;
    }

    /** {@code utrace_barrier} until it answers DONE or GONE, keeping an interrupt for the caller. */
    private void barrier(Task t, Engine e) {
        boolean interrupted = false;
        try {
            while (utrace.barrier(t, e) == Outcome.INTERRUPTED) {
                Thread.interrupted(); // clear, so the barrier can wait; restored below
                interrupted = true;
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
