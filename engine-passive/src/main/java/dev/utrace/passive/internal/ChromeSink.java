package dev.utrace.passive.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import dev.utrace.api.task.CloneFlags;
import dev.utrace.api.task.Signals;
import dev.utrace.passive.TraceEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Chrome's JSON trace-event format, JSON array form, one event a line: metadata events
 * ({@code ph: "M"}) naming each process and thread track; a complete slice ({@code ph: "X"}) per
 * syscall, from entry to exit; thread instants ({@code ph: "i"}, {@code s: "t"}) for signals,
 * clones, execs, exits and deaths; and a flow ({@code ph: "s"} on the parent at the clone,
 * {@code ph: "f"} on the child at the same time, binding to its next slice, i.e. its first event)
 * from each clone to the new task. Only complete slices, so there is never a begin without an end.
 * Times ({@code ts}, {@code dur}) are microseconds since the tracer started, to the nanosecond.
 */
final class ChromeSink implements EventSink {
    private final JsonGenerator g;
    private final TraceClock clock;
    private final IntFunction<Track> tracks;
    private final Set<Integer> present;
    private final Set<Integer> namedThreads = new HashSet<>();
    private final Set<Integer> namedProcesses = new HashSet<>();
    /** Following: a clone's event by its child's tid, until the child's first event draws the arrow. */
    private final Map<Integer, TraceEvent> pendingFlows = new HashMap<>();

    ChromeSink(JsonGenerator g, TraceClock clock, IntFunction<Track> tracks, Set<Integer> present) {
        this.g = g;
        this.clock = clock;
        this.tracks = tracks;
        this.present = present;
        g.setPrettyPrinter(new OneEventALine());
    }

    @Override
    public void begin(Collection<Track> known) throws IOException {
        g.writeStartArray();
        List<Track> sorted = new ArrayList<>(known);
        sorted.sort(Comparator.comparingInt(Track::tgid).thenComparingInt(Track::tid));
        for (Track t : sorted) name(t);
    }

    @Override
    public void write(TraceEvent e) throws IOException {
        Track t = track(e.tid());
        name(t);
        if (present == null) {
            TraceEvent clone = pendingFlows.remove(e.tid());
            if (clone != null) flow(clone, t);
        }
        switch (e.kind()) {
            case SYSCALLS -> syscall(e, t);
            case SIGNALS -> instant(e, t, Signals.name(e.number()), "signal", "signo", e.number(), "info", e.detail());
            case CLONE -> clone(e, t);
            case EXEC -> instant(e, t, "exec", "exec", null, 0, "detail", e.detail());
            case EXIT -> instant(e, t, "exit", "exit", "status", e.number(), "text", TraceEvent.status(e.number()));
            case DEATH -> instant(e, t, "death", "exit", null, 0, "detail", e.detail());
        }
    }

    @Override
    public void flush() throws IOException {
        g.flush();
    }

    @Override
    public void end() throws IOException {
        g.writeEndArray();
        g.writeRaw('\n');
        g.close();
    }

    /** The track of {@code tid}; one of its own for an event of a task no trace knows (it cannot be, but never crash an export). */
    private Track track(int tid) {
        Track t = tracks.apply(tid);
        return t != null ? t : new Track(tid, tid, "?");
    }

    /** Names the process and thread track of {@code t}, once each. The process is named after its leader's program when traced. */
    private void name(Track t) throws IOException {
        if (namedProcesses.add(t.tgid())) {
            Track leader = tracks.apply(t.tgid());
            String process = leader != null && leader.tgid() == t.tgid() ? leader.comm() : t.comm();
            metadata("process_name", t.tgid(), t.tgid(), process);
        }
        if (namedThreads.add(t.tid())) metadata("thread_name", t.tgid(), t.tid(), t.comm());
    }

