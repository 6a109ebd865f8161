package dev.utrace.shell.internal;

import static dev.utrace.shell.command.Command.command;

import dev.utrace.api.EngineInfo;
import dev.utrace.api.Utrace;
import dev.utrace.api.task.Task;
import dev.utrace.shell.command.Command;
import dev.utrace.shell.command.Refusal;
import dev.utrace.shell.command.Registrations;
import dev.utrace.shell.command.Values;
import dev.utrace.shell.internal.Results.ConsoleText;
import dev.utrace.shell.internal.Results.EngineRow;
import dev.utrace.shell.internal.Results.Engines;
import dev.utrace.shell.internal.Results.Programs;
import dev.utrace.shell.internal.Results.Signalled;
import dev.utrace.shell.internal.Results.Spawned;
import dev.utrace.shell.internal.Results.TaskDetail;
import dev.utrace.shell.internal.Results.Tasks;
import dev.utrace.shell.internal.Results.Waited;
import dev.utrace.api.SyscallSet;
import dev.utrace.api.proc.ProcessException;
import dev.utrace.api.proc.Processes;
import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.api.proc.TaskInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code utrace:} commands over the machine and the core: ps, spawn, attach, kill, info,
 * console, programs, engines, wait. Each returns a value from {@link Results} that
 * {@link TableConverter} formats. Every word is read before the machine is asked anything, and the
 * machine's own refusals change nothing, so a refused line leaves everything as it was.
 *
 * <p>spawn reads its words as the machine takes them: on a machine that offers named programs
 * (the simulated one) up to six numbers; on one that runs files (real Linux processes, whose
 * {@code programs()} is empty) any words, {@code -l} included, passed to the program as they are.
 */
@Header(name = "Utrace-Completion", value = "utrace-completion.gosh") // utrace:completions loads it into each shell session
@Component(service = {}, property = "service.description=The utrace: shell commands over the machine and the core")
public final class UtraceCommands {
    static final String SCOPE = "utrace";
    /** Most arguments a program takes (rdi, rsi, rdx, r10, r8, r9). */
    static final int PROGRAM_ARGS = 6;
    /** Most arguments a real program is given from one command line. */
    static final int FILE_ARGS = 4096;
    static final long DEFAULT_WAIT_MILLIS = 10_000;
    static final String PS_LISTS = "as ps shows it";

    private final Processes sim;
    private final Utrace utrace;
    private final List<Command> commands;
    private Registrations registrations;

    /** The commands, not registered anywhere (tests hand them to a Gogo runtime themselves). */
    public UtraceCommands(Processes sim, Utrace utrace) {
        this.sim = sim;
        this.utrace = utrace;
        this.commands = List.of(ps(), sim.programs().isEmpty() ? spawnFile() : spawn(), attach(), kill(), info(), console(),
                programs(), engines(), waitCommand());
    }

    @Activate
    public UtraceCommands(@Reference Processes sim, @Reference Utrace utrace,
            BundleContext context) {
        this(sim, utrace);
        registrations = Registrations.register(context, commands);
    }

    @Deactivate
    void deactivate() {
        registrations.close();
    }

    public List<Command> commands() {
        return commands;
    }

    private Command ps() {
        return command(SCOPE, "ps").does("list every live task (threads included): pid, tgid, ppid, state, threads, command")
                .runs(w -> new Tasks(sim.tasks()));
    }

    private Command spawn() {
        return command(SCOPE, "spawn").does("start a program as a new process, a child of init; prints its pid")
                .option("--syscalls", "list", SYSCALLS_MEANING)
                .param("program", "the program's name, as programs lists it")
                .rest("args", "up to six numbers (decimal, or 0x and hex digits; 64 bits each), given to the program"
                        + " in rdi, rsi, rdx, r10, r8, r9", PROGRAM_ARGS)
                .note("programs lists them; up to 6 numeric args")
                .runs(w -> {
                    SyscallSet syscalls = syscalls(w.option("--syscalls", "all"));
                    String program = w.get("program");
                    List<String> args = new ArrayList<>();
                    for (String a : w.rest()) {
                        Values.word(a, true, "a program argument", "programs take numbers: decimal, or 0x and hex digits");
                        args.add(a.replaceFirst("^0X", "0x"));
                    }
                    int pid = sim(() -> sim.spawn(SpawnRequest.of(program, args).withSyscalls(syscalls)));
                    return new Spawned(pid, program, List.copyOf(args));
                });
    }

    static final String SYSCALLS_MEANING = "the syscalls engines will want of it, comma separated (e.g. openat,connect):"
            + " on real processes it then stops only at those (a seccomp filter); default all";

    private SyscallSet syscalls(String names) {
        return Values.syscalls(names, sim::syscallNumber, sim::syscallName);
    }

    /** spawn on a machine that runs files: a path or a name on PATH, then any words. */
    private Command spawnFile() {
        return command(SCOPE, "spawn").does("start a program as a new process, traced from its first instruction; prints its pid")
                .param("program", "a path, or a name found on PATH; before it, --syscalls LIST: " + SYSCALLS_MEANING)
                .rest("args", "the program's arguments, as they are (options such as -l included)", FILE_ARGS)
                .note("e.g. spawn /usr/bin/ls -l /, spawn --syscalls openat,connect /usr/bin/curl URL")
                .anyWords()
                .runs(w -> {
                    String program = w.get("program");
                    List<String> args = w.rest();
                    SyscallSet syscalls = SyscallSet.ALL;
                    if (program.equals("--syscalls")) { // the one option, read by hand: every other word is the program's
                        if (args.size() < 2) throw new Refusal("--syscalls takes a list of syscalls, then the program");
                        syscalls = syscalls(args.get(0));
                        program = args.get(1);
                        args = List.copyOf(args.subList(2, args.size()));
                    }
                    String run = program;
                    List<String> runArgs = args;
                    SyscallSet stopAt = syscalls;
                    int pid = sim(() -> sim.spawn(SpawnRequest.of(run, runArgs).withSyscalls(stopAt)));
                    return new Spawned(pid, program, args);
                });
    }

