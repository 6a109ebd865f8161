package dev.utrace.sim.internal;

import java.util.concurrent.locks.ReentrantLock;

/** A process's standard output: the last {@link #LIMIT} characters. {@link #lock} guards {@link #text}. */
final class Console {
    static final int LIMIT = 8 * 1024;

    private final ReentrantLock lock = new ReentrantLock();
    private final StringBuilder text = new StringBuilder();

    void write(String s) {
        lock.lock();
        try {
            text.append(s);
            if (text.length() > LIMIT) text.delete(0, text.length() - LIMIT);
        } finally {
            lock.unlock();
        }
    }

    String text() {
        lock.lock();
        try {
            return text.toString();
        } finally {
            lock.unlock();
        }
    }
}
