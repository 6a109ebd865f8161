package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.proc.WaitStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MtExec_LeaderTest {

    @Test
    @DisplayName("R-EVT-ORD-6: the leader execs: the other threads die and reap themselves, the leader keeps its tid and reports exec")
    void leaderExec_R_EVT_ORD_6() {
        try (Sim sim = new Sim()) {
            MtExec_Fixture.install(sim);
            int pid = sim.spawn("mtx", "0");
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
            SimTask leader = sim.firstWithTid(pid);
            RecordingHooks.Event exec = sim.hooks.of("exec").get(0);
            assertSame(leader, exec.task());
            assertEquals(pid, exec.tid());
            assertEquals("after exec: pid " + pid + " tid " + pid + " arg 7\n", sim.machine.console(pid));
            assertEquals(4, sim.deaths(4).size(), "three threads, then the exec'ed program");
            for (RecordingHooks.Event d : sim.hooks.of("death")) {
                if (d.task() != leader) assertTrue(sim.hooks.events().indexOf(d) < sim.hooks.events().indexOf(exec));
            }
            assertEquals(3, sim.hooks.of("fatalSignal").size(), "de_thread sent SIGKILL to each other thread");
        }
    }

    @Test
    void theLibraryMtExecProgramRunsBothWays() {
        try (Sim sim = new Sim()) {
            int a = sim.spawn("mt-exec", "0");
            int b = sim.spawn("mt-exec", "1");
            assertEquals(WaitStatus.exited(0), sim.waitExit(a));
            assertEquals(WaitStatus.exited(0), sim.waitExit(b));
            assertEquals("hello, world\n", sim.machine.console(a));
            assertEquals("hello, world\n", sim.machine.console(b));
        }
    }

    @Test
    void aFailedExecChangesNothing() {
        try (Sim sim = new Sim()) {
            sim.program("nx", "thread t", "exec \"no-such\"", "print \"{rax}\\n\"", "exit_group 0", "t: pause", "jmp t");
            int pid = sim.spawn("nx");
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
            assertEquals("-2\n", sim.machine.console(pid), "ENOENT, and the thread was not killed before");
            assertTrue(sim.hooks.of("exec").isEmpty());
        }
    }
}
