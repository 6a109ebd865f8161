package dev.utrace.itests.osgi;

import static org.junit.Assert.fail;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The records of one {@code java.util.logging} logger (which {@code System.Logger} writes to),
 * captured for a test to assert on: what a user of bin/run would see as console lines. The JDK's
 * logging is shared by the framework and the test, so a bundle's records reach it directly.
 * While captured they go nowhere else: a warning a test provokes on purpose is the test's to
 * check, not a line in the build's output.
 */
final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(String name) {
        logger = Logger.getLogger(name);
        logger.addHandler(handler);
        logger.setUseParentHandlers(false);
    }

    static LogCapture of(String loggerName) {
        return new LogCapture(loggerName);
    }

    /** The records so far, oldest first. */
    List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** The messages so far, oldest first. */
    List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    /** The first record matching {@code wanted}, waiting for it at most 20 s. */
    LogRecord await(String what, Predicate<LogRecord> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            for (LogRecord r : records) {
                if (wanted.test(r)) return r;
            }
            if (System.nanoTime() - deadline > 0) fail("timed out waiting for " + what + "; logged: " + messages());
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        logger.setUseParentHandlers(true);
        logger.removeHandler(handler);
    }
}
