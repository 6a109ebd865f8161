package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.utrace.api.proc.WaitStatus;
import org.junit.jupiter.api.Test;

class Orphan_ReapTest {

    @Test
    void anOrphanIsAdoptedAndReapedByInit() {
        try (Sim sim = new Sim()) {
            sim.program("orph", "fork", "jz rax, kid", "print \"{rax}\"", "exit 0", "kid: pause", "exit 6");
            int pid = sim.spawn("orph");
            sim.waitExit(pid);
            int kid = Integer.parseInt(sim.machine.console(pid));
            Sim.await("init adopts the orphan", () -> sim.machine.info(kid).ppid() == 1);
            sim.machine.kill(kid, dev.utrace.api.task.Signals.SIGUSR1);
            assertEquals(WaitStatus.signaled(dev.utrace.api.task.Signals.SIGUSR1, false), sim.waitExit(kid));
            RecordingHooks.Event reap = sim.hooks.events().stream()
                    .filter(e -> e.hook().equals("releaseTask") && e.tid() == kid).findFirst().orElseThrow();
            assertSame(sim.kernel.init.thread, reap.thread());
        }
    }

    @Test
    void childrenOfAParentIgnoringSigchldReapThemselves() {
        try (Sim sim = new Sim()) {
            sim.program("ign", "signal SIGCHLD, ignore", "fork", "jz rax, kid", "wait", "print \"{rax}\"", "exit 0",
                    "kid: exit 1");
            int pid = sim.spawn("ign");
            sim.waitExit(pid);
            assertEquals("-10", sim.machine.console(pid), "wait finds no child: ECHILD");
            RecordingHooks.Event death = sim.hooks.of("death").stream().filter(e -> e.tid() != pid).findFirst().orElseThrow();
            assertEquals("groupDead=true signal=-1", death.detail());
            RecordingHooks.Event reap = sim.hooks.of("releaseTask", death.task()).get(0);
            assertSame(death.thread(), reap.thread(), "the child reaps itself");
        }
    }

    @Test
    void aLeaderThatDiesFirstIsReapedByItsLastThreadWhenTheParentIgnoresSigchld() {
        try (Sim sim = new Sim()) {
            sim.program("ign2", "signal SIGCHLD, ignore", "fork", "jz rax, kid", "wait", "print \"{rax}\"", "exit 0",
                    "kid: thread worker", "exit 0", "worker: sleep 30", "exit 0");
            int pid = sim.spawn("ign2");
            sim.waitExit(pid);
            assertEquals("-10", sim.machine.console(pid));
            sim.deaths(3);
            RecordingHooks.Event worker = sim.hooks.of("death").stream()
                    .filter(e -> e.tid() != pid && e.task().tid() != e.task().tgid()).findFirst().orElseThrow();
            int kidPid = worker.task().tgid();
            SimTask kidLeader = (SimTask) sim.hooks.of("death").stream().filter(e -> e.tid() == kidPid)
                    .findFirst().orElseThrow().task();
            assertEquals("groupDead=false signal=17", sim.hooks.of("death", kidLeader).get(0).detail(),
                    "the leader waits as a zombie for its thread");
            RecordingHooks.Event leaderReap = sim.hooks.of("releaseTask", kidLeader).get(0);
            assertSame(worker.thread(), leaderReap.thread(), "the last thread releases the leader");
        }
    }
}
