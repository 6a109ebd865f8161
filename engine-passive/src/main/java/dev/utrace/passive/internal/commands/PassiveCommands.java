package dev.utrace.passive.internal.commands;

import static dev.utrace.shell.command.Command.command;

import dev.utrace.passive.Kind;
import dev.utrace.passive.PassiveTracer;
import dev.utrace.passive.Stats;
import dev.utrace.passive.internal.commands.Views.Log;
import dev.utrace.passive.internal.commands.Views.Statistics;
import dev.utrace.passive.internal.commands.Views.Traces;
import dev.utrace.passive.internal.commands.Views.Untraced;
import dev.utrace.shell.command.Command;
import dev.utrace.shell.command.Refusal;
import dev.utrace.shell.command.Registrations;
import dev.utrace.shell.command.Values;
import dev.utrace.shell.command.Words;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code passive:} shell commands over the {@link PassiveTracer} service: trace, untrace,
 * list, log, stats. Each returns a value from {@link Views} that {@link PassiveConverter} formats.
 * Every word is read before the tracer is asked anything, and the tracer's own refusals change
 * nothing, so a refused line leaves every trace as it was.
 */
@Header(name = "Utrace-Completion", value = "passive-completion.gosh") // utrace:completions loads it into each shell session
@Component(reference = @Reference(name = "gogo", service = CommandProcessor.class), // only with a shell: see package-info
        service = {}, property = "service.description=The passive: shell commands")
public final class PassiveCommands {
    static final String SCOPE = "passive";
    static final String PS_LISTS = "as utrace:ps shows it";
    static final String LIST_SHOWS = "as passive:list shows it";
    static final int DEFAULT_COUNT = 20;

    private final PassiveTracer tracer;
    private final List<Command> commands;
    private Registrations registrations;

    /** The commands, not registered anywhere (tests hand them to a Gogo runtime themselves). */
    public PassiveCommands(PassiveTracer tracer) {
        this.tracer = tracer;
        this.commands = List.of(trace(), untrace(), list(), log(), stats());
    }

    @Activate
    public PassiveCommands(@Reference PassiveTracer tracer, BundleContext context) {
        this(tracer);
        registrations = Registrations.register(context, commands);
    }

    @Deactivate
    void deactivate() {
        registrations.close();
    }

    public List<Command> commands() {
        return commands;
    }

    private Command trace() {
        return command(SCOPE, "trace")
                .does("start a passive (observe-only) trace of a task: its syscalls, signals, clones, execs, exit and death")
                .option("-e|--events", "list", "what to record, comma separated: syscalls, signals, clone, exec, exit, death,"
                        + " all (default: the configured events)")
                .flag("--follow", "also trace the threads and children it creates from now on (default: the configured setting)")
                .flag("--no-follow", "trace only the task itself, even if the configured setting is to follow")
                .param("pid", "the thread id, " + PS_LISTS)
                .note("events: syscalls, signals, clone, exec, exit, death, all; comma separated")
                .runs(w -> {
                    if (w.flag("--follow") && w.flag("--no-follow")) {
                        throw new Refusal("--follow and --no-follow contradict each other; give one of them, or neither for"
                                + " the configured setting");
                    }
                    Set<Kind> kinds = w.option("--events", null) == null ? null : events(w.option("--events", null));
                    int pid = Values.pid(w.get("pid"), PS_LISTS);
                    Boolean follow = w.flag("--follow") ? Boolean.TRUE : w.flag("--no-follow") ? Boolean.FALSE : null;
                    return new Traces(List.of(tracer(() -> tracer.trace(pid, kinds, follow))));
                });
    }

    private Command untrace() {
        return command(SCOPE, "untrace").does("stop tracing a task; its events and statistics stay visible to log and stats")
                .param("pid", "the thread id, " + LIST_SHOWS)
                .runs(w -> {
                    int pid = Values.pid(w.get("pid"), LIST_SHOWS);
                    return new Untraced(tracer(() -> tracer.untrace(pid)));
                });
    }

    private Command list() {
        return command(SCOPE, "list").does("list the live traces, then the recently ended ones")
                .runs(w -> new Traces(tracer.list()));
    }

    private Command log() {
        return command(SCOPE, "log")
                .does("show the last events of one trace (live or recently ended) or of every trace, oldest first, strace style")
                .option("-n", "count", "how many events (default " + DEFAULT_COUNT + ")")
                .optional("pid", "the thread id, " + LIST_SHOWS + " (default: every trace, each line with [pid N] in front)")
                .note("default 20 events; every trace when no pid")
                .runs(w -> {
                    int count = count(w);
                    if (!w.has("pid")) return new Log(0, tracer.log(count));
                    int pid = Values.pid(w.get("pid"), LIST_SHOWS);
                    return new Log(pid, tracer(() -> tracer.log(pid, count)));
                });
    }

    private Command stats() {
        return command(SCOPE, "stats")
                .does("show strace -c style statistics of one trace (live or recently ended), or summed over every trace")
                .option("--sort", "column", "the column to sort by: calls (default), errors, time, avg or syscall")
                .optional("pid", "the thread id, " + LIST_SHOWS + " (default: every trace)")
                .note("columns: calls, errors, time, avg, syscall; every trace when no pid")
                .runs(w -> {
                    Stats.Column column = column(w.option("--sort", "calls"));
                    if (!w.has("pid")) return new Statistics(tracer.stats().sortedBy(column));
                    int pid = Values.pid(w.get("pid"), LIST_SHOWS);
                    return new Statistics(tracer(() -> tracer.stats(pid)).sortedBy(column));
                });
    }

    private static Set<Kind> events(String text) {
        try {
            return Kind.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Refusal(e.getMessage());
        }
    }

    private static int count(Words w) {
        return (int) Values.decimal(w.option("-n", Integer.toString(DEFAULT_COUNT)), 0, Integer.MAX_VALUE,
                "a count of events", "-n takes how many events to show, 0 or more");
    }

    private static Stats.Column column(String text) {
        try {
            return Stats.Column.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Refusal(e.getMessage());
        }
    }

    /** Asks the tracer; its refusal (which changed nothing) becomes a {@link Refusal}. */
    private static <T> T tracer(Supplier<T> request) {
        try {
            return request.get();
        } catch (IllegalArgumentException e) {
            throw new Refusal(e.getMessage());
        }
    }
}
