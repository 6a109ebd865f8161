package dev.utrace.passive.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.utrace.passive.ExportFormat;
import dev.utrace.passive.TraceEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Writes recorded events to a file in one format, as JSON through Jackson's streaming generator
 * (all quoting and escaping is Jackson's). Not thread-safe: one writer at a time.
 */
interface EventSink {
    /** No separator between top-level values: each sink places its own line breaks. */
    JsonFactory JSON = new JsonFactoryBuilder().rootValueSeparator((String) null).build();

    /** Starts the document; names the tracks known from the start. */
    void begin(Collection<Track> tracks) throws IOException;

    /** Writes one event; a track seen for the first time is looked up and named first. */
    void write(TraceEvent e) throws IOException;

    /** Hands what is written so far to the file (whole lines only). */
    void flush() throws IOException;

    /** Ends the document and closes the file. */
    void end() throws IOException;

    /**
     * A sink of {@code format} writing to {@code out}.
     *
     * @param clock   the tracer's clock: timestamps are written relative to its start
     * @param tracks  the tracks of the traces, by tid (null for a task that is not traced)
     * @param present for a one-shot export, the tids that have events in it (a clone's arrow is
     *                drawn at once when its child has some); null when following (the arrow is
     *                drawn when the child's first event comes)
     */
    static EventSink of(ExportFormat format, OutputStream out, TraceClock clock, IntFunction<Track> tracks,
                        Set<Integer> present) throws IOException {
        JsonGenerator g = JSON.createGenerator(out);
        return switch (format) {
            case CHROME -> new ChromeSink(g, clock, tracks, present);
            case NDJSON -> new NdjsonSink(g, clock, tracks);
        };
    }

    /** Nanoseconds as microseconds with three decimals, exactly (no binary fraction). */
    static BigDecimal micros(long nanos) {
        return BigDecimal.valueOf(nanos, 3);
    }

    /** A 64-bit register value as strace prints it: {@code 0x} and unsigned hex. */
    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    /** A syscall's errno if its result is an error (-4095..-1), else 0. */
    static int errno(TraceEvent e) {
        return e.finished() && e.result() < 0 && e.result() >= -4095 ? (int) -e.result() : 0;
    }

    /** When a syscall began (its exit less its duration); when any other event happened. */
    static long start(TraceEvent e) {
        return e.nanos() - e.durationNanos();
    }
}