    private Command attach() {
        return command(SCOPE, "attach").does("adopt a running process with all its threads, so engines can trace it")
                .param("pid", "the process id (on the simulated machine every process is its own already)")
                .runs(w -> {
                    int pid = Values.pid(w.get("pid"), "as ps shows it (Linux's own ps for a process not on the machine yet)");
                    TaskInfo info = sim(() -> sim.adopt(pid));
                    Task t = utrace.task(info.tid());
                    return new TaskDetail(info, t == null ? 0 : utrace.engines(t).size());
                });
    }

    private Command kill() {
        return command(SCOPE, "kill").does("send a signal to a process, as kill(2) does")
                .param("pid", "the process id, as ps shows it")
                .optional("signal", "the signal: a number 1..64 or a name such as TERM, KILL, SIGUSR1 (default TERM)")
                .note("signal: 1..64 or a name such as TERM, KILL, SIGUSR1; default TERM")
                .runs(w -> {
                    int pid = Values.pid(w.get("pid"), PS_LISTS);
                    int sig = Values.signal(w.get("signal", "TERM"));
                    sim(() -> {
                        sim.kill(pid, sig);
                        return null;
                    });
                    return new Signalled(pid, sig);
                });
    }

    private Command info() {
        return command(SCOPE, "info").does("show one task: ids, parent, program, state, threads and how many engines it has")
                .param("pid", "the thread id, as ps shows it")
                .runs(w -> {
                    int pid = Values.pid(w.get("pid"), PS_LISTS);
                    TaskInfo info = sim(() -> sim.info(pid));
                    Task t = utrace.task(pid);
                    return new TaskDetail(info, t == null ? 0 : utrace.engines(t).size());
                });
    }

    private Command console() {
        return command(SCOPE, "console").does("show what a process wrote to its standard output (the last 8 KiB), also after it ended")
                .param("pid", "the process id, as ps or spawn showed it")
                .runs(w -> {
                    int pid = Values.pid(w.get("pid"), PS_LISTS);
                    return new ConsoleText(pid, sim(() -> sim.console(pid)));
                });
    }

    private Command programs() {
        return command(SCOPE, "programs").does("list the programs spawn can start: the library, then the programs folder")
                .runs(w -> new Programs(sim.programs()));
    }

    private Command engines() {
        return command(SCOPE, "engines")
                .does("list the engines of every live task, or of one: owning bundle, state, references, stop, events, the"
                        + " syscalls each wants, where the task stops at syscalls (every, or only its filter's), ops")
                .optional("pid", "the thread id, as ps shows it (default: every live task)")
                .runs(w -> {
                    if (!w.has("pid")) return allEngines();
                    int pid = Values.pid(w.get("pid"), PS_LISTS);
                    Task t = utrace.task(pid);
                    if (t == null) throw new Refusal("no live task with pid " + pid + "; ps lists the live ones");
                    return new Engines(rows(pid, t));
                });
    }

    private Command waitCommand() {
        return command(SCOPE, "wait").does("wait until a process has ended and been reaped, and show how it ended")
                .param("pid", "the process id, as ps or spawn showed it")
                .optional("timeout-ms", "how long to wait, in milliseconds (default 10000; Ctrl-C stops waiting)")
                .note("default 10000")
                .runs(w -> {
                    int pid = Values.pid(w.get("pid"), PS_LISTS);
                    long ms = Values.decimal(w.get("timeout-ms", Long.toString(DEFAULT_WAIT_MILLIS)), 0, Integer.MAX_VALUE,
                            "a timeout", "give milliseconds, 0 or more");
                    try {
                        return new Waited(pid, sim.waitExit(pid, Duration.ofMillis(ms)).orElse(null), ms);
                    } catch (ProcessException e) {
                        throw refusal(e);
                    }
                });
    }

    private Engines allEngines() {
        List<EngineRow> rows = new ArrayList<>();
        for (TaskInfo i : sim.tasks()) {
            Task t = utrace.task(i.tid());
            if (t != null) rows.addAll(rows(i.tid(), t)); // else it was reaped meanwhile
        }
        return new Engines(rows);
    }

    private List<EngineRow> rows(int pid, Task t) {
        List<EngineRow> rows = new ArrayList<>();
        List<EngineInfo> engines = utrace.engines(t);
        if (engines.isEmpty()) return rows;
        String stops = stops(pid);
        for (EngineInfo e : engines) rows.add(new EngineRow(pid, e, e.syscalls().format(sim::syscallName), stops));
        return rows;
    }

    /** Where the machine stops task {@code pid} at syscalls, in a word or three (see {@link EngineRow}). */
    private String stops(int pid) {
        try {
            return switch (sim.syscallStops(pid).mode()) {
                case EVERY -> "every";
                case FILTERED -> "filter";
                case EVERY_BEYOND_FILTER -> "every (beyond filter)";
            };
        } catch (ProcessException gone) {
            return "-";
        }
    }

    /** Runs a machine request; the machine's refusal (which changed nothing) becomes a {@link Refusal}. */
    private static <T> T sim(Supplier<T> request) {
        try {
            return request.get();
        } catch (ProcessException e) {
            throw refusal(e);
        }
    }

    private static Refusal refusal(ProcessException e) {
        return new Refusal(e.getMessage().replace("tasks() lists", "ps lists"));
    }
}
