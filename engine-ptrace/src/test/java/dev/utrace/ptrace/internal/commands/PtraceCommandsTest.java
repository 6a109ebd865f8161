package dev.utrace.ptrace.internal.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.WaitStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ptrace: commands driving real tracees: attach, wait, regs, peek, poke, cont, syscall, step, seize, detach, kill. */
class PtraceCommandsTest extends ShellFixture {
    /** Counts in rbx and prints each number; its data segment begins with "hi ptrace". */
    static final String SPIN = """
            # counts forever, printing each number
                mov rsi, "hi ptrace"
                mov rbx, 0
            again:
                add rbx, 1
                print "{rbx}\\n"
                jmp again
            """;

    @BeforeEach
    void programs() {
        program("spin", SPIN);
    }

    /** Attaches and waits for the SIGSTOP stop. */
    int attachedAndStopped() throws Exception {
        int pid = spawn("spin");
        assertEquals("""
                PID  REQUEST        RESULT
                  2  PTRACE_ATTACH  traced by 'shell', stopping; ptrace:wait 2 reports the stop""", run("ptrace:attach " + pid));
        assertEquals("""
                PID  STATUS  KIND         SIGNAL   EVENT  DESCRIPTION
                  2  0x137f  SIGNAL_STOP  SIGSTOP  -      signal-delivery stop, SIGSTOP""", waitFor("" + pid));
        return pid;
    }

    @Test
    void attachWaitRegsPeekPokeContDetach() throws Exception {
        int pid = attachedAndStopped();
        assertEquals("""
                PID  TGID  HOW       OPTIONS  STATE    STOP
                  2     2  attached  0        stopped  signal-delivery stop, SIGSTOP""", run("tracees"));
        assertEquals(1, engines(pid));

        Map<String, String> regs = registers(run("regs " + pid));
        assertEquals(List.of("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13",
                "r14", "r15", "rip", "eflags", "cs", "ss", "ds", "es", "fs", "gs", "fs_base", "gs_base", "orig_rax"),
                List.copyOf(regs.keySet()));
        assertEquals("0x33 51", regs.get("cs"));
        String rip = regs.get("rip").split(" ")[0];
        assertEquals(List.of("2", "rip", "128", rip), lastRow(run("peekuser " + pid + " rip")), "PEEKUSER agrees with GETREGS");
        assertEquals(List.of("2", "rip", "128", rip), lastRow(run("peekuser " + pid + " 128")));
        assertEquals(List.of("2", "dr7", "904", "0x0"), lastRow(run("peekuser " + pid + " DR7")));

        assertEquals("""
                ADDRESS   VALUE               TEXT
                0x600000  0x6361727470206968  hi ptrac
                0x600008  0x0000000000000065  e.......""", run("peek " + pid + " 0x600000 2"));
        assertEquals("""
                PID  REQUEST          RESULT
                  2  PTRACE_POKEDATA  wrote 0x2a at 0x600008""", run("poke " + pid + " 0x600008 42"));
        assertEquals("""
                ADDRESS   VALUE               TEXT
                0x600008  0x000000000000002a  *.......""", run("peek " + pid + " 6291464"));

        assertEquals("""
                PID  REQUEST      RESULT
                  2  PTRACE_CONT  running, no signal""", run("cont " + pid));
        assertEquals("""
                PID  TGID  HOW       OPTIONS  STATE    STOP
                  2     2  attached  0        running  -""", run("tracees"));
        String before = sim.console(pid);
        await("the tracee runs on after cont", () -> !sim.console(pid).equals(before));

        // A signal stops it again; detaching without a signal suppresses it (SIGUSR1 would kill it).
        sim.kill(pid, 10);
        assertEquals("""
                PID  STATUS  KIND         SIGNAL   EVENT  DESCRIPTION
                  2  0xa7f   SIGNAL_STOP  SIGUSR1  -      signal-delivery stop, SIGUSR1""", waitFor("" + pid));
        assertEquals("""
                FIELD      VALUE
                si_signo   SIGUSR1 (10)
                si_code    SI_USER (0)
                si_errno   0
                si_pid     0
                si_addr    0x0
                si_status  0""", run("siginfo " + pid));
        assertEquals("""
                PID  REQUEST        RESULT
                  2  PTRACE_DETACH  detached, running, no signal""", run("detach " + pid));
        assertEquals("PID  TGID  HOW  OPTIONS  STATE  STOP", run("tracees"));
        await("the engine is gone from task " + pid, () -> engines(pid) == 0);
        String after = sim.console(pid);
        await("the detached task runs on", () -> !sim.console(pid).equals(after));
        sim.kill(pid, 15);
        assertEquals("killed by SIGTERM", waitExit(pid).toString(), "alive until SIGTERM: the SIGUSR1 was suppressed");
    }

