package dev.utrace.passive.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.utrace.api.task.CloneFlags;
import dev.utrace.api.task.Signals;
import dev.utrace.passive.TraceEvent;
import java.io.IOException;
import java.util.Collection;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * One JSON object per event per line (NDJSON), in the schema the README documents: the fields
 * every line has, then those of its kind. Every line ends with a line break, so a reader of a file
 * that is still growing sees whole lines (after each flush).
 */
final class NdjsonSink implements EventSink {
    /** The schema's version, in every line ({@code v}); raised when a field changes meaning or goes. */
    static final int SCHEMA = 1;

    private final JsonGenerator g;
    private final TraceClock clock;
    private final IntFunction<Track> tracks;

    NdjsonSink(JsonGenerator g, TraceClock clock, IntFunction<Track> tracks) {
        this.g = g;
        this.clock = clock;
        this.tracks = tracks;
    }

    @Override
    public void begin(Collection<Track> known) {
        // Nothing before the first event: every line stands alone.
    }

    @Override
    public void write(TraceEvent e) throws IOException {
        Track t = tracks.apply(e.tid());
        g.writeStartObject();
        g.writeNumberField("v", SCHEMA);
        g.writeNumberField("seq", e.seq());
        g.writeNumberField("ts_ns", clock.sinceStart(e.nanos()));
        g.writeStringField("time", clock.wall(e.nanos()).toString());
        g.writeNumberField("tid", e.tid());
        g.writeNumberField("tgid", t == null ? e.tid() : t.tgid());
        g.writeStringField("comm", t == null ? "?" : t.comm());
        g.writeStringField("kind", kind(e));
        g.writeStringField("text", e.text());
        switch (e.kind()) {
            case SYSCALLS -> syscall(e);
            case SIGNALS -> {
                g.writeNumberField("signo", e.number());
                g.writeStringField("signal", Signals.name(e.number()));
                g.writeStringField("info", e.detail());
            }
            case CLONE -> {
                g.writeNumberField("child", e.number());
                g.writeStringField("flags", EventSink.hex(e.result()));
                g.writeStringField("flag_names", CloneFlags.format(e.result()));
                g.writeBooleanField("thread", (e.result() & CloneFlags.CLONE_THREAD) != 0);
            }
            case EXEC -> g.writeStringField("detail", e.detail());
            case EXIT -> exit(e.number());
            case DEATH -> g.writeBooleanField("group_dead", e.detail().contains("group dead"));
        }
        g.writeEndObject();
        g.writeRaw('\n');
    }

    /** The {@code kind} field: {@code syscall}, {@code signal}, {@code clone}, {@code exec}, {@code exit}, {@code death}. */
    static String kind(TraceEvent e) {
        return switch (e.kind()) {
            case SYSCALLS -> "syscall";
            case SIGNALS -> "signal";
            default -> e.kind().name().toLowerCase(Locale.ROOT);
        };
    }

    private void syscall(TraceEvent e) throws IOException {
        g.writeNumberField("nr", e.number());
        g.writeStringField("name", e.name());
        g.writeArrayFieldStart("args");
        for (long a : e.args()) g.writeString(EventSink.hex(a));
        g.writeEndArray();
        g.writeBooleanField("finished", e.finished());
        if (e.finished()) {
            g.writeNumberField("result", e.result());
        } else {
            g.writeNullField("result");
        }
        int errno = EventSink.errno(e);
        if (errno != 0) {
            g.writeNumberField("errno", errno);
        } else {
            g.writeNullField("errno");
        }
        g.writeNumberField("start_ns", clock.sinceStart(EventSink.start(e)));
        g.writeNumberField("duration_ns", e.durationNanos());
    }

    private void exit(int status) throws IOException {
        g.writeNumberField("status", status);
        int signal = status & 0x7f;
        if (signal == 0) {
            g.writeNumberField("exit_code", (status >> 8) & 0xff);
            g.writeNullField("term_signal");
        } else {
            g.writeNullField("exit_code");
            g.writeStringField("term_signal", Signals.name(signal));
        }
    }

    @Override
    public void flush() throws IOException {
        g.flush();
    }

    @Override
    public void end() throws IOException {
        g.close();
    }
}
