package dev.utrace.passive.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.passive.internal.commands.PassiveCommands;
import dev.utrace.passive.internal.commands.PassiveConverter;
import dev.utrace.shell.command.Command;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The passive: commands in a real Gogo runtime over the tracer, the real core and the real simulated machine. */
class PassiveCommandsTest extends SimFixture {
    ThreadIOImpl threadIO;
    CommandProcessorImpl processor;
    CommandSession session;

    @BeforeEach
    void shell() {
        threadIO = new ThreadIOImpl();
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        for (Command c : new PassiveCommands(tracer, sim).commands()) processor.addCommand(c.scope(), c, c.name());
        processor.addConverter(new PassiveConverter());
        PrintStream ps = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), ps, ps);
    }

    @AfterEach
    void closeShell() {
        session.close();
        processor.stop();
        threadIO.stop();
    }

    String run(String line) throws Exception {
        Object result = session.execute(line);
        return result == null ? null : session.format(result, Converter.INSPECT).toString();
    }

    String refused(String line) {
        return assertThrows(IllegalArgumentException.class, () -> session.execute(line), line).toString();
    }

    /** The stats table with the time columns (% time, seconds, usecs/call) masked: they vary from run to run. */
    static String maskTimes(String stats) {
        return stats.replaceAll("(?m)^( *[0-9.]+) +([0-9.]+) +([0-9]+) ", "  T  S  U ");
    }

    /** counter 3, traced from its first instruction to its death. */
    int tracedCounter() throws Exception {
        int pid = spawnStopped("counter", "3");
        assertEquals("""
                PID  TGID  COMMAND  STATE    EVENTS  FOLLOW  RECORDED  DROPPED  RING
                  2     2  counter  tracing  all     no             0        0  1024""", run("trace " + pid));
        cont(pid);
        waitExit(pid);
        awaitReleased(pid);
        return pid;
    }

    @Test
    void traceLogStatsListOfAKnownProgram() throws Exception {
        int pid = tracedCounter();
        assertEquals("""
                PID  TGID  COMMAND  STATE  EVENTS  FOLLOW  RECORDED  DROPPED  RING
                  2     2  counter  died   all     no             7        0  1024""", run("passive:list"));
        assertEquals("""
                --- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid=0} ---
                write(1, "1\\n", 2) = 2
                write(1, "2\\n", 2) = 2
                write(1, "3\\n", 2) = 2
                exit(0) = ?
                +++ exited with 0 +++
                +++ dead (group dead) +++""", run("log " + pid));
        assertEquals("""
                write(1, "3\\n", 2) = 2
                exit(0) = ?
                +++ exited with 0 +++
                +++ dead (group dead) +++""", run("log -n 4 " + pid));
        assertEquals("""
                [pid 2] +++ exited with 0 +++
                [pid 2] +++ dead (group dead) +++""", run("log -n 2"));
        assertEquals("no events recorded for pid 2", run("log -n 0 2"));
        String stats = run("stats " + pid);
        assertEquals("""
                % time     seconds  usecs/call     calls    errors syscall
                ------ ----------- ----------- --------- --------- ----------------
                  T  S  U         3           write
                ------ ----------- ----------- --------- --------- ----------------
                  T  S  U         3           total

                pid 2: signals SIGCONT x1; exits 1; dropped 0 events""", maskTimes(stats),
                "exit never returned: as strace -c, the statistics count the syscalls that returned");
        assertEquals(run("stats --sort time " + pid), stats, "sorted by time unless told, as strace -c");
        assertEquals(100.0, Double.parseDouble(stats.lines().filter(l -> l.endsWith(" total")).findFirst()
                .orElseThrow().strip().split(" +")[0]));
        assertEquals("""
                % time     seconds  usecs/call     calls    errors syscall
                ------ ----------- ----------- --------- --------- ----------------
                  T  S  U         3           write
                ------ ----------- ----------- --------- --------- ----------------
                  T  S  U         3           total

                all traces: signals SIGCONT x1; exits 1; dropped 0 events""", maskTimes(run("stats --sort syscall")));
    }

    @Test
    void statsShowErrorsAndDrops() throws Exception {
        program("errs", """
                    mov rbx, 3
                b:  mov rax, 999
                    syscall
                    loop rbx, b
                    exit_group 0
                """);
        closeShell(); // the same commands over a tracer with a ring of 2
        tracer.deactivate();
        tracer = newTracer("small", new Settings(dev.utrace.passive.Kind.all(), 2, false, 16));
        shell();
        int pid = spawnStopped("errs");
        run("trace -e syscalls " + pid);
        cont(pid);
        waitExit(pid);
        awaitReleased(pid);
        assertEquals("""
                % time     seconds  usecs/call     calls    errors syscall
                ------ ----------- ----------- --------- --------- ----------------
                  T  S  U         3         3 syscall_999
                ------ ----------- ----------- --------- --------- ----------------
                  T  S  U         3         3 total

                pid 2: signals none; exits 0; dropped 2 events (ring full; the counts above include them)""",
                maskTimes(run("stats --sort errors " + pid)));
        assertEquals("""
                PID  TGID  COMMAND  STATE  EVENTS    FOLLOW  RECORDED  DROPPED  RING
                  2     2  errs     died   syscalls  no             4        2     2""", run("list"));
    }

    @Test
    void traceWithEventsAndFollowThenUntrace() throws Exception {
        int pid = spawnStopped("idle");
        assertEquals("""
                PID  TGID  COMMAND  STATE    EVENTS         FOLLOW  RECORDED  DROPPED  RING
                  2     2  idle     tracing  syscalls,exit  yes            0        0  1024""",
                run("trace --events syscalls,exit --follow " + pid));
        assertEquals(1, core.facade("probe").engines(sim.findTask(pid)).size());
        assertEquals("""
                PID  DETACH  RESULT
                  2  DONE    detached; trace ended""", run("untrace " + pid));
        assertEquals(0, core.facade("probe").engines(sim.findTask(pid)).size());
        assertEquals("""
                PID  TGID  COMMAND  STATE     EVENTS         FOLLOW  RECORDED  DROPPED  RING
                  2     2  idle     untraced  syscalls,exit  yes            0        0  1024""", run("list"));
        assertEquals("1", session.format(session.execute("list"), Converter.PART).toString());
    }

    @Test
    void noFollowOverridesAConfiguredFollow() throws Exception {
        closeShell(); // the same commands over a tracer configured to follow
        tracer.deactivate();
        tracer = newTracer("following", new Settings(dev.utrace.passive.Kind.all(), 1024, true, 16));
        shell();
        int a = spawnStopped("idle");
        int b = spawnStopped("idle");
        int c = spawnStopped("idle");
        assertEquals("""
                PID  TGID  COMMAND  STATE    EVENTS  FOLLOW  RECORDED  DROPPED  RING
                  2     2  idle     tracing  all     yes            0        0  1024""", run("trace " + a));
        assertEquals("""
                PID  TGID  COMMAND  STATE    EVENTS  FOLLOW  RECORDED  DROPPED  RING
                  3     3  idle     tracing  all     no             0        0  1024""", run("trace --no-follow " + b));
        assertEquals("""
                PID  TGID  COMMAND  STATE    EVENTS    FOLLOW  RECORDED  DROPPED  RING
                  4     4  idle     tracing  syscalls  no             0        0  1024""", run("trace -e syscalls --no-follow " + c));
        assertEquals(true, tracer.traceOf(a).follow);
        assertEquals(false, tracer.traceOf(b).follow);
        assertEquals(false, tracer.traceOf(c).follow);
    }

    @Test
    void syscallsRecordsOnlyTheSyscallsNamed() throws Exception {
        int pid = spawnStopped("counter", "3");
        run("trace --syscalls write " + pid);
        cont(pid);
        waitExit(pid);
        awaitReleased(pid);
        assertEquals("""
                --- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid=0} ---
                write(1, "1\\n", 2) = 2
                write(1, "2\\n", 2) = 2
                write(1, "3\\n", 2) = 2
                +++ exited with 0 +++
                +++ dead (group dead) +++""", run("log " + pid), "no exit syscall: it is not among the syscalls named");
    }

    @Test
    void noFollowTracesOnlyTheTaskItself() throws Exception {
        closeShell();
        tracer.deactivate();
        tracer = newTracer("following", new Settings(dev.utrace.passive.Kind.all(), 1024, true, 16));
        shell();
        int pid = spawnStopped("forker", "2");
        run("trace --no-follow " + pid);
        cont(pid);
        waitExit(pid);
        awaitReleased(pid);
        assertEquals(1, tracer.list().size(), () -> "only the parent is traced: " + tracer.list());
        assertEquals(2, tracer.log(pid, 1000).stream().filter(e -> e.kind() == dev.utrace.passive.Kind.CLONE).count());
    }

    @Test
    void runTracesAProgramFromItsFirstInstruction() throws Exception {
        assertEquals("""
                PID  TGID  COMMAND  STATE    EVENTS  FOLLOW  RECORDED  DROPPED  RING
                  2     2  counter  tracing  all     no             0        0  1024""", run("run counter 3"));
        waitExit(2);
        awaitReleased(2);
        assertEquals("""
                --- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid=0} ---
                write(1, "1\\n", 2) = 2
                write(1, "2\\n", 2) = 2
                write(1, "3\\n", 2) = 2
                exit(0) = ?
                +++ exited with 0 +++
                +++ dead (group dead) +++""", run("log 2"), "from its first syscall on; the SIGCONT that let it run first");
    }

    @Test
    void runWithOptionsThenTheProgramsOwnWords() throws Exception {
        assertEquals("""
                PID  TGID  COMMAND  STATE    EVENTS         FOLLOW  RECORDED  DROPPED  RING
                  2     2  forker   tracing  syscalls,exit  yes            0        0  1024""",
                run("run --follow -e syscalls,exit forker 2"));
        waitExit(2);
        await("three traces released", () -> tracer.releases.get() == 3);
        assertEquals(3, tracer.list().size(), () -> "the parent and its two children: " + tracer.list());
        program("words", """
                # exits with its first argument
                    exit_group rdi
                """);
        run("run -e exit -- words 7");
        int words = tracer.list().stream().filter(t -> t.comm().equals("words")).findFirst().orElseThrow().tid();
        waitExit(words);
        awaitReleased(words);
        assertEquals("+++ exited with 7 +++", tracer.log(words, 1).getFirst().text(), "after --, every word is the program's");
    }

    @Test
    void runRefusalsStartNothing() throws Exception {
        String usage = "\nusage: passive:run [-e|--events <list>] [--follow] [--no-follow] <program> [args...]  (e.g. run"
                + " --follow forker 2; then utrace:wait and passive:log)";
        String[][] cases = {
                {"run", "run needs <program>: the program's name, as utrace:programs lists it" + usage},
                {"run -e", "-e needs <list> after it: what to record, comma separated: syscalls, signals, clone, exec, exit,"
                        + " death, all (default: the configured events)" + usage},
                {"run -e syscalls", "run needs <program>: the program's name, as utrace:programs lists it" + usage},
                {"run -e bogus counter", "unknown event 'bogus'; known events: syscalls, signals, clone, exec, exit, death, all"
                        + usage},
                {"run -e exit --events exit counter", "--events is given twice; give it once" + usage},
                {"run --follow --no-follow counter", "--follow and --no-follow contradict each other; give one of them, or"
                        + " neither for the configured setting" + usage},
                {"run counter -q", "unknown option '-q'; run takes -e or --events, --follow, --no-follow" + usage},
                {"run counter x", "'x' is not a program argument; programs take numbers: decimal, or 0x and hex digits" + usage},
                {"run counter 1 2 3 4 5 6 7", "run takes at most 7 arguments (<program> [args...]); '7' is one too many" + usage},
        };
        for (String[] c : cases) {
            assertEquals(c[1], refused(c[0]), c[0]);
            assertEquals(List.of(), sim.tasks().stream().filter(t -> t.tid() > 1).toList(), "nothing started by " + c[0]);
            assertEquals(List.of(), tracer.list(), "nothing traced by " + c[0]);
        }
        String unknown = refused("run nosuch 1");
        assertTrue(unknown.startsWith("no program named 'nosuch'; known programs: "), unknown);
        assertTrue(unknown.endsWith(usage), unknown);
        assertEquals(List.of(), sim.tasks().stream().filter(t -> t.tid() > 1).toList(), "nothing started");
    }

    @Test
    void everyRefusalSaysWhatWasWrongAndChangesNothing() throws Exception {
        int idle = spawnStopped("idle");
        run("trace -e exit " + idle);
        String before = run("list");
        String trace = "\nusage: passive:trace [-e|--events <list>] [--follow] [--no-follow] [--syscalls <list>] <pid>  (events: syscalls,"
                + " signals, clone, exec, exit, death, all; comma separated)";
        String untrace = "\nusage: passive:untrace <pid>";
        String log = "\nusage: passive:log [-n <count>] [pid]  (default 20 events; every trace when no pid)";
        String stats = "\nusage: passive:stats [--sort <column>] [pid]  (columns: time, calls, errors, avg, syscall; every trace"
                + " when no pid)";
        String[][] cases = {
                {"trace 99", "no task with pid 99; ps lists them" + trace},
                {"trace --follow --no-follow " + idle, "--follow and --no-follow contradict each other; give one of them, or"
                        + " neither for the configured setting" + trace},
                {"trace " + idle, "pid 2 is already traced; untrace 2 first" + trace},
                {"trace -e syscalls,bogus 1", "unknown event 'bogus'; known events: syscalls, signals, clone, exec, exit, death,"
                        + " all" + trace},
                {"trace -e '' 5", "an empty word where -e <list> was expected" + trace},
                {"trace -e , 5", "no events given; known events: syscalls, signals, clone, exec, exit, death, all" + trace},
                {"trace -e", "-e needs <list> after it: what to record, comma separated: syscalls, signals, clone, exec, exit,"
                        + " death, all (default: the configured events)" + trace},
                {"trace -e exit -e exec 1", "-e is given twice; give it once" + trace},
                {"trace -x 1", "unknown option '-x'; trace takes -e or --events, --follow, --no-follow, --syscalls" + trace},
                {"trace --syscalls opnat 5", "unknown syscall 'opnat' on this machine, did you mean openat or openat2?; names are"
                        + " those of its syscall table, as strace -e trace= takes them (openat, connect, read...)" + trace},
                {"trace --syscalls write, 5", "'write,' has an empty syscall name; give names separated by commas, such as"
                        + " openat,connect (or all)" + trace},
                {"trace -e exit --syscalls write 1", "syscalls to record were given, but syscalls are not among the events (exit);"
                        + " add syscalls to the events" + trace},
                {"trace x", "'x' is not a pid; a pid is a positive number, as utrace:ps shows it" + trace},
                {"trace ２", "'２' is not a pid; a pid is a positive number, as utrace:ps shows it (write numbers with the"
                        + " digits 0-9)" + trace},
                {"trace", "trace needs <pid>: the thread id, as utrace:ps shows it" + trace},
                {"trace 2 3", "trace takes at most 1 argument (<pid>); '3' is one too many" + trace},
                {"untrace 1", "pid 1 is not traced" + untrace},
                {"untrace 99", "pid 99 is not traced" + untrace},
                {"untrace null", "'null' is not a pid; a pid is a positive number, as passive:list shows it" + untrace},
                {"untrace", "untrace needs <pid>: the thread id, as passive:list shows it" + untrace},
                {"list x", "list takes no arguments; 'x' is one too many\nusage: passive:list"},
                {"log 1", "no trace of pid 1; list shows the traces" + log},
                {"log -n x " + idle, "'x' is not a count of events; -n takes how many events to show, 0 or more" + log},
                {"log -n -3", "'-3' is not a count of events; -n takes how many events to show, 0 or more" + log},
                {"log 10 -n 99999999999", "'99999999999' is too large for a count of events; at most 2147483647" + log},
                {"log null", "'null' is not a pid; a pid is a positive number, as passive:list shows it" + log},
                {"log [1]", "a list [1] where <pid> was expected; give one word" + log},
                {"stats --sort bogus " + idle, "unknown column 'bogus'; known columns: syscall, calls, errors, time, avg" + stats},
                {"stats --sort bogus", "unknown column 'bogus'; known columns: syscall, calls, errors, time, avg" + stats},
                {"stats 7", "no trace of pid 7; list shows the traces" + stats},
        };
        for (String[] c : cases) {
            String message = refused(c[0]);
            assertEquals(c[1], message, c[0]);
            assertEquals(before, run("list"), "nothing changed after " + c[0]);
            assertEquals(1, core.facade("probe").engines(sim.findTask(idle)).size(), "nothing changed after " + c[0]);
            assertEquals(0, sim.findTask(1) == null ? 1 : core.facade("probe").engines(sim.findTask(1)).size());
        }
        assertEquals("""
                PID  TGID  COMMAND  STATE    EVENTS  FOLLOW  RECORDED  DROPPED  RING
                  2     2  idle     tracing  exit    no             0        0  1024""", before);
    }

    @Test
    void exportWritesAFileRelativeToTheShellsFolderAndSaysWhat(@org.junit.jupiter.api.io.TempDir java.nio.file.Path folder)
            throws Exception {
        int pid = tracedCounter();
        session.currentDir(folder);
        String table = run("export all counter.json");
        java.nio.file.Path file = folder.resolve("counter.json");
        assertEquals(String.format("""
                FILE%s  FORMAT  TRACES  EVENTS  DROPPED  LOST  ENDED
                %s  chrome       1       7        0     0  written""", " ".repeat(file.toString().length() - 4), file), table);
        assertTrue(java.nio.file.Files.readString(file).startsWith("[\n{\"ph\":\"M\",\"name\":\"process_name\""));
        assertEquals("7", session.format(session.execute("export --force " + pid + " counter.json"), Converter.PART).toString());
        run("export " + pid + " counter.ndjson");
        assertEquals(7, java.nio.file.Files.readAllLines(folder.resolve("counter.ndjson")).size(), "ndjson by the file's name");
        run("export --format ndjson " + pid + " as-ndjson.json");
        assertEquals(7, java.nio.file.Files.readAllLines(folder.resolve("as-ndjson.json")).size(), "--format wins");
    }

    @Test
    void exportRefusalsSayWhatWasWrongAndWriteNothing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path folder)
            throws Exception {
        int idle = spawnStopped("idle");
        run("trace -e exit " + idle);
        session.currentDir(folder);
        java.nio.file.Files.writeString(folder.resolve("taken.json"), "keep");
        String before = run("list");
        String usage = "\nusage: passive:export [--format <format>] [--follow] [--force] <pid|all> <file>  (formats: chrome,"
                + " ndjson; an existing file only with --force)";
        String[][] cases = {
                {"export 1 out.json", "no trace of pid 1 to export; passive:list shows the traces; nothing was written to"
                        + " 'out.json'" + usage},
                {"export --format xml all out.json", "unknown format 'xml'; known formats: chrome, ndjson" + usage},
                {"export everything out.json", "'everything' is not a pid; a pid is a positive number, as passive:list shows"
                        + " it, or all for every trace" + usage},
                {"export all taken.json", folder.resolve("taken.json") + " exists; give another file, or overwrite it"
                        + " (passive:export --force); nothing was written to 'taken.json'" + usage},
                {"export all nofolder/out.json", "no folder " + folder.resolve("nofolder") + "; create it first, or give a file"
                        + " in an existing folder; nothing was written to 'nofolder/out.json'" + usage},
                {"export --follow all .", folder + " is a folder; give a file in it, such as " + folder.resolve("trace.json")
                        + "; nothing was written to '.'" + usage},
                {"export all", "export needs <file>: the file to write; a relative path is taken from the shell's current folder"
                        + usage},
        };
        for (String[] c : cases) {
            assertEquals(c[1], refused(c[0]), c[0]);
            assertEquals(before, run("list"), "nothing changed after " + c[0]);
            try (var files = java.nio.file.Files.list(folder)) {
                assertEquals(List.of(folder.resolve("taken.json")), files.toList(), "nothing written after " + c[0]);
            }
            assertEquals("keep", java.nio.file.Files.readString(folder.resolve("taken.json")));
        }
    }

    @Test
    void ctrlCStopsAFollowingExportWithAWholeFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path folder)
            throws Exception {
        int idle = spawnStopped("idle");
        run("trace " + idle);
        cont(idle);
        session.currentDir(folder);
        // The console's Ctrl-C interrupts the threads running utrace commands, which each registers here.
        java.util.Set<Thread> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
        session.put(Command.RUNNING, running);
        java.util.concurrent.CompletableFuture<String> printed = new java.util.concurrent.CompletableFuture<>();
        Thread shell = new Thread(() -> {
            try {
                printed.complete(run("export --follow " + idle + " live.json"));
            } catch (Throwable t) {
                printed.completeExceptionally(t);
            }
        });
        shell.start();
        java.nio.file.Path file = folder.resolve("live.json");
        await("the following export began", () -> java.nio.file.Files.exists(file) && !running.isEmpty());
        for (Thread t : running) t.interrupt(); // what the console's Ctrl-C does
        String table = printed.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(table.endsWith("  stopped"), table);
        Object doc = Json.parse(java.nio.file.Files.readString(file));
        assertTrue(doc instanceof List<?> l && !l.isEmpty(), "a whole JSON array: " + doc);
        assertTrue(tracer.tracing(idle), "the trace goes on");
    }

    /** Records what the completion script declares, as gogo.jline's {@code complete} would take it. */
    public static final class Complete {
        final List<String> calls = new ArrayList<>();

        public void complete(String... args) {
            calls.add(String.join(" ", args));
        }
    }

    @Test
    void theCompletionScriptDeclaresEveryCommandAndCompletesTraces() throws Exception {
        Complete complete = new Complete();
        processor.addCommand("gogo", complete, "complete");
        String script;
        try (InputStream in = PassiveCommands.class.getResourceAsStream("/passive-completion.gosh")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        session.execute(script);
        for (Command c : new PassiveCommands(tracer, sim).commands()) {
            assertTrue(complete.calls.contains("-c passive:" + c.name() + " -e"), c.name() + " in " + complete.calls);
            assertTrue(complete.calls.stream().anyMatch(l -> l.startsWith("-c passive:" + c.name() + " -d ")), c.name());
        }
        assertTrue(complete.calls.contains("-c passive:trace -a __passive_tasks"), complete.calls.toString());
        assertTrue(complete.calls.contains("-c passive:untrace -a __passive_live"), complete.calls.toString());
        assertTrue(complete.calls.contains("-c passive:log -a __passive_traces"), complete.calls.toString());
        assertTrue(complete.calls.contains("-c passive:export -a __passive_exportable"), complete.calls.toString());
        assertEquals(List.of(), session.execute("__passive_traces"));
        int pid = tracedCounter(); // traced to its death: an ended trace
        int idle = spawnStopped("idle");
        run("trace -e exit " + idle);
        assertEquals(List.of(Integer.toString(idle)), session.execute("__passive_live"));
        assertEquals(List.of(Integer.toString(idle), Integer.toString(pid)), session.execute("__passive_traces"));
        assertEquals(List.of("all", Integer.toString(idle), Integer.toString(pid)), session.execute("__passive_exportable"));
    }
}