    private void metadata(String name, int pid, int tid, String value) throws IOException {
        g.writeStartObject();
        g.writeStringField("ph", "M");
        g.writeStringField("name", name);
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeObjectFieldStart("args");
        g.writeStringField("name", value);
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * The fields every timed event starts with. {@code ts} comes before any field whose value is an
     * array: Perfetto's tokenizer looks for {@code ts} field by field and refuses a top-level array
     * on its way (arrays inside {@code args} are fine).
     */
    private void common(String ph, String name, String cat, Track t, long nanos) throws IOException {
        g.writeStartObject();
        g.writeStringField("ph", ph);
        g.writeStringField("name", name);
        g.writeStringField("cat", cat);
        g.writeNumberField("pid", t.tgid());
        g.writeNumberField("tid", t.tid());
        g.writeFieldName("ts");
        g.writeNumber(EventSink.micros(clock.sinceStart(nanos)));
    }

    /** A complete slice from the syscall's entry to its exit (for one that never returned: until the task began to exit). */
    private void syscall(TraceEvent e, Track t) throws IOException {
        common("X", e.name(), "syscall", t, EventSink.start(e));
        g.writeFieldName("dur");
        g.writeNumber(EventSink.micros(e.durationNanos()));
        g.writeObjectFieldStart("args");
        g.writeNumberField("nr", e.number());
        g.writeArrayFieldStart("args");
        for (long a : e.args()) g.writeString(EventSink.hex(a));
        g.writeEndArray();
        g.writeBooleanField("finished", e.finished());
        if (e.finished()) g.writeNumberField("result", e.result());
        int errno = EventSink.errno(e);
        if (errno != 0) g.writeNumberField("errno", errno);
        g.writeNumberField("seq", e.seq());
        g.writeEndObject();
        g.writeEndObject();
    }

    /** A thread instant with one number and one text in its args (the number left out when {@code numberKey} is null). */
    private void instant(TraceEvent e, Track t, String name, String cat, String numberKey, long number, String textKey,
                         String text) throws IOException {
        common("i", name, cat, t, e.nanos());
        g.writeStringField("s", "t");
        g.writeObjectFieldStart("args");
        if (numberKey != null) g.writeNumberField(numberKey, number);
        if (!text.isEmpty()) g.writeStringField(textKey, text);
        g.writeNumberField("seq", e.seq());
        g.writeEndObject();
        g.writeEndObject();
    }

    /** The clone instant ("clone" for a new thread, "fork" for a new process), then its arrow if the child is known to show up. */
    private void clone(TraceEvent e, Track t) throws IOException {
        boolean thread = (e.result() & CloneFlags.CLONE_THREAD) != 0;
        common("i", thread ? "clone" : "fork", "clone", t, e.nanos());
        g.writeStringField("s", "t");
        g.writeObjectFieldStart("args");
        g.writeNumberField("child", e.number());
        g.writeStringField("flags", CloneFlags.format(e.result()));
        g.writeNumberField("seq", e.seq());
        g.writeEndObject();
        g.writeEndObject();
        if (present == null) {
            pendingFlows.put(e.number(), e);
        } else if (present.contains(e.number())) {
            flow(e, track(e.number()));
        }
    }

    /**
     * The arrow from a clone to its child: the start on the parent's thread at the clone (binding to
     * the slice it happens in), the end on the child's thread at the same time, binding to the next
     * slice there: the child's first event, which comes after the clone. Its id is the clone's seq.
     */
    private void flow(TraceEvent clone, Track child) throws IOException {
        Track parent = track(clone.tid());
        name(child);
        flowEvent("s", parent, clone);
        flowEvent("f", child, clone);
    }

    private void flowEvent(String ph, Track t, TraceEvent clone) throws IOException {
        common(ph, "clone", "clone", t, clone.nanos());
        g.writeNumberField("id", clone.seq());
        g.writeEndObject();
    }

    /** Line breaks in the top-level array only: {@code [}, then one event a line, then {@code ]}. */
    private static final class OneEventALine extends MinimalPrettyPrinter {
        private static final long serialVersionUID = 1L;

        OneEventALine() {
            super("");
        }

        private static boolean topLevel(JsonGenerator g) {
            return g.getOutputContext().getParent() != null && g.getOutputContext().getParent().inRoot();
        }

        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            super.writeStartArray(g);
            if (topLevel(g)) g.writeRaw('\n');
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            super.writeArrayValueSeparator(g);
            if (topLevel(g)) g.writeRaw('\n');
        }

        @Override
        public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
            if (topLevel(g)) g.writeRaw('\n');
            super.writeEndArray(g, nrOfValues);
        }
    }
}
