package dev.utrace.sim.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The wait statuses and console text of the last {@link #KEEP} processes that were reaped, for
 * the machine service's waitExit and console. {@link #lock} guards {@link #records} and
 * {@link #version}; it is a leaf lock (taken under {@link Kernel#lock}, never the other way).
 */
final class ExitRecords {
    static final int KEEP = 4096;

    record Exit(long status, String console) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition added = lock.newCondition();
    private long version;
    private final Map<Integer, Exit> records = new LinkedHashMap<>(64, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Exit> eldest) {
            return size() > KEEP;
        }
    };

    void add(int pid, long status, String console) {
        lock.lock();
        try {
            records.put(pid, new Exit(status, console));
            version++;
            added.signalAll();
        } finally {
            lock.unlock();
        }
    }

    Exit get(int pid) {
        lock.lock();
        try {
            return records.get(pid);
        } finally {
            lock.unlock();
        }
    }

    long version() {
        lock.lock();
        try {
            return version;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until a record is added after {@code seen}, at most {@code nanos}; returns the time left. */
    long awaitChange(long seen, long nanos) throws InterruptedException {
        lock.lock();
        try {
            while (version == seen && nanos > 0) nanos = added.awaitNanos(nanos);
            return nanos;
        } finally {
            lock.unlock();
        }
    }

    static long toNanos(java.time.Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return TimeUnit.DAYS.toNanos(365 * 100);
        }
    }
}