    @Test
    void aBlockingWaitReturnsTheRecordedStopOfAnyOrOneTracee() throws Exception {
        int a = spawn("spin");
        int b = spawn("spin");
        run("attach " + a);
        run("attach " + b);
        await("both stops are recorded", () -> shellTracer().tracees().stream().allMatch(t -> t.state().equals("stopped")));
        String any = run("wait");
        String other = run("wait " + (any.contains("\n  2 ") ? b : a));
        assertEquals("""
                PID  STATUS  KIND         SIGNAL   EVENT  DESCRIPTION
                  %d  0x137f  SIGNAL_STOP  SIGSTOP  -      signal-delivery stop, SIGSTOP""".formatted(a),
                any.contains("\n  2 ") ? any : other);
        assertEquals("""
                PID  STATUS  KIND         SIGNAL   EVENT  DESCRIPTION
                  %d  0x137f  SIGNAL_STOP  SIGSTOP  -      signal-delivery stop, SIGSTOP""".formatted(b),
                any.contains("\n  2 ") ? other : any);
        assertEquals("no tracee has a stop or an end to report", run("wait --nohang"));
        assertEquals("pid 3 has no stop or end to report", run("wait " + b + " --nohang"));
        assertEquals("pid 2 has no stop or end to report", run("wait --nohang " + a));
    }

    @Test
    void attachToAJobControlStopThenTwoContsRunTheTraceeToItsExitWhichWaitReportsFirst() throws Exception {
        int pid = sim.spawn("counter", List.of("3"), true);
        awaitState(pid, TaskState.STOPPED);
        run("attach " + pid);
        String stop = """
                PID  STATUS  KIND         SIGNAL   EVENT  DESCRIPTION
                  2  0x137f  SIGNAL_STOP  SIGSTOP  -      signal-delivery stop, SIGSTOP""";
        assertEquals(stop, waitFor("" + pid), "the group stop it was in");
        run("cont " + pid);
        assertEquals(stop, waitFor("" + pid), "the attach's own SIGSTOP, as Linux (PtraceKernelOracleTest)");
        run("cont " + pid);
        assertEquals("""
                PID  STATUS  KIND    SIGNAL  EVENT  DESCRIPTION
                  2  0x0     EXITED  -       -      exited with 0""", waitFor("" + pid));
        assertEquals("PID  TGID  HOW  OPTIONS  STATE  STOP", run("tracees"));
        assertEquals("exited 0", waitExit(pid).toString(), "its real parent reaps it after the tracer saw it");
        assertEquals("1\n2\n3\n", sim.console(pid));
    }

    @Test
    void optionsThenSyscallStopsAreDecodedWithTracesysgood() throws Exception {
        int pid = attachedAndStopped();
        assertEquals("""
                PID  OPTIONS
                  2  0""", run("options " + pid));
        assertEquals("""
                PID  REQUEST            RESULT
                  2  PTRACE_SETOPTIONS  options now TRACESYSGOOD|TRACEEXEC""", run("options " + pid + " tracesysgood,PTRACE_O_TRACEEXEC"));
        assertEquals("""
                PID  OPTIONS
                  2  TRACESYSGOOD|TRACEEXEC""", run("options " + pid));
        assertEquals("""
                PID  REQUEST         RESULT
                  2  PTRACE_SYSCALL  running to the next syscall entry or exit, no signal""", run("syscall " + pid));
        assertEquals("""
                PID  STATUS  KIND          SIGNAL        EVENT  DESCRIPTION
                  2  0x857f  SYSCALL_STOP  SIGTRAP|0x80  -      syscall stop""", waitFor("" + pid));
        assertEquals("0x1 1", registers(run("regs " + pid)).get("orig_rax"), "the syscall is write");
        assertEquals("SIGTRAP|0x80 (133)", siginfoField(run("siginfo " + pid), "si_code"), "a syscall stop's siginfo, as Linux makes it up");
        assertEquals("""
                PID  REQUEST            RESULT
                  2  PTRACE_SETOPTIONS  options now 0""", run("options " + pid + " none"));
        assertEquals("""
                PID  REQUEST            RESULT
                  2  PTRACE_SETOPTIONS  options now TRACESYSGOOD|TRACEEXIT""", run("options " + pid + " 0x41"));
        assertEquals("""
                PID  REQUEST            RESULT
                  2  PTRACE_SETOPTIONS  options now EXITKILL""", run("options " + pid + " EXITKILL"));
    }

    @Test
    void stepStopsWithATrapAfterOneInstruction() throws Exception {
        int pid = attachedAndStopped();
        assertEquals("""
                PID  REQUEST            RESULT
                  2  PTRACE_SINGLESTEP  stepping one instruction, no signal""", run("step " + pid));
        assertEquals("""
                PID  STATUS  KIND         SIGNAL   EVENT  DESCRIPTION
                  2  0x57f   SIGNAL_STOP  SIGTRAP  -      signal-delivery stop, SIGTRAP""", waitFor("" + pid));
        String code = siginfoField(run("siginfo " + pid), "si_code");
        assertEquals("TRAP_TRACE (2)", code);
    }

