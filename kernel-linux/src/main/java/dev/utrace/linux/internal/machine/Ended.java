package dev.utrace.linux.internal.machine;

import dev.utrace.linux.internal.trace.Output;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Processes that ended recently, for {@code waitExit} and {@code console} after the end: the wait
 * status the tracer reaped and the program's output. The last {@link #KEPT} are kept. Waiters
 * wait on this object's monitor.
 */
final class Ended {
    static final int KEPT = 256;

    record Exit(int status, Output console) {}

    private final Map<Integer, Exit> exits = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Exit> eldest) {
            return size() > KEPT;
        }
    };

    synchronized void add(int pid, int status, Output console) {
        exits.put(pid, new Exit(status, console));
        notifyAll();
    }

    synchronized Exit get(int pid) {
        return exits.get(pid);
    }

    /** Waits up to {@code nanos} for the next end; returns the time left. */
    synchronized long await(long nanos) throws InterruptedException {
        if (nanos <= 0) return 0;
        long start = System.nanoTime();
        long ms = Math.max(1, nanos / 1_000_000);
        wait(Math.min(ms, 50)); // short waits: a process may also end unseen (let go), which a re-check notices
        return nanos - (System.nanoTime() - start);
    }
}
