package dev.utrace.passive.internal;

import dev.utrace.passive.Subscription;
import dev.utrace.passive.TraceEvent;
import dev.utrace.passive.TraceListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The listener path (as JFR event streaming): the traced task only {@code offer}s to a bounded
 * queue per listener, never waits; a virtual thread per listener drains the queue in batches.
 */
final class Listeners {
    private final CopyOnWriteArrayList<Sub> subs = new CopyOnWriteArrayList<>();

    /** Called in the traced task's callback: cheap, never blocks. */
    void publish(TraceEvent e) {
        for (Sub s : subs) s.offer(e);
    }

    boolean any() {
        return !subs.isEmpty();
    }

    Sub subscribe(TraceListener listener, int capacity, int maxBatch) {
        if (capacity < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("capacity and maxBatch must be at least 1");
        }
        Sub s = new Sub(listener, capacity, maxBatch);
        subs.add(s);
        s.thread = Thread.ofVirtual().name("passive-listener").start(s::run);
        return s;
    }

    void closeAll() {
        for (Sub s : subs) s.close();
    }

    /** One subscription: its bounded queue and the virtual thread that drains it. */
    final class Sub implements Subscription {
        private final TraceListener listener;
        private final ArrayBlockingQueue<TraceEvent> queue;
        private final int maxBatch;
        private final AtomicLong lost = new AtomicLong();
        private final AtomicLong lostTotal = new AtomicLong();
        private final AtomicLong delivered = new AtomicLong();
        private volatile boolean closed;
        /** Set by {@link #closeAfterDrain}: deliver what is queued, then end. */
        private volatile boolean draining;
        volatile Thread thread;

        Sub(TraceListener listener, int capacity, int maxBatch) {
            this.listener = listener;
            this.queue = new ArrayBlockingQueue<>(capacity);
            this.maxBatch = maxBatch;
        }

        void offer(TraceEvent e) {
            if (!queue.offer(e)) {
                lost.incrementAndGet();
                lostTotal.incrementAndGet();
            }
        }

        void run() {
            List<TraceEvent> batch = new ArrayList<>(maxBatch);
            while (!closed) {
                try {
                    TraceEvent first = queue.poll(draining ? 0 : 100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        // A loss counted after the last batch took the count would otherwise
                        // never be told: report it on its own once the queue is idle.
                        long l = lost.getAndSet(0);
                        if (l > 0) deliver(List.of(), l);
                        if (draining) return;
                        continue;
                    }
                    batch.add(first);
                } catch (InterruptedException e) {
                    return;
                }
                queue.drainTo(batch, maxBatch - 1);
                deliver(List.copyOf(batch), lost.getAndSet(0));
                batch.clear();
            }
        }

        private void deliver(List<TraceEvent> events, long lostNow) {
            try {
                if (!closed) listener.onEvents(events, lostNow);
                delivered.addAndGet(events.size());
            } catch (RuntimeException ignored) {
                // A failing listener loses this batch only.
            }
        }

        @Override
        public long lost() {
            return lostTotal.get();
        }

        @Override
        public long delivered() {
            return delivered.get();
        }

        /**
         * Takes no more events, delivers the ones already queued, and returns once the last delivery
         * has returned (a following export finishes its file after that). Not from the listener's own thread.
         */
        void closeAfterDrain() {
            subs.remove(this);
            draining = true;
            Thread t = thread;
            boolean interrupted = false;
            while (t != null && t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true; // the drain is short (one queue); the caller's interrupt is kept
                }
            }
            closed = true;
            queue.clear();
            if (interrupted) Thread.currentThread().interrupt();
        }

        @Override
        public void close() {
            closed = true;
            subs.remove(this);
            Thread t = thread;
            if (t != null) t.interrupt();
            queue.clear();
        }
    }
}
