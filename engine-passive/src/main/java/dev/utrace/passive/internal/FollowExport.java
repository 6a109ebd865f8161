package dev.utrace.passive.internal;

import dev.utrace.passive.ExportFormat;
import dev.utrace.passive.ExportResult;
import dev.utrace.passive.ExportStream;
import dev.utrace.passive.TraceEvent;
import dev.utrace.passive.TraceListener;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A following export. It subscribes first, then writes what the rings hold (so nothing falls
 * between the two; an event in both is written once, by its seq), then each event its
 * subscription brings. A watcher thread ends it once no trace it covers is live: the traces'
 * events were all queued before they ended, so it lets the subscription deliver its queue, then
 * closes the document. The listener thread writes; the watcher and {@link #stop} only end.
 *
 * <p>Locks: {@code lock} guards the sink and the bookkeeping of written events; it is never held
 * while waiting for the listener thread, which takes it.
 */
final class FollowExport implements ExportStream, TraceListener {
    /** Events that may wait for the file: a burst this large is written, not lost. */
    static final int CAPACITY = 65_536;
    static final int BATCH = 1024;

    private final Exporter exporter;
    private final ExportScope scope;
    private final Path file;
    private final ExportFormat format;
    private final OutputStream out;
    private final Object lock = new Object();
    private final Semaphore wake = new Semaphore(0);
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();

    // Guarded by lock.
    private EventSink sink;
    private Map<Integer, Track> tracks;
    private final Set<Integer> coveredTids = new HashSet<>();
    private Set<Long> fromRings = new HashSet<>();
    private long dropped;
    private String failure;

    private Listeners.Sub subscription;
    private final Object finishing = new Object();
    private volatile ExportResult result;

    FollowExport(Exporter exporter, ExportScope scope, Path file, ExportFormat format, OutputStream out) {
        this.exporter = exporter;
        this.scope = scope;
        this.file = file;
        this.format = format;
        this.out = out;
    }

    /** Subscribes, writes the rings, starts the watcher. */
    void start(Listeners listeners) {
        synchronized (lock) { // the listener waits until the rings are written
            subscription = listeners.subscribe(this, CAPACITY, BATCH);
            List<TaskTrace> covered = exporter.covered(scope);
            tracks = Exporter.tracks(covered);
            dropped = Exporter.dropped(covered);
            try {
                sink = EventSink.of(format, out, exporter.clock(), this::track, null);
                sink.begin(tracks.values());
                for (TraceEvent e : Exporter.events(covered)) {
                    fromRings.add(e.seq());
                    sink.write(e);
                    events.incrementAndGet();
                }
                sink.flush();
            } catch (IOException e) {
                failure = ExportTarget.why(file, e);
            }
        }
        Thread.ofVirtual().name("passive-export " + file.getFileName()).start(this::watch);
    }

    @Override
    public void onEvents(List<TraceEvent> batch, long lostNow) {
        lost.addAndGet(lostNow);
        synchronized (lock) {
            if (failure != null || result != null) return;
            int written = 0;
            try {
                for (TraceEvent e : batch) {
                    if (fromRings.remove(e.seq()) || !covers(e.tid())) continue;
                    sink.write(e);
                    written++;
                }
                sink.flush();
            } catch (IOException e) {
                failure = ExportTarget.why(file, e);
                wake();
            }
            events.addAndGet(written); // counted once flushed
        }
    }

    /**
     * Whether an event of {@code tid} belongs here, from its trace's family. A yes is kept (the
     * family does not change); a no is asked again, in case the tid comes back in the family.
     */
    private boolean covers(int tid) {
        if (coveredTids.contains(tid)) return true;
        TaskTrace tr = exporter.latest(tid);
        if (tr == null || !scope.covers(tr)) return false;
        coveredTids.add(tid);
        tracks.putIfAbsent(tid, Track.of(tr));
        return true;
    }

    private Track track(int tid) {
        return exporter.track(tracks, tid);
    }

    /** Wakes the watcher to look again. Never blocks. */
    void wake() {
        wake.release();
    }

    /** Ends the export once no covered trace is live, or writing failed. */
    private void watch() {
        try {
            while (result == null) {
                String why;
                synchronized (lock) {
                    why = failure != null ? "failed: " + failure : null;
                }
                if (why == null && !exporter.anyLive(scope)) why = "the traces ended";
                if (why != null) {
                    finish(why);
                    return;
                }
                wake.tryAcquire(1, TimeUnit.SECONDS); // woken when a trace ends; the timeout is a safety net only
                wake.drainPermits();
            }
        } catch (InterruptedException e) {
            finish("stopped");
        }
    }

    /** Ends it: the subscription delivers its queue, then the document is closed. Once; later calls return the result. */
    ExportResult finish(String why) {
        synchronized (finishing) {
            if (result != null) return result;
            subscription.closeAfterDrain(); // without the lock: the listener thread takes it to write
            String ended = why;
            synchronized (lock) {
                if (failure != null && !why.startsWith("failed")) ended = "failed: " + failure;
                try {
                    if (failure == null) sink.end();
                } catch (IOException e) {
                    ended = "failed: " + ExportTarget.why(file, e);
                } finally {
                    try {
                        out.close();
                    } catch (IOException ignored) {
                        // the document is as complete as it got; the result says so if ending failed
                    }
                }
                fromRings = Set.of();
                result = new ExportResult(file, format, tracks.size(), events.get(), dropped, lost.get(), ended);
            }
            exporter.forget(this);
            done.countDown();
            wake(); // the watcher, if this was a close, need not wait for its timeout
            return result;
        }
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public ExportFormat format() {
        return format;
    }

    @Override
    public long events() {
        return events.get();
    }

    @Override
    public boolean ended() {
        return result != null;
    }

    @Override
    public ExportResult await() throws InterruptedException {
        done.await();
        return result;
    }

    @Override
    public ExportResult stop() {
        return finish("stopped");
    }
}
