package dev.utrace.passive.internal.commands;

import dev.utrace.shell.format.Table;

import dev.utrace.api.task.Signals;
import dev.utrace.passive.Kind;
import dev.utrace.passive.Stats;
import dev.utrace.passive.SyscallStat;
import dev.utrace.passive.TraceEvent;
import dev.utrace.passive.TraceInfo;
import dev.utrace.passive.UntraceResult;
import dev.utrace.passive.ExportResult;
import dev.utrace.passive.internal.commands.Views.Exported;
import dev.utrace.passive.internal.commands.Views.Log;
import dev.utrace.passive.internal.commands.Views.Statistics;
import dev.utrace.passive.internal.commands.Views.Traces;
import dev.utrace.passive.internal.commands.Views.Untraced;
import java.util.Locale;
import java.util.StringJoiner;
import org.apache.felix.service.command.Converter;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Formats the values the {@code passive:} commands return: {@link Converter#INSPECT} as an
 * aligned table (traces, untrace), strace-style lines (log) or an {@code strace -c} table
 * (stats); {@link Converter#LINE} as one line; {@link Converter#PART} as a count or a pid.
 * Other values are left to Gogo.
 */
@Component(reference = @Reference(name = "gogo", service = CommandProcessor.class), // only with a shell: see package-info
        service = Converter.class)
public final class PassiveConverter implements Converter {
    static final String RULE = "------ ----------- ----------- --------- --------- ----------------";

    @Override
    public Object convert(Class<?> desiredType, Object in) {
        return null; // formats only; converts nothing
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        if (!(target instanceof Record) || target.getClass().getEnclosingClass() != Views.class) return null;
        return switch (level) {
            case INSPECT -> inspect(target);
            case PART -> part(target);
            default -> target.toString();
        };
    }

    static String inspect(Object target) {
        return switch (target) {
            case Traces t -> traces(t);
            case Untraced u -> untraced(u.result());
            case Log l -> log(l);
            case Statistics s -> stats(s.stats());
            case Exported x -> exported(x.result());
            default -> target.toString();
        };
    }

    private static String part(Object target) {
        return switch (target) {
            case Traces t -> Integer.toString(t.traces().size());
            case Untraced u -> Integer.toString(u.result().pid());
            case Log l -> Integer.toString(l.events().size());
            case Statistics s -> Long.toString(s.stats().totalCalls());
            case Exported x -> Long.toString(x.result().events());
            default -> target.toString();
        };
    }

    static String traces(Traces t) {
        Table table = new Table(">PID", ">TGID", "COMMAND", "STATE", "EVENTS", "FOLLOW", ">RECORDED", ">DROPPED", ">RING");
        for (TraceInfo i : t.traces()) {
            table.row(i.tid(), i.tgid(), i.comm(), i.active() ? "tracing" : i.ended(),
                    i.events().equals(Kind.all()) ? "all" : Kind.format(i.events()), i.follow() ? "yes" : "no",
                    i.recorded(), i.dropped(), i.ringSize());
        }
        return table.toString();
    }

    /** One row: the file, its format, how many traces and events it holds, what it lacks, how it ended. */
    static String exported(ExportResult r) {
        return new Table("FILE", "FORMAT", ">TRACES", ">EVENTS", ">DROPPED", ">LOST", "ENDED")
                .row(r.file(), r.format().label(), r.traces(), r.events(), r.dropped(), r.lost(), r.ended()).toString();
    }

    static String untraced(UntraceResult r) {
        return new Table(">PID", "DETACH", "RESULT").row(r.pid(), r.detach(), r.meaning()).toString();
    }

    /** strace style: one event a line; with {@code [pid N]} in front when the log is of every trace. */
    static String log(Log l) {
        if (l.events().isEmpty()) return l.pid() == 0 ? "no events recorded" : "no events recorded for pid " + l.pid();
        StringJoiner out = new StringJoiner("\n");
        for (TraceEvent e : l.events()) out.add(l.pid() == 0 ? "[pid " + e.tid() + "] " + e.text() : e.text());
        return out.toString();
    }

    /** {@code strace -c}: one line per syscall, a total line, then signals, exits and drops. */
    static String stats(Stats s) {
        StringBuilder sb = new StringBuilder();
        sb.append("% time     seconds  usecs/call     calls    errors syscall\n").append(RULE).append('\n');
        long total = s.totalNanos();
        for (SyscallStat r : s.syscalls()) {
            row(sb, r.nanos(), total, r.avgNanos(), r.calls(), r.errors(), r.name());
        }
        sb.append(RULE).append('\n');
        long calls = s.totalCalls();
        row(sb, total, total, calls == 0 ? 0 : total / calls, calls, s.totalErrors(), "total");
        StringJoiner sig = new StringJoiner(", ");
        s.signals().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> sig.add(Signals.name(e.getKey()) + " x" + e.getValue()));
        sb.append('\n').append(s.pid() == 0 ? "all traces" : "pid " + s.pid())
                .append(": signals ").append(sig.length() == 0 ? "none" : sig.toString())
                .append("; exits ").append(s.exits())
                .append("; dropped ").append(s.dropped()).append(s.dropped() == 1 ? " event" : " events");
        if (s.dropped() > 0) sb.append(" (ring full; the counts above include them)");
        return sb.toString();
    }

    private static void row(StringBuilder sb, long nanos, long total, long avgNanos, long calls, long errors, String name) {
        double pct = total == 0 ? 0 : 100.0 * nanos / total;
        sb.append(String.format(Locale.ROOT, "%6.2f %11.6f %11d %9d %9s %s%n", pct, nanos / 1e9, avgNanos / 1000,
                calls, errors == 0 ? "" : Long.toString(errors), name).replace(System.lineSeparator(), "\n"));
    }
}
