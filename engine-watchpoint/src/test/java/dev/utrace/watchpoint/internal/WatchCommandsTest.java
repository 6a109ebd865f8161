package dev.utrace.watchpoint.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.shell.command.Command;
import dev.utrace.watchpoint.internal.commands.WatchCommands;
import dev.utrace.watchpoint.internal.commands.WatchConverter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The watch: commands in a real Gogo runtime over the engine, the real core and the real simulated machine. */
class WatchCommandsTest extends WatchFixture {
    static final String[] FUNCTIONS = {"add", "rm", "list", "hits", "resume", "slots"};
    List<Command> commands;
    ThreadIOImpl threadIO;
    CommandProcessorImpl processor;
    CommandSession session;

    @BeforeEach
    void shell() {
        threadIO = new ThreadIOImpl();
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        commands = new WatchCommands(watch, sim, core.facade("watch commands")).commands();
        for (Command c : commands) processor.addCommand(c.scope(), c, c.name());
        processor.addConverter(new WatchConverter());
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

    @Test
    void addHitsListRmOfAProgram() throws Exception {
        program("w2", "    store8 " + PAGE + ", 1", "    load8 rax, " + PAGE, "    store8 " + PAGE + ", 0x20");
        int pid = spawnStopped("w2");
        assertEquals("""
                ID  PID  SCOPE   ADDRESS     LEN  ACCESS  STOP  THREADS  HITS  STATE
                 1    2  thread  0x10000000    8  rw      no          1     0  watching""",
                run("watch:add " + pid + " 0x10000000 8 rw"));
        assertEquals("""
                SLOT  ADDRESS     LEN  ACCESS  ARMED  CLAIMS  OWNERS
                   0  0x10000000    8  rw      yes         1  watchpoint engine on 2""", run("slots " + pid));
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertEquals("""
                WATCH  TID  ACCESS  ADDRESS     LEN  OLD  NEW   IP        STOPPED
                    1    2  write   0x10000000    8  0x0  0x1   0x400014
                    1    2  read    0x10000000    8  0x1  0x1   0x400018
                    1    2  write   0x10000000    8  0x1  0x20  0x40001c""", run("hits 1"));
        assertEquals(run("hits 1"), run("hits"), "the same hits, from every watch");
        assertEquals("""
                WATCH  TID  ACCESS  ADDRESS     LEN  OLD  NEW   IP        STOPPED
                    1    2  write   0x10000000    8  0x1  0x20  0x40001c""", run("hits -n 1 1"));
        assertEquals("""
                ID  PID  SCOPE   ADDRESS     LEN  ACCESS  STOP  THREADS  HITS  STATE
                 1    2  thread  0x10000000    8  rw      no          0     3  exit""", run("list"));
        assertEquals("no live watch 1; watch:list shows the watches\nusage: watch:rm <id>  (watch:list shows the ids)",
                refused("rm 1"));
        assertEquals("no hits recorded for watch 1", run("hits -n 0 1"));
    }

    @Test
    void flagsAnywhereStopAndResume() throws Exception {
        program("twice", "    store4 " + (PAGE + 4) + ", 1", "    store4 " + (PAGE + 4) + ", 2");
        int pid = spawnStopped("twice");
        assertEquals("""
                ID  PID  SCOPE    ADDRESS     LEN  ACCESS  STOP  THREADS  HITS  STATE
                 1    2  process  0x10000004    4  w       yes         1     0  watching""",
                run("add " + pid + " 268435460 4 --all-threads --stop"));
        cont(pid);
        await("stopped on the hit", () -> sim.info(pid).state() == TaskState.TRACED);
        assertEquals("""
                ID  PID  SCOPE    ADDRESS     LEN  ACCESS  STOP  THREADS  HITS  STATE
                 1    2  process  0x10000004    4  w       yes         1     1  watching, stopped: 2 (watch:resume <pid>)""",
                run("list"));
        assertEquals("""
                TID  STATE
                  2  running""", run("resume " + pid));
        await("stopped on the second hit", () -> watch.hits(1, 9).size() == 2 && sim.info(pid).state() == TaskState.TRACED);
        assertEquals("""
                ID  PID  SCOPE    ADDRESS     LEN  ACCESS  STOP  THREADS  HITS  STATE
                 1    2  process  0x10000004    4  w       yes         0     2  removed""", run("rm 1"));
        assertEquals(WaitStatus.exited(0), waitExit(pid), "removing the watch let it run on");
        assertCleanedUp();
    }

    @Test
    void everyRefusalSaysWhatWasWrongAndHowToCall() throws Exception {
        int pid = sim.spawn("idle", List.of());
        String add = "\nusage: watch:add <pid> <address> <length> [w|rw] [--all-threads] [--stop]  (address: 0x-hex or"
                + " decimal, aligned to length; length: 1, 2, 4 or 8; w = writes (default), rw = reads and writes)";
        assertEquals("add needs <pid>: the thread id, as utrace:ps shows it" + add, refused("add"));
        assertEquals("add needs <length>: how many bytes: 1, 2, 4 or 8" + add, refused("add " + pid + " 0x10"));
        assertEquals("a list [1] where <pid> was expected; give one word" + add, refused("add [1]"));
        assertEquals("add takes at most 4 arguments (<pid> <address> <length> [w|rw]); 'x' is one too many" + add,
                refused("add " + pid + " 0x10 8 w x"));
        assertEquals("unknown option '--all'; add takes --all-threads, --stop" + add, refused("add " + pid + " 0x10 8 --all"));
        assertEquals("'null' is not a pid; a pid is a positive number, as utrace:ps shows it" + add, refused("add null 0x10 8"));
        assertEquals("'0x10000000000000000' is too large for an address; at most 0xffffffffffffffff (64 bits)" + add,
                refused("add " + pid + " 0x10000000000000000 8"));
        assertEquals("'８' is not a length that can be watched; give 1, 2, 4 or 8 (bytes)" + add, refused("add " + pid + " 0x10 ８"));
        assertEquals("'x' is not a pid; a pid is a positive number, as utrace:ps shows it" + add, refused("add x 0x10 8"));
        assertEquals("'0xzz' is not an address; give 0x-hex (0x10000008) or decimal" + add, refused("add " + pid + " 0xzz 8"));
        assertEquals("'3' is not a length that can be watched; give 1, 2, 4 or 8 (bytes)" + add, refused("add " + pid + " 0x10 3"));
        assertEquals("'r' is not an access; give w (writes) or rw (reads and writes)" + add, refused("add " + pid + " 0x10 8 r"));
        assertEquals("EINVAL: address 0x4 is not aligned to its length 8; use a multiple of 8 (e.g. 0x0)" + add,
                refused("add " + pid + " 0x4 8"));
        assertEquals("no task with pid 99; utrace:ps lists them" + add, refused("add 99 0x10 8"));
        assertEquals("pid 1 is a kernel thread (init); it runs no user code to watch" + add, refused("add 1 0x10 8"));
        for (int i = 0; i < 4; i++) run("add " + pid + " " + (PAGE + 8 * i) + " 8");
        String full = refused("add " + pid + " 0x20000000 8");
        assertEquals("ENOSPC: all 4 debug slots of thread 2 are in use (0: 0x10000000/8 w by watchpoint engine on 2;"
                + " 1: 0x10000008/8 w by watchpoint engine on 2; 2: 0x10000010/8 w by watchpoint engine on 2;"
                + " 3: 0x10000018/8 w by watchpoint engine on 2), so 0x20000000/8 w cannot be watched; remove a watchpoint"
                + " on that thread first, or watch one of those ranges with the same access, which shares its slot" + add, full);
        assertEquals(4, watch.list().size(), "refusals changed nothing");
        assertEquals("rm needs <id>: the watch's id, as watch:list shows it\nusage: watch:rm <id>  (watch:list shows the ids)",
                refused("rm"));
        assertEquals("'one' is not a watch id; watch:list shows the ids\nusage: watch:rm <id>  (watch:list shows the ids)",
                refused("rm one"));
        assertEquals("thread 2 is not stopped on a watchpoint hit; watch:list shows the stopped threads\n"
                + "usage: watch:resume <pid>  (a thread a --stop watch holds stopped on a hit)", refused("resume 2"));
        assertEquals("no watch 9; watch:list shows the watches\nusage: watch:hits [-n <count>] [id]  (default 20 hits;"
                + " every watch when no id)", refused("hits 9"));
        String hits = "\nusage: watch:hits [-n <count>] [id]  (default 20 hits; every watch when no id)";
        assertEquals("'x' is not a count of hits; -n takes how many hits to show, 0 or more" + hits, refused("hits -n x"));
        assertEquals("'-1' is not a count of hits; -n takes how many hits to show, 0 or more" + hits, refused("hits -n -1"));
        assertEquals("'null' is not a pid; a pid is a positive number, as watch:list shows it under stopped\n"
                + "usage: watch:resume <pid>  (a thread a --stop watch holds stopped on a hit)", refused("resume null"));
        assertEquals("list takes no arguments; 'x' is one too many\nusage: watch:list", refused("list x"));
        assertEquals("no task with pid 99; utrace:ps lists them\nusage: watch:slots <pid>  (the thread's 4 debug slots,"
                + " every owner's)", refused("slots 99"));
        sim.kill(pid, Signals.SIGKILL);
        waitExit(pid);
        assertEquals("no debug slot in use on thread 1", run("slots 1"));
    }

    /** Records what the completion script declares, as gogo.jline's {@code complete} would take it. */
    public static final class Complete {
        final List<String> calls = new java.util.ArrayList<>();

        public void complete(String... args) {
            calls.add(String.join(" ", args));
        }
    }

    @Test
    void completionDeclaresEveryCommandAndListsIdsAndStoppedThreads() throws Exception {
        Complete complete = new Complete();
        processor.addCommand("gogo", complete, "complete");
        String script;
        try (java.io.InputStream in = getClass().getResourceAsStream("/watch-completion.gosh")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        session.execute(script);
        for (String f : FUNCTIONS) {
            assertTrue(complete.calls.contains("-c watch:" + f + " -e"), f + " in " + complete.calls);
            assertTrue(complete.calls.stream().anyMatch(c -> c.startsWith("-c watch:" + f + " -d ")), f);
        }
        for (String f : List.of("add", "slots")) assertTrue(complete.calls.contains("-c watch:" + f + " -a __watch_tasks"), f);
        for (String f : List.of("rm", "hits")) assertTrue(complete.calls.contains("-c watch:" + f + " -a __watch_ids"), f);
        assertTrue(complete.calls.contains("-c watch:resume -a __watch_stopped"), complete.calls.toString());

        program("once", "    store8 " + PAGE + ", 7");
        int pid = spawnStopped("once");
        int idle = sim.spawn("idle", List.of());
        assertEquals(List.of(), session.execute("__watch_ids"));
        run("add " + idle + " " + PAGE + " 8");
        run("add " + pid + " " + PAGE + " 8 --stop");
        assertEquals(List.of("1", "2"), session.execute("__watch_ids"));
        cont(pid);
        await("stopped on the hit", () -> sim.info(pid).state() == TaskState.TRACED);
        assertEquals(List.of(Integer.toString(pid)), session.execute("__watch_stopped"));
        run("rm 1");
        assertEquals(List.of("2"), session.execute("__watch_ids"));
        run("resume " + pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertEquals(List.of(), session.execute("__watch_stopped"));
        sim.kill(idle, Signals.SIGKILL);
    }
}
