package dev.utrace.passive.internal.commands;

import dev.utrace.shell.format.UsageError;

import dev.utrace.passive.Kind;
import dev.utrace.passive.PassiveTracer;
import dev.utrace.passive.Stats;
import dev.utrace.passive.internal.commands.Views.Log;
import dev.utrace.passive.internal.commands.Views.Statistics;
import dev.utrace.passive.internal.commands.Views.Traces;
import dev.utrace.passive.internal.commands.Views.Untraced;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code passive:} shell commands over the {@link PassiveTracer} service. Each returns a
 * value from {@link Views} that {@link PassiveConverter} formats. A bad argument throws an
 * {@link IllegalArgumentException} saying what was wrong and how to call the command; every
 * argument is checked before the tracer is asked, and the tracer's own refusals change nothing.
 */
@Component(service = PassiveCommands.class, property = {
        "osgi.command.scope=passive",
        "osgi.command.function=trace", "osgi.command.function=untrace", "osgi.command.function=list",
        "osgi.command.function=log", "osgi.command.function=stats"})
public final class PassiveCommands {
    static final String TRACE = "trace [-e|--events <list>] [--follow|--no-follow] <pid>"
            + "  (events: syscalls, signals, clone, exec, exit, death, all; comma separated)";
    static final String UNTRACE = "untrace <pid>";
    static final String LIST = "list";
    static final String LOG = "log [-n <count>] [pid]  (default 20 events; every trace when no pid)";
    static final String STATS = "stats [--sort <column>] [pid]  (columns: calls, errors, time, avg, syscall; every trace when no pid)";

    private final PassiveTracer tracer;

    @Activate
    public PassiveCommands(@Reference PassiveTracer tracer) {
        this.tracer = tracer;
    }

    @Descriptor("start tracing a task (missing: the pid)")
    public Traces trace() {
        throw bad("trace needs the pid of a task; utrace:ps lists them", TRACE);
    }

    @Descriptor("start a passive (observe-only) trace of a task: its syscalls, signals, clones, execs, exit and death")
    public Traces trace(
            @Descriptor("what to record, comma separated: syscalls, signals, clone, exec, exit, death, all (default: the configured events)")
            @Parameter(names = {"-e", "--events"}, absentValue = "") String events,
            @Descriptor("also trace the threads and children it creates from now on (default: the configured setting)")
            @Parameter(names = "--follow", absentValue = "", presentValue = "true") String follow,
            @Descriptor("trace only the task itself, even if the configured setting is to follow")
            @Parameter(names = "--no-follow", absentValue = "", presentValue = "true") String noFollow,
            @Descriptor("the thread id, as utrace:ps shows it") String pid) {
        if (!follow.isEmpty() && !noFollow.isEmpty()) {
            throw bad("--follow and --no-follow contradict each other; give one of them, or neither for the configured setting", TRACE);
        }
        int p = pid(pid, TRACE);
        Set<Kind> kinds = null;
        if (!events.isEmpty()) {
            try {
                kinds = Kind.parse(events);
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage(), TRACE);
            }
        }
        Set<Kind> k = kinds;
        Boolean f = !follow.isEmpty() ? Boolean.TRUE : !noFollow.isEmpty() ? Boolean.FALSE : null;
        return new Traces(List.of(tracer(TRACE, () -> tracer.trace(p, k, f))));
    }

    @Descriptor("stop tracing a task (missing: the pid)")
    public Untraced untrace() {
        throw bad("untrace needs the pid of a traced task; passive:list lists them", UNTRACE);
    }

    @Descriptor("stop tracing a task; its events and statistics stay visible to log and stats")
    public Untraced untrace(@Descriptor("the thread id, as passive:list shows it") String pid) {
        int p = pid(pid, UNTRACE);
        return new Untraced(tracer(UNTRACE, () -> tracer.untrace(p)));
    }

    @Descriptor("list the live traces, then the recently ended ones")
    public Traces list() {
        return new Traces(tracer.list());
    }

    @Descriptor("show the last events of every trace, oldest first, strace style with [pid N] in front")
    public Log log(
            @Descriptor("how many events (default 20)") @Parameter(names = "-n", absentValue = "20") String n) {
        int count = count(n);
        return new Log(0, tracer.log(count));
    }

    @Descriptor("show the last events of one trace (live or recently ended), oldest first, strace style")
    public Log log(
            @Descriptor("how many events (default 20)") @Parameter(names = "-n", absentValue = "20") String n,
            @Descriptor("the thread id, as passive:list shows it") String pid) {
        int count = count(n);
        int p = pid(pid, LOG);
        return new Log(p, tracer(LOG, () -> tracer.log(p, count)));
    }

    @Descriptor("show strace -c style statistics summed over every trace, live and recently ended")
    public Statistics stats(
            @Descriptor("the column to sort by: calls (default), errors, time, avg or syscall")
            @Parameter(names = "--sort", absentValue = "calls") String sort) {
        Stats.Column c = column(sort);
        return new Statistics(tracer.stats().sortedBy(c));
    }

    @Descriptor("show strace -c style statistics of one trace (live or recently ended)")
    public Statistics stats(
            @Descriptor("the column to sort by: calls (default), errors, time, avg or syscall")
            @Parameter(names = "--sort", absentValue = "calls") String sort,
            @Descriptor("the thread id, as passive:list shows it") String pid) {
        Stats.Column c = column(sort);
        int p = pid(pid, STATS);
        return new Statistics(tracer(STATS, () -> tracer.stats(p)).sortedBy(c));
    }

    private static int count(String text) {
        int n;
        try {
            n = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw bad("'" + text + "' is not a number; -n takes how many events to show", LOG);
        }
        if (n < 0) throw bad("-n " + n + " is negative; -n takes how many events to show, 0 or more", LOG);
        return n;
    }

    private static Stats.Column column(String text) {
        try {
            return Stats.Column.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage(), STATS);
        }
    }

    private static int pid(String text, String usage) {
        int p;
        try {
            p = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p <= 0) throw bad("'" + text + "' is not a pid; a pid is a positive number, as utrace:ps shows it", usage);
        return p;
    }

    /** Asks the tracer; its refusal (which changed nothing) becomes the shell's message. */
    private static <T> T tracer(String usage, Supplier<T> request) {
        try {
            return request.get();
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage(), usage);
        }
    }

    static IllegalArgumentException bad(String what, String usage) {
        return new UsageError(what + "\nusage: passive:" + usage);
    }
}
