package dev.utrace.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.task.TaskState;
import java.util.List;
import org.junit.jupiter.api.Test;

class UtraceCommandsTest extends ShellFixture {

    @Test
    void spawnWaitConsole() throws Exception {
        assertEquals("""
                PID  PROGRAM  ARGS
                  2  hello    -""", run("spawn hello"));
        assertEquals("""
                PID  STATUS
                  2  exited 0""", run("wait 2"));
        assertEquals("hello, world", run("console 2"));
        assertEquals("""
                PID  PROGRAM  ARGS
                  3  counter  3""", run("utrace:spawn counter 3"));
        run("wait 3 20000");
        assertEquals("1\n2\n3", run("console 3"));
    }

    @Test
    void psListsEveryLiveTask() throws Exception {
        run("spawn idle");
        awaitState(2, TaskState.SLEEPING);
        sim.spawn("counter", List.of(), true);
        awaitState(3, TaskState.STOPPED);
        assertEquals("""
                PID  TGID  PPID  STATE     THREADS  COMMAND
                  1     1     0  SLEEPING        1  init
                  2     2     1  SLEEPING        1  idle
                  3     3     1  STOPPED         1  counter""", run("ps"));
    }

    @Test
    void killTakesASignalByNameOrNumberAndDefaultsToTerm() throws Exception {
        run("spawn idle");
        run("spawn idle");
        run("spawn idle");
        assertEquals("""
                PID  SIGNAL
                  2  SIGTERM""", run("kill 2 TERM"));
        assertEquals("""
                PID  STATUS
                  2  killed by SIGTERM""", run("wait 2"));
        assertEquals("""
                PID  SIGNAL
                  3  SIGKILL""", run("kill 3 9"));
        assertEquals("3 killed by SIGKILL", session.format(session.execute("wait 3"), 1).toString());
        assertEquals("""
                PID  SIGNAL
                  4  SIGTERM""", run("kill 4"));
        assertEquals("4 killed by SIGTERM", run("wait 4").lines().skip(1).map(String::strip)
                .map(l -> l.replaceAll("\\s+", " ")).findFirst().orElseThrow());
    }

    @Test
    void waitTimesOutOnALiveProcess() throws Exception {
        run("spawn idle");
        assertEquals("""
                PID  STATUS
                  2  still running after 50 ms""", run("wait 2 50"));
    }

    @Test
    void infoAndEnginesShowEveryEngine() throws Exception {
        run("spawn idle");
        awaitState(2, TaskState.SLEEPING);
        run("spawn idle");
        awaitState(3, TaskState.SLEEPING);
        attach(2, Event.mask(Event.EXEC, Event.DEATH));
        attach(2, 0);
        attach(3, Event.mask(Event.SYSCALL_ENTRY));
        String ops = Quiet.class.getName();
        assertEquals("""
                PID  OWNER       STATE     REFS  STOP  EVENTS         OPS
                  2  shell-test  ATTACHED     1  no    EXEC|DEATH     %1$s
                  2  shell-test  ATTACHED     1  no    0              %1$s
                  3  shell-test  ATTACHED     1  no    SYSCALL_ENTRY  %1$s""".formatted(ops),
                run("engines"));
        assertEquals("""
                PID  OWNER       STATE     REFS  STOP  EVENTS         OPS
                  3  shell-test  ATTACHED     1  no    SYSCALL_ENTRY  %s""".formatted(ops), run("engines 3"));
        assertEquals("""
                FIELD    VALUE
                pid      2
                tgid     2
                ppid     1
                command  idle
                state    SLEEPING
                threads  1
                engines  2""", run("info 2"));
    }

