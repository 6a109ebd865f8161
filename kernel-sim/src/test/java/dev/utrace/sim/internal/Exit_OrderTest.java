package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.TaskState;
import dev.utrace.sim.WaitStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class Exit_OrderTest {

    @Test
    void exitThenDeathAsZombieThenReapAsDeadOnTheParentsThread_R_EVT_ORD_3() {
        try (Sim sim = new Sim()) {
            int pid = sim.spawn("true");
            sim.waitExit(pid);
            SimTask t = (SimTask) sim.hooks.of("exit").get(0).task();
            List<String> tail = sim.hooks.names(t).subList(sim.hooks.names(t).size() - 3, sim.hooks.names(t).size());
            assertEquals(List.of("exit", "death", "releaseTask"), tail);
            RecordingHooks.Event death = sim.hooks.of("death", t).get(0);
            RecordingHooks.Event reap = sim.hooks.of("releaseTask", t).get(0);
            assertEquals(TaskState.ZOMBIE, death.state());
            assertEquals("groupDead=true signal=17", death.detail());
            assertEquals(TaskState.DEAD, reap.state());
            assertSame(sim.kernel.init.thread, reap.thread(), "init, the parent, reaps");
            assertSame(t.thread, death.thread());
            assertEquals(null, sim.kernel.find(pid));
        }
    }

    @Test
    void theExitHookMayChangeTheStatusTheParentSees() {
        RecordingHooks hooks = new RecordingHooks();
        hooks.exitCodeOverride = (long) (7 << 8);
        try (Sim sim = new Sim(hooks)) {
            int pid = sim.spawn("true");
            assertEquals(WaitStatus.exited(7), sim.waitExit(pid));
        }
    }

    @Test
    void exitGroupKillsTheOtherThreadsAndTheyReapThemselves() {
        try (Sim sim = new Sim()) {
            sim.program("grp", "thread t", "thread t", "sleep 10", "exit_group 4", "t: pause", "jmp t");
            int pid = sim.spawn("grp");
            assertEquals(WaitStatus.exited(4), sim.waitExit(pid));
            List<RecordingHooks.Event> deaths = sim.hooks.of("death");
            assertEquals(3, deaths.size());
            assertEquals(1, deaths.stream().filter(d -> d.detail().startsWith("groupDead=true")).count(), deaths.toString());
            for (RecordingHooks.Event d : deaths) {
                if (d.task().tid() == pid) continue;
                assertTrue(d.detail().endsWith("signal=-1"), "a thread reaps itself: " + d);
                RecordingHooks.Event reap = sim.hooks.of("releaseTask", d.task()).get(0);
                assertSame(d.thread(), reap.thread(), "self-reap runs on the thread itself");
            }
            assertTrue(sim.hooks.of("fatalSignal").size() >= 2);
        }
    }

    @Test
    void aLeaderThatExitsFirstIsReportedOnlyWhenTheLastThreadIsGone() {
        try (Sim sim = new Sim()) {
            sim.program("lead", "thread t", "exit 5", "t: sleep 50", "exit 9");
            int pid = sim.spawn("lead");
            assertEquals(WaitStatus.exited(5), sim.waitExit(pid), "the leader's own code, not the last thread's");
            RecordingHooks.Event leaderDeath = sim.hooks.events.stream()
                    .filter(e -> e.hook().equals("death") && e.tid() == pid).findFirst().orElseThrow();
            assertEquals("groupDead=false signal=17", leaderDeath.detail());
        }
    }
}
