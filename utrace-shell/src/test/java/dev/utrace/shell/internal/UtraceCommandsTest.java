package dev.utrace.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.task.TaskState;
import dev.utrace.shell.command.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
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
    void attachAdoptsAProcessAndRefusesWhatItCannotTake() throws Exception {
        run("spawn idle");
        awaitState(2, TaskState.SLEEPING);
        attach(2, 0);
        assertEquals("""
                FIELD    VALUE
                pid      2
                tgid     2
                ppid     1
                command  idle
                state    SLEEPING
                threads  1
                engines  1""", run("attach 2"));
        String before = run("ps");
        String[][] cases = {
                {"attach 42", "no task with pid 42; ps lists the live ones" + usage("attach")},
                {"attach x", "'x' is not a pid; a pid is a positive number, as ps shows it (Linux's own ps for a process"
                        + " not on the machine yet)" + usage("attach")},
                {"attach", "attach needs <pid>: the process id (on the simulated machine every process is its own already)"
                        + usage("attach")},
                {"attach 2 3", "attach takes at most 1 argument (<pid>); '3' is one too many" + usage("attach")},
        };
        for (String[] c : cases) {
            assertEquals(c[1], refused(c[0]), c[0]);
            assertEquals(before, run("ps"), "no refused attach changed anything: " + c[0]);
        }
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
                PID  OWNER       STATE     REFS  STOP  EVENTS         SYSCALLS  STOPS  OPS
                  2  shell-test  ATTACHED     1  no    EXEC|DEATH     all       every  %1$s
                  2  shell-test  ATTACHED     1  no    0              all       every  %1$s
                  3  shell-test  ATTACHED     1  no    SYSCALL_ENTRY  all       every  %1$s""".formatted(ops),
                run("engines"));
        assertEquals("""
                PID  OWNER       STATE     REFS  STOP  EVENTS         SYSCALLS  STOPS  OPS
                  3  shell-test  ATTACHED     1  no    SYSCALL_ENTRY  all       every  %s""".formatted(ops), run("engines 3"));
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

        String notAPid = " is not a pid; a pid is a positive number, as ps shows it";
        String[][] cases = {
                {"kill 42", "no task with pid 42; ps lists the live ones" + usage("kill")},
                {"kill 2 BOGUS", "unknown signal 'BOGUS'; use a number 1..64 or a name such as SIGKILL, TERM, usr1" + usage("kill")},
                {"kill 2 65", "'65' is too large for a signal; at most 64" + usage("kill")},
                {"kill 2 0", "'0' is not a signal; use a number 1..64 or a name such as TERM, KILL, SIGUSR1, usr1" + usage("kill")},
                {"kill 2 +9", "'+9' is not a signal; use a number 1..64 or a name such as TERM, KILL, SIGUSR1, usr1" + usage("kill")},
                {"kill 2 ９", "'９' is not a signal; use a number 1..64 or a name such as TERM, KILL, SIGUSR1, usr1"
                        + " (write numbers with the digits 0-9)" + usage("kill")},
                {"kill two", "'two'" + notAPid + usage("kill")},
                {"kill null", "'null'" + notAPid + usage("kill")},
                {"kill 1", "pid 1 is init, which takes no signals" + usage("kill")},
                {"kill 2 TERM now", "kill takes at most 2 arguments (<pid> [signal]); 'now' is one too many" + usage("kill")},
                {"spawn counter x", "'x' is not a program argument; programs take numbers: decimal, or 0x and hex digits"
                        + usage("spawn")},
                {"spawn idle 99999999999999999999", "'99999999999999999999' is too large for a program argument;"
                        + " at most 9223372036854775807" + usage("spawn")},
                {"spawn idle 0x10000000000000000", "'0x10000000000000000' is too large for a program argument;"
                        + " at most 0xffffffffffffffff (64 bits)" + usage("spawn")},
                {"spawn counter 1 2 3 4 5 6 7", "spawn takes at most 7 arguments (<program> [args...]); '7' is one too many"
                        + usage("spawn")},
                {"spawn [idle]", "a list [idle] where <program> was expected; give one word" + usage("spawn")},
                {"spawn --syscalls opnat idle", "unknown syscall 'opnat' on this machine, did you mean openat or openat2?; names are those of"
                        + " its syscall table, as strace -e trace= takes them (openat, connect, read...)" + usage("spawn")},
                {"spawn --syscalls openat,,read idle", "'openat,,read' has an empty syscall name; give names separated by commas,"
                        + " such as openat,connect (or all)" + usage("spawn")},
                {"info 42", "no task with pid 42; ps lists the live ones" + usage("info")},
                {"info x", "'x'" + notAPid + usage("info")},
                {"info ２", "'２'" + notAPid + " (write numbers with the digits 0-9)" + usage("info")},
                {"info -2", "'-2'" + notAPid + usage("info")},
                {"info 99999999999", "'99999999999' is too large for a pid; at most 2147483647" + usage("info")},
                {"info [1]", "a list [1] where <pid> was expected; give one word" + usage("info")},
                {"info [a=1]", "a map [a=1] where <pid> was expected; give one word" + usage("info")},
                {"info ''", "an empty word where <pid> was expected" + usage("info")},
                {"info $nosuchvariable", "nothing (an undefined variable?) where <pid> was expected" + usage("info")},
                {"info 1 2", "info takes at most 1 argument (<pid>); '2' is one too many" + usage("info")},
                {"info --all 2", "unknown option '--all'; info takes no options" + usage("info")},
                {"ps extra", "ps takes no arguments; 'extra' is one too many" + usage("ps")},
                {"ps -a", "unknown option '-a'; ps takes no options" + usage("ps")},
                {"programs x y", "programs takes no arguments; 'x' and 1 more are too many" + usage("programs")},
                {"console 42", "no process with pid 42 is alive or recently ended" + usage("console")},
                {"engines 42", "no live task with pid 42; ps lists the live ones" + usage("engines")},
                {"engines 2x", "'2x'" + notAPid + usage("engines")},
                {"wait 42", "no process with pid 42 is alive or recently ended" + usage("wait")},
                {"wait 2 soon", "'soon' is not a timeout; give milliseconds, 0 or more" + usage("wait")},
                {"wait 2 -5", "'-5' is not a timeout; give milliseconds, 0 or more" + usage("wait")},
                {"wait 2 99999999999999999999", "'99999999999999999999' is too large for a timeout; at most 2147483647"
                        + usage("wait")},
                {"wait 2 1.5", "'1.5' is not a timeout; give milliseconds, 0 or more" + usage("wait")},
                {"spawn", "spawn needs <program>: the program's name, as programs lists it" + usage("spawn")},
                {"kill", "kill needs <pid>: the process id, as ps shows it" + usage("kill")},
                {"info", "info needs <pid>: the thread id, as ps shows it" + usage("info")},
                {"console", "console needs <pid>: the process id, as ps or spawn showed it" + usage("console")},
                {"wait", "wait needs <pid>: the process id, as ps or spawn showed it" + usage("wait")},
                {"utrace:wait", "wait needs <pid>: the process id, as ps or spawn showed it" + usage("wait")},
        };
        for (String[] c : cases) {
            assertEquals(c[1], refused(c[0]), c[0]);
            assertEquals(before, run("ps"), "no bad command changed the task list: " + c[0]);
        }
        assertTrue(refused("spawn nosuch").startsWith("no program named 'nosuch'; known programs: "));
        assertTrue(refused("spawn nosuch").endsWith(usage("spawn")));
        assertEquals(before, run("ps"), "no bad command changed the task list");
        assertEquals(TaskState.SLEEPING, sim.info(2).state());
        assertEquals("", run("console 2"));
    }

    @Test
    void usageShowsEachParameterOnce() {
        assertEquals("\nusage: utrace:kill <pid> [signal]  (signal: 1..64 or a name such as TERM, KILL, SIGUSR1; default TERM)",
                usage("kill"));
        assertEquals("\nusage: utrace:spawn [--syscalls <list>] <program> [args...]  (programs lists them; up to 6 numeric args)",
                usage("spawn"));
        assertEquals("\nusage: utrace:wait <pid> [timeout-ms]  (default 10000)", usage("wait"));
        assertEquals("\nusage: utrace:engines [pid]", usage("engines"));
    }

    @Test
    void aWaitInterruptedByCtrlCSaysSoAndKeepsTheInterruptFlag() throws Exception {
        run("spawn idle");
        awaitState(2, TaskState.SLEEPING);
        Command wait = commands.stream().filter(c -> c.name().equals("wait")).findFirst().orElseThrow();
        AtomicReference<Object> outcome = new AtomicReference<>();
        AtomicReference<Boolean> flagKept = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                outcome.set(wait.execute(session, new ArrayList<>(List.of("2", "600000"))));
            } catch (Exception e) {
                outcome.set(e);
            }
            flagKept.set(Thread.currentThread().isInterrupted());
        });
        waiter.start();
        while (waiter.getState() != Thread.State.TIMED_WAITING && waiter.getState() != Thread.State.WAITING) Thread.onSpinWait();
        waiter.interrupt();
        waiter.join();
        assertEquals("interrupted; utrace:wait stopped", String.valueOf(outcome.get()));
        assertEquals(Boolean.TRUE, flagKept.get(), "the interrupt flag is kept, as Equinox's console does");
        assertEquals(TaskState.SLEEPING, sim.info(2).state());
    }

    @Test
    void spawnTakesSixNumbersUpTo64Bits() throws Exception {
        assertEquals("""
                PID  PROGRAM  ARGS
                  2  idle     -1 0xffffffffffffffff 9223372036854775807 0x10""",
                run("spawn idle -1 0xffffffffffffffff 9223372036854775807 0X10"));
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
        attach(tid, events, dev.utrace.api.SyscallSet.ALL);
    }

    private void attach(int tid, long events, dev.utrace.api.SyscallSet syscalls) {
        AttachResult r = utrace.attach(sim.findTask(tid), AttachFlags.CREATE, new Quiet(), null);
        assertTrue(r.ok(), r::toString);
        assertEquals(dev.utrace.api.Outcome.DONE, utrace.setEvents(sim.findTask(tid), r.engine(), events));
        assertEquals(dev.utrace.api.Outcome.DONE, utrace.setSyscalls(sim.findTask(tid), r.engine(), syscalls));
        r.engine().put();
    }

    @Test
    void enginesShowTheSyscallsEachWantsAndWhereTheTaskStops() throws Exception {
        run("spawn --syscalls openat,write idle");
        awaitState(2, TaskState.SLEEPING);
        attach(2, Event.SYSCALL, dev.utrace.api.SyscallSet.of(257, 42));
        assertEquals("""
                PID  OWNER       STATE     REFS  STOP  EVENTS                      SYSCALLS        STOPS  OPS
                  2  shell-test  ATTACHED     1  no    SYSCALL_ENTRY|SYSCALL_EXIT  connect,openat  every  %s"""
                .formatted(Quiet.class.getName()), run("engines 2"), "the simulated machine stops at every syscall");
    }

    /** An engine that does nothing. */
    static final class Quiet implements EngineOps {
    }
}