    @Test
    void programsListsTheLibrary() throws Exception {
        String table = run("programs");
        assertTrue(table.startsWith("NAME "), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("hello +library +.*")), table);
        assertEquals(sim.programs().size() + 1, table.lines().count());
    }

    @Test
    void badArgumentsSayWhatWasWrongAndHowToCallAndChangeNothing() throws Exception {
        run("spawn idle");
        awaitState(2, TaskState.SLEEPING);
        String before = run("ps");

        assertEquals("no task with pid 42; ps lists the live ones\nusage: utrace:" + UtraceCommands.KILL,
                refused("kill 42"));
        assertEquals("unknown signal 'BOGUS'; use a number 1..64 or a name such as SIGKILL, TERM, usr1\n"
                + "usage: utrace:" + UtraceCommands.KILL, refused("kill 2 BOGUS"));
        assertEquals("bad signal number 65; use 1..64\nusage: utrace:" + UtraceCommands.KILL, refused("kill 2 65"));
        assertEquals("'two' is not a pid; a pid is a number, as ps shows it\nusage: utrace:" + UtraceCommands.KILL,
                refused("kill two"));
        assertEquals("pid 1 is init, which takes no signals\nusage: utrace:" + UtraceCommands.KILL, refused("kill 1"));
        assertTrue(refused("spawn nosuch").startsWith("no program named 'nosuch'; known programs: "));
        assertTrue(refused("spawn nosuch").endsWith("\nusage: utrace:" + UtraceCommands.SPAWN));
        assertEquals("argument 'x' is not a number; programs take decimal or 0x-hex numbers\nusage: utrace:"
                + UtraceCommands.SPAWN, refused("spawn counter x"));
        assertEquals("no task with pid 42; ps lists the live ones\nusage: utrace:" + UtraceCommands.INFO,
                refused("info 42"));
        assertEquals("'x' is not a pid; a pid is a number, as ps shows it\nusage: utrace:" + UtraceCommands.INFO,
                refused("info x"));
        assertTrue(refused("console 42").endsWith("\nusage: utrace:" + UtraceCommands.CONSOLE));
        assertEquals("no live task with pid 42; ps lists the live ones\nusage: utrace:" + UtraceCommands.ENGINES,
                refused("engines 42"));
        assertEquals("'2x' is not a pid; a pid is a number, as ps shows it\nusage: utrace:" + UtraceCommands.ENGINES,
                refused("engines 2x"));
        assertEquals("no process with pid 42 is alive or recently ended\nusage: utrace:" + UtraceCommands.WAIT,
                refused("wait 42"));
        assertEquals("bad timeout 'soon'; give milliseconds, 0 or more\nusage: utrace:" + UtraceCommands.WAIT,
                refused("wait 2 soon"));
        assertEquals("bad timeout '-5'; give milliseconds, 0 or more\nusage: utrace:" + UtraceCommands.WAIT,
                refused("wait 2 -5"));

        assertEquals("spawn needs the name of a program; programs lists them\nusage: utrace:" + UtraceCommands.SPAWN,
                refused("spawn"));
        assertEquals("kill needs the pid of a process; ps lists them\nusage: utrace:" + UtraceCommands.KILL,
                refused("kill"));
        assertEquals("info needs the pid of a task; ps lists them\nusage: utrace:" + UtraceCommands.INFO,
                refused("info"));
        assertEquals("console needs the pid of a process; ps lists them\nusage: utrace:" + UtraceCommands.CONSOLE,
                refused("console"));

        assertEquals(before, run("ps"), "no bad command changed the task list");
        assertEquals(TaskState.SLEEPING, sim.info(2).state());
        assertEquals("", run("console 2"));
    }

    @Test
    void lineAndPartLevelsGiveOneLineAndTheKey() throws Exception {
        Object spawned = session.execute("spawn idle");
        assertEquals("2", session.format(spawned, org.apache.felix.service.command.Converter.LINE).toString());
        assertEquals("2", session.format(spawned, org.apache.felix.service.command.Converter.PART).toString());
        Object ps = session.execute("ps");
        assertEquals("2 tasks", session.format(ps, org.apache.felix.service.command.Converter.LINE).toString());
        assertEquals("2", session.format(ps, org.apache.felix.service.command.Converter.PART).toString());
        assertEquals("""
                PID  STATUS
                  2  killed by SIGKILL""", run("kill (spawn idle) KILL; kill 2 KILL; wait 2"));
    }

    private void attach(int tid, long events) {
        AttachResult r = utrace.attach(sim.findTask(tid), AttachFlags.CREATE, new Quiet(), null);
        assertTrue(r.ok(), r::toString);
        assertEquals(dev.utrace.api.Outcome.DONE, utrace.setEvents(sim.findTask(tid), r.engine(), events));
        r.engine().put();
    }

    /** An engine that does nothing. */
    static final class Quiet implements EngineOps {
    }
}
