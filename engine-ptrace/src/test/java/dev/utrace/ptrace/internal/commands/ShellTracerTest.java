package dev.utrace.ptrace.internal.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shell as one tracer: opened at the first request, shared, replaced if closed by others, detaching all when it goes. */
class ShellTracerTest extends ShellFixture {

    @BeforeEach
    void programs() {
        program("spin", PtraceCommandsTest.SPIN);
    }

    @Test
    void whenTheShellTracerGoesEveryTraceeIsDetachedAndRunsOnStoppedOnesWithoutTheirSignal() throws Exception {
        int stopped = spawn("spin");
        int running = spawn("spin");
        int seized = spawn("spin");
        int sigstopped = spawn("spin");
        run("attach " + stopped);
        waitFor("" + stopped);
        run("options " + stopped + " TRACESYSGOOD");
        run("syscall " + stopped);
        waitFor("" + stopped);
        run("attach " + sigstopped); // left in its attach's SIGSTOP stop: it must not fall into a job-control stop
        waitFor("" + sigstopped);
        run("attach " + running);
        waitFor("" + running);
        run("cont " + running);
        run("seize " + seized);
        assertEquals("""
                PID  TGID  HOW       OPTIONS       STATE    STOP
                  2     2  attached  TRACESYSGOOD  stopped  syscall stop
                  3     3  attached  0             running  -
                  4     4  seized    0             running  -
                  5     5  attached  0             stopped  signal-delivery stop, SIGSTOP""", run("tracees"));

        tracer.close(); // what DS does when the engine bundle stops

        assertEquals(List.of(), ptrace.sessions(), "the shell tracer exited");
        for (int pid : List.of(stopped, running, seized, sigstopped)) {
            await("no engine left on " + pid, () -> engines(pid) == 0);
            String before = sim.console(pid);
            await("task " + pid + " runs on (" + sim.info(pid) + ")", () -> !sim.console(pid).equals(before));
        }
        assertEquals("ptrace: ESRCH: the ptrace engine is being unloaded; deploy it again", engineRefused("attach " + stopped));
        assertEquals(0, engines(stopped), "a command after the tracer exited attaches nothing");
    }

    @Test
    void aTracerClosedByAnotherBundleIsReplacedByANewOne() throws Exception {
        int pid = spawn("spin");
        run("attach " + pid);
        waitFor("" + pid);
        shellTracer().close(); // another bundle found it through Ptrace.sessions()
        await("the closed tracer let go of " + pid, () -> engines(pid) == 0);
        assertEquals("PID  TGID  HOW  OPTIONS  STATE  STOP", run("tracees"));

        run("attach " + pid);
        assertEquals("""
                PID  STATUS  KIND         SIGNAL   EVENT  DESCRIPTION
                  2  0x137f  SIGNAL_STOP  SIGSTOP  -      signal-delivery stop, SIGSTOP""", waitFor("" + pid));
        assertEquals(1, ptrace.sessions().size());
        assertEquals(ShellTracer.NAME, ptrace.sessions().getFirst().name());
    }

    @Test
    void afterTheEngineIsUnloadedEveryCommandSaysSo() throws Exception {
        int pid = spawn("spin");
        run("attach " + pid);
        waitFor("" + pid);
        ptrace.deactivate(); // the engine bundle stops
        await("the unloaded engine let go of " + pid, () -> engines(pid) == 0);
        String refusal = engineRefused("attach " + pid);
        assertTrue(refusal.startsWith("ptrace: ESRCH: the ptrace engine was unloaded"), refusal);
        assertTrue(engineRefused("wait").startsWith("ptrace: ESRCH: the ptrace engine was unloaded"));
        assertTrue(engineRefused("regs " + pid).startsWith("ptrace: ESRCH: the ptrace engine was unloaded"));
        assertEquals(0, engines(pid));
    }
}
