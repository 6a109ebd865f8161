package dev.utrace.passive.internal;

import dev.utrace.passive.ExportFormat;
import dev.utrace.passive.ExportResult;
import dev.utrace.passive.ExportStream;
import dev.utrace.passive.TraceEvent;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The tracer's exports: one-shot ({@link #export}) and following ({@link #follow}). Reads the
 * traces as {@code log} does (snapshots of their rings); a following export subscribes like any
 * listener. Knows the following exports, to wake them when a trace ends and to end them when the
 * tracer stops.
 */
final class Exporter {
    /** Recording order within one start time (never equal, but never let a sort depend on it). */
    static final Comparator<TraceEvent> BY_START = Comparator.comparingLong(EventSink::start)
            .thenComparingLong(TraceEvent::seq);

    private final Supplier<List<TaskTrace>> traces;
    private final IntFunction<TaskTrace> latest;
    private final Listeners listeners;
    private final TraceClock clock;
    private final List<FollowExport> following = new CopyOnWriteArrayList<>();

    /**
     * @param traces every trace, the recently ended ones first (oldest first), then the live ones
     * @param latest the most recent trace of a tid (live first), or null
     */
    Exporter(Supplier<List<TaskTrace>> traces, IntFunction<TaskTrace> latest, Listeners listeners, TraceClock clock) {
        this.traces = traces;
        this.latest = latest;
        this.listeners = listeners;
        this.clock = clock;
    }

    ExportResult export(int pid, Path file, ExportFormat format, boolean overwrite) {
        Objects.requireNonNull(format, "format");
        ExportScope scope = new ExportScope(pid, latest);
        List<TaskTrace> covered = covered(scope);
        Path target = ExportTarget.check(Objects.requireNonNull(file, "file"), overwrite);
        Map<Integer, Track> tracks = tracks(covered);
        List<TraceEvent> events = events(covered);
        Set<Integer> present = new HashSet<>();
        for (TraceEvent e : events) present.add(e.tid());
        ExportTarget.writeWhole(target, overwrite, out -> {
            EventSink sink = EventSink.of(format, out, clock, tid -> track(tracks, tid), present);
            sink.begin(tracks.values());
            for (TraceEvent e : events) sink.write(e);
            sink.end();
        });
        return new ExportResult(target, format, tracks.size(), events.size(), dropped(covered), 0, "written");
    }

    ExportStream follow(int pid, Path file, ExportFormat format, boolean overwrite) {
        Objects.requireNonNull(format, "format");
        ExportScope scope = new ExportScope(pid, latest);
        covered(scope); // refuses an unknown pid before the file is touched
        Path target = ExportTarget.check(Objects.requireNonNull(file, "file"), overwrite);
        OutputStream out = new WholeBatches(ExportTarget.open(target, overwrite));
        FollowExport f = new FollowExport(this, scope, target, format, out);
        f.start(listeners);
        following.add(f); // a trace that ended meanwhile is seen by the watcher's next look
        return f;
    }

    /** A trace ended: the following exports look whether theirs all have. Cheap; called from callbacks. */
    void traceEnded() {
        for (FollowExport f : following) f.wake();
    }

    /** Ends every following export (the tracer stops). */
    void closeAll(String why) {
        for (FollowExport f : following) f.finish(why);
    }

    void forget(FollowExport f) {
        following.remove(f);
    }

    TraceClock clock() {
        return clock;
    }

    /** The traces {@code scope} covers now; refuses a root that has no trace. */
    List<TaskTrace> covered(ExportScope scope) {
        List<TaskTrace> all = traces.get();
        if (scope.root() != 0 && all.stream().noneMatch(t -> t.tid == scope.root())) {
            throw new IllegalArgumentException("no trace of pid " + scope.root() + " to export; passive:list shows the traces");
        }
        List<TaskTrace> covered = new ArrayList<>();
        for (TaskTrace t : all) {
            if (scope.covers(t)) covered.add(t);
        }
        return covered;
    }

    /** Whether a trace {@code scope} covers is still live. */
    boolean anyLive(ExportScope scope) {
        return traces.get().stream().anyMatch(t -> !t.retired() && scope.covers(t));
    }

    /** The most recent trace of {@code tid}, or null. */
    TaskTrace latest(int tid) {
        return latest.apply(tid);
    }

    /** The covered traces' tracks by tid, in the given order (a later trace of a tid wins). */
    static Map<Integer, Track> tracks(List<TaskTrace> covered) {
        Map<Integer, Track> tracks = new LinkedHashMap<>();
        for (TaskTrace t : covered) {
            tracks.put(t.tid, Track.of(t));
            int former = t.formerTid; // its events before a non-leader's exec carry the tid it had
            if (former != 0) tracks.putIfAbsent(former, new Track(former, t.tgid, t.comm));
        }
        return tracks;
    }

    /** A covered track, or the latest trace of a task outside (a process leader that names its process), or null. */
    Track track(Map<Integer, Track> tracks, int tid) {
        Track t = tracks.get(tid);
        if (t != null) return t;
        TaskTrace other = latest.apply(tid);
        return other == null ? null : Track.of(other);
    }

    /** Every event the covered rings hold, by start time. */
    static List<TraceEvent> events(List<TaskTrace> covered) {
        List<TraceEvent> events = new ArrayList<>();
        for (TaskTrace t : covered) events.addAll(t.last(Integer.MAX_VALUE));
        events.sort(BY_START);
        return events;
    }

    static long dropped(List<TaskTrace> covered) {
        return covered.stream().mapToLong(TaskTrace::dropped).sum();
    }
}
