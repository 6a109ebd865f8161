package dev.utrace.sim.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Work decided under {@link Kernel#lock} that must run after it is released: wake-ups and
 * calls into the core, which must never run under a machine lock (the core may block, or call
 * back into the task).
 */
final class Deferred {
    private List<Runnable> actions;

    void later(Runnable r) {
        if (actions == null) actions = new ArrayList<>(4);
        actions.add(r);
    }

    void wake(SimTask t) {
        later(t::wake);
    }

    /** Runs everything queued, in order; call with the lock released. */
    void run() {
        if (actions == null) return;
        for (Runnable r : actions) r.run();
        actions = null;
    }
}
