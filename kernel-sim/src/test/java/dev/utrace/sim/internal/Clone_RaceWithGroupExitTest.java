package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.utrace.api.proc.WaitStatus;
import org.junit.jupiter.api.Test;

/** Threads being created while another thread calls exit_group: no thread survives or leaks. */
class Clone_RaceWithGroupExitTest {
    private static final int ROUND = 50;

    @Test
    void exitGroupRacingCloneLeavesNothingBehind() {
        int n = Sim.iterations(100);
        try (Sim sim = new Sim()) {
            sim.program("race", "thread quitter", "more: thread idle", "jmp more",
                    "quitter: yield", "exit_group 3", "idle: pause", "jmp idle");
            // In rounds of a few processes at once: thousands racing together only starve each
            // other's quitter (the race is within a process; the rounds keep it on every scale).
            for (int done = 0; done < n; done += ROUND) {
                int[] pids = new int[Math.min(ROUND, n - done)];
                for (int i = 0; i < pids.length; i++) pids[i] = sim.spawn("race");
                for (int pid : pids) assertEquals(WaitStatus.exited(3), sim.waitExit(pid));
            }
            Sim.await("every thread is reaped", () -> sim.machine.tasks().size() == 1);
            int clones = sim.hooks.of("clone").size();
            sim.deaths(clones + n);
            assertEquals(clones + n, sim.hooks.of("releaseTask").size(), "each task was released exactly once");
        }
    }
}
