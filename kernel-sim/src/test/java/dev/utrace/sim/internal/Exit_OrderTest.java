package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.WaitStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class Exit_OrderTest {

    @Test
    void exitFirstThenDeathAsZombieThenReapAsDeadOnTheReapersThread() {
        try (Sim sim = new Sim()) {
            sim.program("par", "fork", "jz rax, kid", "pause", "kid: exit 0");
            int pid = sim.spawn("par");
            Sim.await("the child reports death", () -> sim.hooks.of("death").size() == 1);
            RecordingHooks.Event death = sim.hooks.of("death").get(0);
            SimTask kid = (SimTask) death.task();
            assertEquals(TaskState.ZOMBIE, death.state(), "a zombie while its parent does not wait");
            assertEquals("groupDead=true signal=17", death.detail());
            assertSame(kid.thread, death.thread());
            assertEquals(List.of("exit", "death"), sim.hooks.names(kid).subList(sim.hooks.names(kid).size() - 2,
                    sim.hooks.names(kid).size()));
            sim.machine.kill(pid, dev.utrace.api.task.Signals.SIGKILL);
            sim.waitExit(pid);
            sim.waitExit(kid.tgid());
            RecordingHooks.Event reap = sim.hooks.of("releaseTask", kid).get(0);
            assertEquals(TaskState.DEAD, reap.state());
            assertSame(sim.kernel.init.thread, reap.thread(), "init, the new parent, reaps");
            assertEquals(null, sim.kernel.find(kid.tid()));
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
            List<RecordingHooks.Event> deaths = sim.deaths(3);
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
            sim.deaths(2);
            RecordingHooks.Event leaderDeath = sim.hooks.events().stream()
                    .filter(e -> e.hook().equals("death") && e.tid() == pid).findFirst().orElseThrow();
            assertEquals("groupDead=false signal=17", leaderDeath.detail());
        }
    }
}
