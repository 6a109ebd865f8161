package dev.utrace.linux.internal.machine;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * Reports a hook run that holds the tracer thread too long (hooks on the tracer thread): every
 * tracee of the machine waits meanwhile, so the user is told which task's callbacks hold it, and
 * where (the tracer thread's stack names the engine), once per such stall. Costs a volatile store
 * at the start and end of each hook run; a watcher thread looks four times a second.
 */
final class StallWatch implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StallWatch.class.getName());
    static final long THRESHOLD_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** When the hook run in progress began (System.nanoTime), 0 when none is. */
    private volatile long since;
    private volatile LinuxTask task;
    private volatile Thread runner;
    /** The start of the last stall reported, so each is reported once. */
    private long reported;
    /** The last report, for tests. */
    volatile String lastReport;
    private final Thread watcher;

    StallWatch() {
        // A platform thread: the first virtual thread of a JVM starts the virtual-thread scheduler
        // (its pool, a carrier and a timer thread, their classes), which nothing else of the
        // machine needs and which cost CPU beside the native link while the machine is made.
        watcher = Thread.ofPlatform().name("utrace-linux-stall-watch").daemon().unstarted(this::watch);
        watcher.start();
    }

    /** A hook run of {@code t} begins on the calling (tracer) thread. */
    void begin(LinuxTask t) {
        task = t;
        runner = Thread.currentThread();
        since = System.nanoTime();
    }

    void end() {
        since = 0;
    }

    private void watch() {
        try {
            while (true) {
                Thread.sleep(250);
                long s = since;
                if (s == 0 || s == reported || System.nanoTime() - s < THRESHOLD_NANOS) continue;
                reported = s;
                report(task, runner, (System.nanoTime() - s) / 1_000_000);
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    private void report(LinuxTask t, Thread on, long millis) {
        StringBuilder where = new StringBuilder();
        if (on != null) {
            for (StackTraceElement e : on.getStackTrace()) where.append("\n\tat ").append(e);
        }
        String msg = "the callbacks of " + t + " have held the tracer thread for " + millis + " ms: every traced process of"
                + " this machine waits until they return (an engine's callback blocks; run with -Dutrace.linux.hooks=threads"
                + " for engines whose callbacks block)" + where;
        lastReport = msg;
        LOG.log(Level.WARNING, msg);
    }

    @Override
    public void close() {
        watcher.interrupt();
    }
}