    @Test
    void seizeThenInterruptGivesAnEventStop() throws Exception {
        int pid = spawn("spin");
        assertEquals("""
                PID  REQUEST       RESULT
                  2  PTRACE_SEIZE  traced by 'shell' with options TRACESYSGOOD|EXITKILL; still running (ptrace:interrupt 2 stops it)""",
                run("seize " + pid + " TRACESYSGOOD,exitkill"));
        assertEquals("""
                PID  TGID  HOW     OPTIONS                STATE    STOP
                  2     2  seized  TRACESYSGOOD|EXITKILL  running  -""", run("tracees"));
        assertEquals("""
                PID  REQUEST           RESULT
                  2  PTRACE_INTERRUPT  stopping; ptrace:wait 2 reports the stop""", run("interrupt " + pid));
        assertEquals("""
                PID  STATUS    KIND        SIGNAL   EVENT              DESCRIPTION
                  2  0x80057f  EVENT_STOP  SIGTRAP  PTRACE_EVENT_STOP  event stop, PTRACE_EVENT_STOP""", waitFor("" + pid));
        assertEquals("""
                PID  EVENTMSG
                  2         0""", run("eventmsg " + pid));
        assertEquals("ptrace: EIO: PTRACE_LISTEN needs a seized tracee in a group stop; pid 2 is not", engineRefused("listen " + pid));
        run("detach " + pid);
        await("the engine is gone from task " + pid, () -> engines(pid) == 0);
    }

    @Test
    void killIsReportedByWaitAndTheTraceeLeavesTheList() throws Exception {
        int pid = attachedAndStopped();
        assertEquals("""
                PID  REQUEST      RESULT
                  2  PTRACE_KILL  SIGKILL sent; ptrace:wait 2 reports its death""", run("kill " + pid));
        assertEquals("""
                PID  STATUS  KIND    SIGNAL   EVENT  DESCRIPTION
                  2  0x9     KILLED  SIGKILL  -      killed by SIGKILL""", waitFor("" + pid));
        assertEquals("PID  TGID  HOW  OPTIONS  STATE  STOP", run("tracees"));
        assertEquals("killed by SIGKILL", waitExit(pid).toString());
    }

    @Test
    void contDeliversANamedOrNumberedSignal() throws Exception {
        int pid = attachedAndStopped();
        run("syscall " + pid);
        waitFor("" + pid);
        assertEquals("""
                PID  REQUEST      RESULT
                  2  PTRACE_CONT  running, delivering SIGUSR2""", run("cont " + pid + " usr2"));
        assertEquals("""
                PID  STATUS  KIND         SIGNAL   EVENT  DESCRIPTION
                  2  0xc7f   SIGNAL_STOP  SIGUSR2  -      signal-delivery stop, SIGUSR2""", waitFor("" + pid));
        assertEquals("""
                PID  REQUEST      RESULT
                  2  PTRACE_CONT  running, delivering SIGUSR2""", run("cont " + pid + " 12"));
        assertEquals("""
                PID  STATUS  KIND    SIGNAL   EVENT  DESCRIPTION
                  2  0xc     KILLED  SIGUSR2  -      killed by SIGUSR2""", waitFor("" + pid));
    }

    @Test
    void resultsHaveAKeyForScriptsAndALineForPipes() throws Exception {
        int pid = attachedAndStopped();
        assertEquals("2", session.format(session.execute("regs " + pid), Converter.PART).toString());
        assertEquals("1", session.format(session.execute("tracees"), Converter.PART).toString());
        assertEquals(List.of("2"), session.execute("(tracees) pids"));
        assertEquals("1", session.format(session.execute("peek " + pid + " 0x600000"), Converter.PART).toString());
        assertEquals("2", session.format(session.execute("cont " + pid), Converter.PART).toString());
        sim.kill(pid, 10);
        waitFor("" + pid);
        assertEquals("2 detached, running, no signal", session.format(session.execute("detach " + pid), Converter.LINE).toString());
        assertEquals("0 tracees", session.format(session.execute("tracees"), Converter.LINE).toString());
    }

    // ---- reading the tables ----

    /** The regs table as name -> "hex decimal". */
    static Map<String, String> registers(String table) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines = table.lines().toList();
        assertEquals(List.of("REG", "VALUE", "DECIMAL"), List.of(lines.getFirst().split(" +")));
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.strip().split(" +");
            assertEquals(3, cells.length, line);
            out.put(cells[0], cells[1] + " " + cells[2]);
        }
        return out;
    }

    static String siginfoField(String table, String field) {
        return table.lines().filter(l -> l.startsWith(field + " ")).findFirst().orElseThrow().substring(field.length()).strip();
    }

    WaitStatus waitExit(int pid) throws InterruptedException {
        return sim.waitExit(pid, Duration.ofSeconds(20))
                .orElseThrow(() -> new AssertionError("process " + pid + " did not end: " + sim.tasks()));
    }

    /** The cells of a table's last row. */
    static List<String> lastRow(String table) {
        return List.of(table.lines().reduce((a, b) -> b).orElseThrow().strip().split(" +"));
    }
}
