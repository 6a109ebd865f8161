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

    private static void assertUnloaded(Executable request) {
        PtraceException e = org.junit.jupiter.api.Assertions.assertThrows(PtraceException.class, request);
        assertEquals("ESRCH", e.errno());
        assertTrue(e.getMessage().contains("unloaded"), e.getMessage());
    }
}
