package dev.utrace.passive.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.passive.Subscription;
import dev.utrace.passive.TraceEvent;
import dev.utrace.passive.TraceInfo;
import dev.utrace.passive.TraceListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The listener path: bounded queues, batches on a thread of the tracer's, lost events counted. */
class ListenerTest extends SimFixture {

    /** Records every batch it is given. */
    static final class Recorder implements TraceListener {
        final List<List<TraceEvent>> batches = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong events = new AtomicLong();
        final AtomicLong lost = new AtomicLong();

        @Override
        public void onEvents(List<TraceEvent> batch, long lostSince) {
            batches.add(batch);
            lost.addAndGet(lostSince);
            events.addAndGet(batch.size());
        }

        List<TraceEvent> all() {
            synchronized (batches) {
                return batches.stream().flatMap(List::stream).toList();
            }
        }
    }

    TraceInfo infoOf(int pid) {
        return tracer.list().stream().filter(i -> i.tid() == pid).findFirst().orElseThrow();
    }

    /** Traces {@code counter n} from its first instruction to its release; the trace's info at the end. */
    TraceInfo runCounter(int n) {
        int pid = spawnStopped("counter", Integer.toString(n));
        tracer.trace(pid, null, false);
        cont(pid);
        waitExit(pid);
        awaitReleased(pid);
        return infoOf(pid);
    }

    @Test
    @DisplayName("a subscriber gets every event of a traced task, in batches, in recording order")
    void batchesInOrder() {
        Recorder r = new Recorder();
        try (Subscription sub = tracer.subscribe(r, 10_000, 3)) {
            TraceInfo info = runCounter(10);
            assertTrue(info.recorded() > 10, info::toString);
            assertEquals(0, info.dropped());
            await("every recorded event delivered", () -> r.events.get() == info.recorded());
            List<TraceEvent> got = r.all();
            assertEquals(tracer.log(info.tid(), 10_000), got, "the same events as the ring, in the same order");
            for (int i = 1; i < got.size(); i++) assertTrue(got.get(i - 1).seq() < got.get(i).seq());
            synchronized (r.batches) {
                assertTrue(r.batches.stream().allMatch(b -> !b.isEmpty() && b.size() <= 3), r.batches::toString);
                assertTrue(r.batches.size() >= (info.recorded() + 2) / 3, "batches of at most 3");
            }
            assertEquals(0, r.lost.get());
            assertEquals(0, sub.lost());
            assertEquals(info.recorded(), sub.delivered());
        }
    }

    @Test
    @DisplayName("a blocked subscriber never stalls the traced task; released, it is told how many events it lost")
    void slowSubscriberNeverStallsTheTask() throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch open = new CountDownLatch(1);
        Recorder r = new Recorder();
        TraceListener slow = (batch, lost) -> {
            entered.countDown();
            try {
                if (!open.await(30, TimeUnit.SECONDS)) throw new AssertionError("never released");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            r.onEvents(batch, lost);
        };
        try (Subscription sub = tracer.subscribe(slow, 2, 100)) {
            TraceInfo info = runCounter(50); // waits until the task exited, died and its trace was released
            assertEquals(1, open.getCount(), "the task ran to its end while the listener was blocked");
            assertTrue(entered.await(20, TimeUnit.SECONDS), "the listener was called");
            assertTrue(sub.lost() > 0, "a queue of 2 cannot hold " + info.recorded() + " events");
            assertTrue(info.recorded() > 50, info::toString);

            open.countDown();
            await("every event delivered or counted lost", () -> r.events.get() + r.lost.get() == info.recorded());
            assertTrue(r.lost.get() > 0, "the listener is told of the lost events");
            assertEquals(sub.lost(), r.lost.get());
            await("the subscription counts what it delivered", () -> sub.delivered() == r.events.get());
            assertEquals(info.recorded(), sub.delivered() + sub.lost());
            List<TraceEvent> got = r.all();
            for (int i = 1; i < got.size(); i++) assertTrue(got.get(i - 1).seq() < got.get(i).seq());
        }
    }

    @Test
    @DisplayName("closing a subscription stops its deliveries; other subscriptions go on")
    void closeStopsDeliveries() {
        Recorder closed = new Recorder();
        Subscription sub = tracer.subscribe(closed, 10_000, 16);
        TraceInfo first = runCounter(3);
        await("the first trace delivered", () -> closed.events.get() == first.recorded());
        await("the subscription counts it", () -> sub.delivered() == first.recorded());
        sub.close();
        sub.close(); // idempotent

        Recorder control = new Recorder();
        AtomicInteger after = new AtomicInteger();
        try (Subscription other = tracer.subscribe(control, 10_000, 16)) {
            TraceInfo second = runCounter(3);
            await("the second trace delivered to the open subscription", () -> control.events.get() == second.recorded());
            assertTrue(control.all().stream().allMatch(e -> e.tid() == second.tid()));
            after.set((int) (closed.events.get() - first.recorded()));
            assertEquals(0, after.get(), "nothing reached the closed subscription");
            assertEquals(first.recorded(), sub.delivered());
            assertEquals(0, sub.lost(), "events after close are not offered, so not lost either");
            assertEquals(second.recorded(), other.delivered());
        }
    }
}
