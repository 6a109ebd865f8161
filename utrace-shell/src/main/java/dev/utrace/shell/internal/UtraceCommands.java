package dev.utrace.shell.internal;

import org.osgi.annotation.bundle.Header;
import dev.utrace.shell.format.UsageError;

import dev.utrace.api.EngineInfo;
import dev.utrace.api.Utrace;
import dev.utrace.api.task.Signals;
import dev.utrace.shell.internal.Results.ConsoleText;
import dev.utrace.shell.internal.Results.EngineRow;
import dev.utrace.shell.internal.Results.Engines;
import dev.utrace.shell.internal.Results.Programs;
import dev.utrace.shell.internal.Results.Signalled;
import dev.utrace.shell.internal.Results.Spawned;
import dev.utrace.shell.internal.Results.TaskDetail;
import dev.utrace.shell.internal.Results.Tasks;
import dev.utrace.shell.internal.Results.Waited;
import dev.utrace.sim.SimException;
import dev.utrace.sim.SimMachine;
import dev.utrace.sim.TaskInfo;
import dev.utrace.spi.Machine;
import dev.utrace.spi.TracedTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code utrace:} shell commands (as Felix SCR's {@code ComponentCommands}): each returns a
 * value from {@link Results} that {@link TableConverter} formats. A bad argument throws an
 * {@link IllegalArgumentException} saying what was wrong and how to call the command, which
 * Gogo prints; it is checked before anything is done, so nothing changes.
 */
@Header(name = "Utrace-Completion", value = "utrace-completion.gosh") // utrace:completions loads it into each shell session
@Component(service = UtraceCommands.class, property = {
        "osgi.command.scope=utrace",
        "osgi.command.function=ps", "osgi.command.function=spawn", "osgi.command.function=kill",
        "osgi.command.function=info", "osgi.command.function=console", "osgi.command.function=programs",
        "osgi.command.function=engines", "osgi.command.function=wait"})
public final class UtraceCommands implements WaitCommand {
    static final String PS = "ps";
    static final String SPAWN = "spawn <program> [args...]  (programs lists them; up to 6 numeric args)";
    static final String KILL = "kill <pid> [signal]  (signal: 1..64 or a name such as TERM, KILL, SIGUSR1; default TERM)";
    static final String INFO = "info <pid>";
    static final String CONSOLE = "console <pid>";
    static final String PROGRAMS = "programs";
    static final String ENGINES = "engines [pid]";
    static final String WAIT = "wait <pid> [timeout-ms]  (default 10000)";
    static final long DEFAULT_WAIT_MILLIS = 10_000;

    private final SimMachine sim;
    private final Machine machine;
    private final Utrace utrace;

    @Activate
    public UtraceCommands(@Reference SimMachine sim, @Reference Machine machine, @Reference Utrace utrace) {
        this.sim = sim;
        this.machine = machine;
        this.utrace = utrace;
    }

    @Descriptor("list every live task (threads included)")
    public Tasks ps() {
        return new Tasks(sim.tasks());
    }

    @Descriptor("start a program as a new process, a child of init; prints its pid")
    public Spawned spawn(
            @Descriptor("the program's name, as programs lists it") String program,
            @Descriptor("up to six numeric arguments, given to the program in rdi, rsi, rdx, r10, r8, r9") String... args) {
        List<String> list = List.of(args);
        int pid = sim(SPAWN, () -> sim.spawn(program, list));
        return new Spawned(pid, program, list);
    }

    @Descriptor("start a program (missing: the program's name)")
    public Spawned spawn() {
        throw bad("spawn needs the name of a program; programs lists them", SPAWN);
    }

    @Descriptor("send a signal (missing: the pid)")
    public Signalled kill() {
        throw bad("kill needs the pid of a process; ps lists them", KILL);
    }

    @Descriptor("send SIGTERM to a process")
    public Signalled kill(@Descriptor("the process id, as ps shows it") String pid) {
        return kill(pid, "TERM");
    }

    @Descriptor("send a signal to a process, as kill(2) does")
    public Signalled kill(
            @Descriptor("the process id, as ps shows it") String pid,
            @Descriptor("the signal: a number 1..64 or a name such as TERM, KILL, SIGUSR1") String signal) {
        int p = pid(pid, KILL);
        int sig;
        try {
            sig = Signals.parse(signal);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage(), KILL);
        }
        sim(KILL, () -> {
            sim.kill(p, sig);
            return null;
        });
        return new Signalled(p, sig);
    }

    @Descriptor("show one task (missing: the pid)")
    public TaskDetail info() {
        throw bad("info needs the pid of a task; ps lists them", INFO);
    }

    @Descriptor("show one task: ids, parent, program, state, threads and how many engines it has")
    public TaskDetail info(@Descriptor("the thread id, as ps shows it") String pid) {
        int p = pid(pid, INFO);
        TaskInfo info = sim(INFO, () -> sim.info(p));
        TracedTask t = machine.findTask(p);
        return new TaskDetail(info, t == null ? 0 : utrace.engines(t).size());
    }

    @Descriptor("show a process's output (missing: the pid)")
    public ConsoleText console() {
        throw bad("console needs the pid of a process; ps lists them", CONSOLE);
    }

    @Descriptor("show what a process wrote to its standard output (the last 8 KiB), also after it ended")
    public ConsoleText console(@Descriptor("the process id, as ps or spawn showed it") String pid) {
        int p = pid(pid, CONSOLE);
        return new ConsoleText(p, sim(CONSOLE, () -> sim.console(p)));
    }

    @Descriptor("list the programs spawn can start: the library, then the programs folder")
    public Programs programs() {
        return new Programs(sim.programs());
    }

    @Descriptor("list the engines of every live task: owning bundle, state, references, stop, events, ops")
    public Engines engines() {
        List<EngineRow> rows = new ArrayList<>();
        for (TaskInfo i : sim.tasks()) {
            TracedTask t = machine.findTask(i.tid());
            if (t != null) rows.addAll(rows(i.tid(), t)); // else it was reaped meanwhile
        }
        return new Engines(rows);
    }

    @Descriptor("list the engines of one task: owning bundle, state, references, stop, events, ops")
    public Engines engines(@Descriptor("the thread id, as ps shows it") String pid) {
        int p = pid(pid, ENGINES);
        TracedTask t = machine.findTask(p);
        if (t == null) throw bad("no live task with pid " + p + "; ps lists the live ones", ENGINES);
        return new Engines(rows(p, t));
    }

    @Descriptor("wait up to 10 s until a process has ended and been reaped, and show how it ended")
    @Override
    public Waited wait(@Descriptor("the process id, as ps or spawn showed it") Object pid) throws InterruptedException {
        return wait(pid, Long.toString(DEFAULT_WAIT_MILLIS));
    }

    @Descriptor("wait until a process has ended and been reaped, and show how it ended")
    @Override
    public Waited wait(
            @Descriptor("the process id, as ps or spawn showed it") Object pid,
            @Descriptor("how long to wait, in milliseconds") Object timeoutMillis) throws InterruptedException {
        int p = pid(String.valueOf(pid), WAIT);
        long ms;
        try {
            ms = Long.parseLong(String.valueOf(timeoutMillis).trim());
        } catch (NumberFormatException e) {
            ms = -1;
        }
        if (ms < 0) throw bad("bad timeout '" + timeoutMillis + "'; give milliseconds, 0 or more", WAIT);
        long timeout = ms;
        try {
            return new Waited(p, sim.waitExit(p, Duration.ofMillis(timeout)).orElse(null), timeout);
        } catch (SimException e) {
            throw bad(e.getMessage(), WAIT);
        }
    }

    private List<EngineRow> rows(int pid, TracedTask t) {
        List<EngineRow> rows = new ArrayList<>();
        for (EngineInfo e : utrace.engines(t)) rows.add(new EngineRow(pid, e));
        return rows;
    }

    private static int pid(String text, String usage) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw bad("'" + text + "' is not a pid; a pid is a number, as ps shows it", usage);
        }
    }

    /** Runs a machine request; the machine's refusal (which changed nothing) becomes the shell's message. */
    private static <T> T sim(String usage, Supplier<T> request) {
        try {
            return request.get();
        } catch (SimException e) {
            throw bad(e.getMessage().replace("tasks() lists", "ps lists"), usage);
        }
    }

    static IllegalArgumentException bad(String what, String usage) {
        return new UsageError(what + "\nusage: utrace:" + usage);
    }
}
