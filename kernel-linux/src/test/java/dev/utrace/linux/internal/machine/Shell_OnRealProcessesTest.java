package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.shell.command.Command;
import dev.utrace.shell.internal.TableConverter;
import dev.utrace.shell.internal.UtraceCommands;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The utrace: shell commands on real processes, in a real Gogo runtime: spawn with any words, attach, ps, kill, wait,
 * console; and passive:run, which starts a real program traced from its first instruction.
 */
class Shell_OnRealProcessesTest extends MachineFixture {
    private ThreadIOImpl threadIO;
    private CommandProcessorImpl processor;
    private CommandSession session;
    private UtraceCommands commands;
    private dev.utrace.impl.UtraceFacade passiveFacade;
    private dev.utrace.passive.internal.PassiveTracerImpl passive;

    @BeforeEach
    void shell() {
        threadIO = new ThreadIOImpl();
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        commands = new UtraceCommands(machine, utrace);
        for (Command c : commands.commands()) processor.addCommand(c.scope(), c, c.name());
        processor.addConverter(new TableConverter());
        passiveFacade = core.facade("passive");
        passive = new dev.utrace.passive.internal.PassiveTracerImpl(passiveFacade, machine, java.util.Map.of());
        for (Command c : new dev.utrace.passive.internal.commands.PassiveCommands(passive, machine).commands()) {
            processor.addCommand(c.scope(), c, c.name());
        }
        processor.addConverter(new dev.utrace.passive.internal.commands.PassiveConverter());
        PrintStream ps = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), ps, ps);
        session.put("SCOPE", "utrace:*");
    }

    @AfterEach
    void closeShell() {
        passiveFacade.revoke();
        session.close();
        processor.stop();
        threadIO.stop();
    }

    private String run(String line) throws Exception {
        Object result = session.execute(line);
        return result == null ? null : session.format(result, Converter.INSPECT).toString();
    }

    private String refused(String line) {
        return assertThrows(IllegalArgumentException.class, () -> session.execute(line), line).getMessage();
    }

    @Test
    @DisplayName("spawn runs a real program with any words as its arguments (-l included); wait and console show its end and output")
    void spawnWaitConsole() throws Exception {
        String spawned = run("spawn /bin/echo -l hello world");
        String row = spawned.lines().skip(1).findFirst().orElseThrow().strip();
        assertTrue(spawned.strip().matches("PID +PROGRAM +ARGS\\n.*") && row.matches("\\d+ +/bin/echo +-l hello world"), spawned);
        int pid = Integer.parseInt(row.split(" +")[0]);
        guard.track(pid);
        assertTrue(run("wait " + pid).endsWith(pid + "  exited 0"), run("wait " + pid));
        console(pid, "hello");
        assertEquals("-l hello world", run("console " + pid));
    }

    @Test
    @DisplayName("attach adopts a running process; ps lists it, kill ends it, wait shows how; refusals say why")
    void attachKillWait() throws Exception {
        Process sh = new ProcessBuilder("sh", "-c", "sleep 1000 >/dev/null 2>&1 & echo $!").start();
        int pid = Integer.parseInt(new String(sh.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip());
        sh.waitFor();
        guard.track(pid); // not a child of this JVM: the JDK's reaper never waits for it
        String detail = run("attach " + pid);
        assertTrue(detail.contains("command  sleep") && detail.contains("pid      " + pid), detail);
        assertTrue(run("ps").lines().anyMatch(l -> l.matches("\\s*" + pid + "\\s+" + pid + "\\s+1\\s+.*sleep")), run("ps"));
        run("kill " + pid + " KILL");
        assertTrue(run("wait " + pid).endsWith("killed by SIGKILL"), run("wait " + pid));
        String self = Long.toString(ProcessHandle.current().pid());
        assertTrue(refused("attach " + self).startsWith("process " + self + " is this JVM, which cannot trace itself"),
                refused("attach " + self));
        assertTrue(refused("console " + pid).contains("was adopted, not started here"), refused("console " + pid));
        Path empty = Files.createTempFile("utrace-shell", ".txt");
        try {
            assertTrue(refused("spawn " + empty).contains("is not executable (chmod +x it)"), refused("spawn " + empty));
        } finally {
            Files.delete(empty);
        }
    }

    @Test
    @DisplayName("spawn --syscalls starts a program under a filter; engines shows each engine's syscalls and where the task stops")
    void spawnUnderAFilterAndEnginesShowsWhereItStops() throws Exception {
        assertTrue(refused("spawn --syscalls opnat /bin/true").startsWith("unknown syscall 'opnat' on this machine, did you mean openat"),
                refused("spawn --syscalls opnat /bin/true"));
        String spawned = run("spawn --syscalls openat " + dev.utrace.linux.internal.trace.Workloads.path("holder"));
        String row = spawned.lines().skip(1).findFirst().orElseThrow().strip();
        int pid = Integer.parseInt(row.split(" +")[0]);
        guard.track(pid);
        dev.utrace.api.task.Task t = task(pid);
        dev.utrace.api.Engine opens = attach(t, new Recorder(), dev.utrace.api.Event.SYSCALL);
        assertEquals(dev.utrace.api.Outcome.DONE, utrace.setSyscalls(t, opens, dev.utrace.api.SyscallSet.of(257)));
        String engines = run("engines " + pid);
        assertTrue(engines.lines().findFirst().orElseThrow().matches(" *PID +OWNER +STATE +REFS +STOP +EVENTS +SYSCALLS +STOPS +OPS")
                && engines.contains("SYSCALL_ENTRY|SYSCALL_EXIT  openat    filter  "), engines);
        attach(t, new Recorder(), dev.utrace.api.Event.SYSCALL_EXIT.bit());
        engines = run("engines " + pid);
        assertEquals(2, engines.lines().filter(l -> l.contains("every (beyond filter)")).count(), engines);
        assertTrue(engines.lines().anyMatch(l -> l.matches(".* SYSCALL_EXIT +all +every \\(beyond filter\\) .*")), engines);
        run("kill " + pid + " KILL");
        assertTrue(run("wait " + pid).endsWith("killed by SIGKILL"), () -> "ended");
    }

    @Test
    @DisplayName("passive:run starts a real program traced from its first syscall, its words passed as they are (-n, -e"
            + " included), its children followed; log shows them as strace does; refusals start nothing")
    void passiveRun() throws Exception {
        String table = run("passive:run --follow -e syscalls,exit sh -c 'echo -n hi | cat'");
        String row = table.lines().skip(1).findFirst().orElseThrow().strip();
        assertTrue(row.matches("\\d+ +\\d+ +sh +tracing +syscalls,exit +yes +0 +0 +1024"), table);
        int pid = Integer.parseInt(row.split(" +")[0]);
        guard.track(pid);
        assertTrue(run("wait " + pid).endsWith(pid + "  exited 0"), run("wait " + pid));
        await("every trace ended", () -> passive.list().stream().noneMatch(dev.utrace.passive.TraceInfo::active));
        String first = run("passive:log -n 1000 " + pid).lines().findFirst().orElseThrow();
        assertTrue(first.matches("brk\\(NULL\\) = 0x[0-9a-f]+"), () -> "the program's first syscall, after its execve: " + first);
        String all = run("passive:log -n 100000");
        assertTrue(all.lines().anyMatch(l -> l.matches("\\[pid \\d+] write\\(1, \"hi\", 2\\) = 2")), all);
        assertTrue(all.lines().anyMatch(l -> l.matches("\\[pid \\d+] execve\\(\"/usr/bin/cat\", \\[\"cat\"], 0x[0-9a-f]+ /\\* \\d+"
                + " vars \\*/\\) = 0")), all);
        assertTrue(all.lines().anyMatch(l -> l.matches("\\[pid " + pid + "] \\+\\+\\+ exited with 0 \\+\\+\\+")), all);
        assertEquals("hi", console(pid, "hi"));

        int traces = passive.list().size();
        String usage = "\nusage: passive:run [-e|--events <list>] [--follow] [--no-follow] <program> [args...]";
        String[][] cases = {
                {"passive:run", "run needs <program>: a path, or a name found on PATH"},
                {"passive:run -e", "-e needs <list> after it: what to record"},
                {"passive:run --follow", "run needs <program>: a path, or a name found on PATH"},
                {"passive:run --bogus ls", "unknown option '--bogus'; run takes -e or --events, --follow, --no-follow before the"
                        + " program (put -- before a program whose name starts with -)"},
                {"passive:run -e nothing ls", "unknown event 'nothing'"},
                {"passive:run /no/such/program", "cannot run /no/such/program: /no/such/program does not exist"},
        };
        for (String[] c : cases) {
            String said = refused(c[0]);
            assertTrue(said.startsWith(c[1]) && said.contains(usage), c[0] + " said: " + said);
            assertEquals(traces, passive.list().size(), "nothing traced by " + c[0]);
        }
    }
}
