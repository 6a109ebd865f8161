package dev.utrace.passive.internal.commands;

import dev.utrace.passive.ExportResult;
import dev.utrace.passive.Stats;
import dev.utrace.passive.TraceEvent;
import dev.utrace.passive.TraceInfo;
import dev.utrace.passive.UntraceResult;
import java.util.List;

/**
 * What the {@code passive:} commands return: small values that {@link PassiveConverter} formats
 * for people and that scripts can take apart (Gogo calls their accessors).
 */
public final class Views {
    private Views() {
    }

    /** {@code trace} (the new trace) and {@code list} (every trace, live then ended). */
    public record Traces(List<TraceInfo> traces) {
        /** The pids of the live traces, as text (for the completion script). */
        public List<String> live() {
            return traces.stream().filter(TraceInfo::active).map(t -> Integer.toString(t.tid())).toList();
        }

        /** The pids of every trace, live or ended, as text (for the completion script). */
        public List<String> pids() {
            return traces.stream().map(t -> Integer.toString(t.tid())).distinct().toList();
        }

        /** What export takes: all, then the pids of every trace (for the completion script). */
        public List<String> exportable() {
            return java.util.stream.Stream.concat(java.util.stream.Stream.of("all"), pids().stream()).toList();
        }

        @Override
        public String toString() {
            return traces.size() + (traces.size() == 1 ? " trace" : " traces");
        }
    }

    /** {@code untrace}: what the detach did. */
    public record Untraced(UntraceResult result) {
        @Override
        public String toString() {
            return result.pid() + " " + result.meaning();
        }
    }

    /** {@code log}: the last events of one trace ({@code pid > 0}) or of every trace ({@code pid == 0}). */
    public record Log(int pid, List<TraceEvent> events) {
        @Override
        public String toString() {
            return events.size() + (events.size() == 1 ? " event" : " events");
        }
    }

    /** {@code export}: what was written where, and how it ended. */
    public record Exported(ExportResult result) {
        @Override
        public String toString() {
            return result.events() + (result.events() == 1 ? " event" : " events") + " to " + result.file();
        }
    }

    /** {@code stats}: strace -c style statistics of one trace or of all ({@code pid == 0}). */
    public record Statistics(Stats stats) {
        @Override
        public String toString() {
            return stats.totalCalls() + " calls, " + stats.totalErrors() + " errors";
        }
    }
}
