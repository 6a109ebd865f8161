package dev.utrace.passive.internal.commands;

import static dev.utrace.shell.command.Command.command;

import dev.utrace.api.SyscallSet;
import dev.utrace.api.proc.Processes;
import dev.utrace.api.task.SyscallNames;
import dev.utrace.passive.ExportFormat;
import dev.utrace.passive.ExportResult;
import dev.utrace.passive.ExportStream;
import dev.utrace.passive.Kind;
import dev.utrace.passive.PassiveTracer;
import dev.utrace.passive.Stats;
import dev.utrace.passive.internal.commands.Views.Exported;
import dev.utrace.passive.internal.commands.Views.Log;
import dev.utrace.passive.internal.commands.Views.Statistics;
import dev.utrace.passive.internal.commands.Views.Traces;
import dev.utrace.passive.internal.commands.Views.Untraced;
import dev.utrace.shell.command.Command;
import dev.utrace.shell.command.Refusal;
import dev.utrace.shell.command.Registrations;
import dev.utrace.shell.command.Values;
import dev.utrace.shell.command.Words;
import java.nio.file.InvalidPathException;
import dev.utrace.api.proc.Processes;
import dev.utrace.api.proc.SpawnRequest;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * The {@code passive:} shell commands over the {@link PassiveTracer} service: trace, run, untrace,
 * list, log, stats, export. Each returns a value from {@link Views} that {@link PassiveConverter} formats.
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
    /** Most arguments a named program takes (rdi, rsi, rdx, r10, r8, r9), as utrace:spawn. */
    static final int PROGRAM_ARGS = 6;
    /** Most words a real program is given from one command line, as utrace:spawn. */
    static final int FILE_ARGS = 4096;

    private final PassiveTracer tracer;
    /** The machine, whose syscall table names the syscalls of --syscalls; null: the x86_64 table both machines share. */
    private final Processes machine;
    private final List<Command> commands;
    private Registrations registrations;

    /** The commands, not registered anywhere (tests hand them to a Gogo runtime themselves), with the x86_64 syscall table. */
    public PassiveCommands(PassiveTracer tracer) {
        this(tracer, (Processes) null);
    }

    /**
     * The commands, not registered anywhere (tests hand them to a Gogo runtime themselves), with
     * syscall names from {@code machine}'s table. {@code machine} also decides how {@code run}
     * reads its words, as {@code utrace:spawn} does: a machine that offers named programs (the
     * simulated one) takes up to six numbers after the program; one that runs files (real
     * processes) any words, options such as {@code -la} included.
     */
    public PassiveCommands(PassiveTracer tracer, Processes machine) {
        this.tracer = tracer;
        this.machine = machine;
        boolean files = machine != null && machine.programs().isEmpty();
        this.commands = List.of(trace(), files ? runFile() : runProgram(), untrace(), list(), log(), stats(), export());
    }

    @Activate
    public PassiveCommands(@Reference PassiveTracer tracer, @Reference Processes machine, BundleContext context) {
        this(tracer, machine);
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
                .option("--syscalls", "list", "record only these syscalls, comma separated as strace -e trace= takes them"
                        + " (e.g. openat,connect; default all): the others are not even reported to the tracer")
                .param("pid", "the thread id, " + PS_LISTS)
                .note("events: syscalls, signals, clone, exec, exit, death, all; comma separated")
                .runs(w -> {
                    if (w.flag("--follow") && w.flag("--no-follow")) {
                        throw new Refusal("--follow and --no-follow contradict each other; give one of them, or neither for"
                                + " the configured setting");
                    }
                    Set<Kind> kinds = w.option("--events", null) == null ? null : events(w.option("--events", null));
                    SyscallSet syscalls = syscalls(w.option("--syscalls", "all"));
                    int pid = Values.pid(w.get("pid"), PS_LISTS);
                    Boolean follow = w.flag("--follow") ? Boolean.TRUE : w.flag("--no-follow") ? Boolean.FALSE : null;
                    return new Traces(List.of(tracer(() -> tracer.trace(pid, kinds, follow, syscalls))));
                });
    }

    private static final String RUN_DOES = "start a program traced from its first instruction (as strace PROGRAM ARGS);"
            + " prints its trace";
    private static final String EVENTS_MEANING = "what to record, comma separated: syscalls, signals, clone, exec, exit, death,"
            + " all (default: the configured events)";
    private static final String FOLLOW_MEANING = "also trace the threads and children it creates, as strace -f (default: the"
            + " configured setting)";
    private static final String NO_FOLLOW_MEANING = "trace only the program's first thread, even if the configured setting is"
            + " to follow";

    /** {@code run} on a machine that offers named programs: up to six numbers after the program, as utrace:spawn there. */
    private Command runProgram() {
        return command(SCOPE, "run").does(RUN_DOES)
                .option("-e|--events", "list", EVENTS_MEANING)
                .flag("--follow", FOLLOW_MEANING)
                .flag("--no-follow", NO_FOLLOW_MEANING)
                .param("program", "the program's name, as utrace:programs lists it")
                .rest("args", "up to six numbers (decimal, or 0x and hex digits), given to the program in rdi, rsi, rdx,"
                        + " r10, r8, r9", PROGRAM_ARGS)
                .note("e.g. run --follow forker 2; then utrace:wait and passive:log")
                .runs(w -> {
                    if (w.flag("--follow") && w.flag("--no-follow")) throw contradiction();
                    Set<Kind> kinds = w.option("--events", null) == null ? null : events(w.option("--events", null));
                    String program = w.get("program");
                    List<String> args = new ArrayList<>();
                    for (String a : w.rest()) {
                        Values.word(a, true, "a program argument", "programs take numbers: decimal, or 0x and hex digits");
                        args.add(a.replaceFirst("^0X", "0x"));
                    }
                    Boolean follow = w.flag("--follow") ? Boolean.TRUE : w.flag("--no-follow") ? Boolean.FALSE : null;
                    return new Traces(List.of(tracer(() -> tracer.run(SpawnRequest.of(program, args), kinds, follow))));
                });
    }

    /**
     * {@code run} on a machine that runs files: strace's {@code strace [-f] PROGRAM ARGS}. The
     * program's arguments pass as they are, options such as {@code -la} included, so the words are
     * not sorted by the shell's option parser ({@code anyWords}): this command's own options are
     * read here, before the program (or up to {@code --}).
     */
    private Command runFile() {
        return command(SCOPE, "run").does(RUN_DOES)
                .option("-e|--events", "list", EVENTS_MEANING)
                .flag("--follow", FOLLOW_MEANING)
                .flag("--no-follow", NO_FOLLOW_MEANING)
                .param("program", "a path, or a name found on PATH")
                .rest("args", "the program's arguments, as they are (options such as -l included)", FILE_ARGS)
                .note("e.g. run --follow sh -c 'echo hi | cat'; then utrace:wait and passive:log")
                .anyWords()
                .runs(w -> {
                    List<String> words = new ArrayList<>();
                    words.add(w.get("program"));
                    words.addAll(w.rest());
                    Set<Kind> kinds = null;
                    Boolean follow = null;
                    int i = 0;
                    for (; i < words.size(); i++) {
                        String word = words.get(i);
                        if (word.equals("--")) {
                            i++;
                            break;
                        }
                        if (word.equals("-e") || word.equals("--events")) {
                            if (kinds != null) throw new Refusal(word + " is given twice; give it once");
                            if (i + 1 == words.size()) throw new Refusal(word + " needs <list> after it: " + EVENTS_MEANING);
                            kinds = events(words.get(++i));
                        } else if (word.equals("--follow") || word.equals("--no-follow")) {
                            Boolean f = word.equals("--follow");
                            if (follow != null && !follow.equals(f)) throw contradiction();
                            follow = f;
                        } else if (word.startsWith("-") && !word.equals("-")) {
                            throw new Refusal("unknown option '" + word + "'; run takes -e or --events, --follow, --no-follow"
                                    + " before the program (put -- before a program whose name starts with -)");
                        } else {
                            break;
                        }
                    }
                    if (i == words.size()) throw new Refusal("run needs <program>: a path, or a name found on PATH");
                    String program = words.get(i);
                    if (program.isEmpty()) throw new Refusal("an empty word where <program> was expected");
                    List<String> args = List.copyOf(words.subList(i + 1, words.size()));
                    Set<Kind> events = kinds;
                    Boolean f = follow;
                    return new Traces(List.of(tracer(() -> tracer.run(SpawnRequest.of(program, args), events, f))));
                });
    }

    private static Refusal contradiction() {
        return new Refusal("--follow and --no-follow contradict each other; give one of them, or neither for the configured"
                + " setting");
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
                .option("--sort", "column", "the column to sort by: time (default, as strace -c), calls, errors, avg or syscall")
                .optional("pid", "the thread id, " + LIST_SHOWS + " (default: every trace)")
                .note("columns: time, calls, errors, avg, syscall; every trace when no pid")
                .runs(w -> {
                    Stats.Column column = column(w.option("--sort", "time"));
                    if (!w.has("pid")) return new Statistics(tracer.stats().sortedBy(column));
                    int pid = Values.pid(w.get("pid"), LIST_SHOWS);
                    return new Statistics(tracer(() -> tracer.stats(pid)).sortedBy(column));
                });
    }

    private Command export() {
        return command(SCOPE, "export")
                .does("write what the tracer recorded to a file: Chrome JSON trace events (Perfetto, chrome://tracing)"
                        + " or NDJSON, one event a line")
                .option("--format", "format", "chrome or ndjson (default: ndjson for a file ending in .ndjson or .jsonl,"
                        + " else chrome)")
                .flag("--follow", "then write each event as it is recorded, until the traces end (Ctrl-C stops sooner)")
                .flag("--force", "replace the file if it exists (default: an existing file is refused)")
                .param("pid|all", "the thread id of a trace, " + LIST_SHOWS + ", with the traces followed from it; or all")
                .param("file", "the file to write; a relative path is taken from the shell's current folder")
                .note("formats: chrome, ndjson; an existing file only with --force")
                .runs(w -> {
                    ExportFormat format = w.option("--format", null) == null ? null : format(w.option("--format", null));
                    int pid = exportTarget(w.get("pid|all"));
                    String word = w.get("file");
                    Path file = file(w, word);
                    ExportFormat f = format != null ? format : ExportFormat.forFile(file);
                    boolean force = w.flag("--force");
                    if (!w.flag("--follow")) return new Exported(exporting(word, () -> tracer.export(pid, file, f, force)));
                    ExportStream stream = exporting(word, () -> tracer.exportFollowing(pid, file, f, force));
                    try {
                        return new Exported(stream.await());
                    } catch (InterruptedException ctrlC) {
                        ExportResult r = stream.stop(); // the file is closed whole, with what came so far
                        Thread.currentThread().interrupt(); // as Command does: whoever runs us may want to know
                        return new Exported(r);
                    }
                });
    }

    /** {@code all} (0) or a pid. */
    private static int exportTarget(String word) {
        if (word.equalsIgnoreCase("all")) return 0;
        return Values.pid(word, LIST_SHOWS + ", or all for every trace");
    }

    /** The file a word names, from the session's current folder. */
    private static Path file(Words w, String word) {
        try {
            Path p = Path.of(word);
            return w.session() == null ? p : w.session().currentDir().resolve(p);
        } catch (InvalidPathException e) {
            throw new Refusal(Values.quote(word) + " is not a file name; give a path such as /tmp/trace.json");
        }
    }

    private static ExportFormat format(String text) {
        try {
            return ExportFormat.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Refusal("unknown format " + Values.quote(text) + "; known formats: chrome, ndjson");
        }
    }

    /** Asks the tracer to export; its refusal (which wrote nothing) says so, naming the file as typed. */
    private static <T> T exporting(String file, Supplier<T> request) {
        try {
            return request.get();
        } catch (IllegalArgumentException e) {
            throw new Refusal(e.getMessage() + "; nothing was written to " + Values.quote(file));
        }
    }

    private SyscallSet syscalls(String names) {
        if (machine == null) return Values.syscalls(names, SyscallNames::number, SyscallNames::name);
        return Values.syscalls(names, machine::syscallNumber, machine::syscallName);
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
