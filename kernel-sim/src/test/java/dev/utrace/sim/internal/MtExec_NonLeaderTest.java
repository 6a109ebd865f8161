package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.WaitStatus;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MtExec_NonLeaderTest {

    @Test
    @DisplayName("R-EVT-ORD-6: a non-leader execs: siblings die, the old leader is reaped on the exec'ing thread, the exec'ing task takes the leader's tid")
    void nonLeaderExec_R_EVT_ORD_6() {
        try (Sim sim = new Sim()) {
            MtExec_Fixture.install(sim);
            int pid = sim.spawn("mtx", "1");
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
            SimTask leader = sim.firstWithTid(pid);
            RecordingHooks.Event exec = sim.hooks.of("exec").get(0);
            SimTask execer = (SimTask) exec.task();
            assertNotEquals(leader, execer);
            assertEquals("after [after, 7] sim", exec.detail());
            assertEquals(pid, exec.tid(), "the exec'ing task answers to the leader's tid at the exec report");
            assertEquals("after exec: pid " + pid + " tid " + pid + " arg 7\n", sim.machine.console(pid));

            RecordingHooks.Event leaderReap = sim.hooks.of("releaseTask", leader).get(0);
            assertSame(execer.thread, leaderReap.thread(), "the old leader is released in the exec'ing thread");
            assertEquals(TaskState.DEAD, leaderReap.state());
            assertNotEquals(pid, leaderReap.tid(), "the old leader got the exec'ing thread's old tid");
            List<String> names = sim.hooks.names(execer);
            assertTrue(sim.hooks.events().indexOf(leaderReap) < sim.hooks.events().indexOf(exec), "reap before the exec report");
            assertTrue(names.contains("exec"));

            List<RecordingHooks.Event> deaths = sim.deaths(5);
            assertEquals(5, deaths.size(), "three sleepers, the old leader, and the exec'ed process: " + deaths);
            for (RecordingHooks.Event d : deaths) {
                if (d.task() == leader || d.task() == execer) continue;
                assertEquals("groupDead=false signal=-1", d.detail());
                assertSame(d.thread(), sim.hooks.of("releaseTask", d.task()).get(0).thread(), "siblings self-reap");
            }
            assertEquals("groupDead=false signal=17", sim.hooks.of("death", leader).get(0).detail());
        }
    }

    @Test
    @DisplayName("R-EVT-ORD-6: while the non-leader waits in de_thread the leader's pid still resolves; afterwards it resolves to the exec'ing task")
    void pidLookupFollowsTheExecingTask_R_EVT_ORD_6() {
        RecordingHooks hooks = new RecordingHooks();
        hooks.stopAt(e -> e.hook().equals("exec"));
        try (Sim sim = new Sim(hooks)) {
            MtExec_Fixture.install(sim);
            int pid = sim.spawn("mtx", "1");
            Sim.await("the exec is reported", () -> !hooks.of("exec").isEmpty());
            SimTask execer = (SimTask) hooks.of("exec").get(0).task();
            assertSame(execer, sim.machine.findTask(pid));
            assertEquals(pid, execer.tid());
            assertEquals(1, sim.machine.tasks().stream().filter(i -> i.tgid() == pid).count(), "only the exec'ing thread is left");
            hooks.releaseStops();
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
        }
    }
}
