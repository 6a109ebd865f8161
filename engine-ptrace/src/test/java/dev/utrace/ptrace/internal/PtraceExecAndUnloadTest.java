package dev.utrace.ptrace.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.ptrace.PtraceException;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.WaitResult;
import dev.utrace.ptrace.WaitResult.Kind;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The multithreaded-exec reap case (Roland's "only nontrivial corner") and unloading with tracees. */
class PtraceExecAndUnloadTest extends PtraceFixture {

    @Test
    @DisplayName("R-REL-3 MT exec by a non-leader: siblings report death, the execer takes the leader's pid, the old leader's context is released once")
    void multithreadedExecByNonLeader() {
        int pid = spawnSeized("mt-exec", PtraceOptions.TRACECLONE | PtraceOptions.TRACEEXEC, "1");
        PtraceContext oldLeader = ctxOf(pid);
        WaitResult exec = null;
        int deaths = 0;
        while (exec == null) {
            WaitResult r = next(-1);
            if (!r.stopped()) {
                assertNotEquals(pid, r.pid(), "the old leader's death is never reported: " + r.describe());
                assertEquals(Kind.EXITED, r.kind(), "siblings die as if by _exit(0): " + r.describe());
                deaths++;
            } else if (r.event() == WaitResult.EVENT_EXEC) {
                exec = r;
            } else {
                tracer.cont(r.pid(), r.kind() == Kind.SIGNAL_STOP ? r.signal() : 0);
            }
        }
        assertEquals(pid, exec.pid(), "the execing thread reports with the leader's pid");
        long formerTid = tracer.getEventMsg(pid);
        assertNotEquals(pid, formerTid, "eventmsg is the execing thread's former tid");
        assertEquals(3, deaths, "the three sleeping threads report death");
        await("old leader released", () -> oldLeader.releases.get() == 1);
        assertFalse(oldLeader.listed);
        List<Integer> pids = tracer.tracees().stream().map(t -> t.pid()).toList();
        assertEquals(List.of(pid), pids);
        tracer.cont(pid, 0);
        WaitResult end = next(pid);
        assertEquals(Kind.EXITED, end.kind(), end.describe());
        assertEquals(0, exitOf(pid).word());
        assertEquals(1, oldLeader.releases.get(), "released exactly once");
    }

    @Test
    @DisplayName("Unload with active tracees: each detached and resumed, each context released once, no engine left; held sessions answer ESRCH 'unloaded'")
    void unloadWithTracees() {
        int stopped = spawn("spin");
        int running = spawn("spin");
        int sleeping = spawn("sleeper", "100000");
        attachStopped(stopped);
        attachStopped(running);
        tracer.cont(running, 0);
        attachStopped(sleeping);
        tracer.syscall(sleeping, 0);
        List<PtraceContext> ctxs = ((Session) tracer).contexts();
        ptrace.deactivate();
        for (int pid : new int[] {stopped, running}) {
            await(pid + " running untraced", () -> state(pid) == TaskState.RUNNING && ptraceEngines(pid).isEmpty());
        }
        await("sleeper untraced", () -> ptraceEngines(sleeping).isEmpty() && state(sleeping) != TaskState.TRACED);
        for (PtraceContext c : ctxs) await("released " + c, () -> c.releases.get() == 1);
        assertEquals(ctxs.size(), ptrace.releases.get());
        assertUnloaded(() -> tracer.attach(running));
        assertUnloaded(() -> tracer.getRegs(stopped));
        assertUnloaded(() -> tracer.wait(-1, PtraceSession.WNOHANG));
        assertUnloaded(() -> ptrace.open("late"));
        sim.kill(sleeping, Signals.SIGTERM);
        assertEquals(Signals.SIGTERM, exitOf(sleeping).word() & 0x7f);
    }

    @Test
    @DisplayName("Unload: a tracee held in a signal-delivery stop gets the signal it was sent (its handler runs), though the"
            + " engines are revoked right after; one held in the SIGSTOP of the tracer's own PTRACE_ATTACH runs on without it")
    void unloadDeliversTheProgramsSignalsNotTheTracers() {
        program("usr1", """
                # prints in its SIGUSR1 handler, then waits for more signals
                    signal SIGUSR1, got
                again:
                    pause
                    jmp again
                got:
                    print "got {rdi}\\n"
                    sigreturn
                """);
        int signalled = spawn("usr1");
        int attached = spawn("spin");
        await("usr1 waits in pause", () -> state(signalled) == TaskState.SLEEPING);
        tracer.seize(signalled, 0);
        sim.kill(signalled, Signals.SIGUSR1);
        assertStop(next(signalled), Kind.SIGNAL_STOP, Signals.SIGUSR1);
        await("usr1 held in its signal-delivery stop", () -> state(signalled) == TaskState.TRACED);
        attachStopped(attached);
        assertEquals("", sim.console(signalled), "the handler has not run while the signal is held");

        ptrace.deactivate();
        ptraceFacade.revoke(); // what the core does next when the bundle goes: no callback of the engine after this

        await("the held SIGUSR1's handler ran", () -> sim.console(signalled).equals("got 10\n"));
        await("the tracee attached with SIGSTOP runs on", () -> state(attached) == TaskState.RUNNING);
        assertEquals(2, ptrace.releases.get(), "one release per context");
        sim.kill(signalled, Signals.SIGKILL);
        sim.kill(attached, Signals.SIGKILL);
        assertEquals(Signals.SIGKILL, exitOf(signalled).word() & 0x7f);
        assertEquals(Signals.SIGKILL, exitOf(attached).word() & 0x7f);
    }

    private static void assertUnloaded(Executable request) {
        PtraceException e = org.junit.jupiter.api.Assertions.assertThrows(PtraceException.class, request);
        assertEquals("ESRCH", e.errno());
        assertTrue(e.getMessage().contains("unloaded"), e.getMessage());
    }
}
