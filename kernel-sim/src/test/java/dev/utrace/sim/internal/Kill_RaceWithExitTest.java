package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.Signals;
import dev.utrace.api.proc.WaitStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SIGKILL sent while processes are exiting on their own: every task ends exactly once, in order. */
class Kill_RaceWithExitTest {
    private static final int ROUND = 1000;

    @Test
    void killRacingExitEndsEveryTaskOnce() throws Exception {
        int n = Sim.iterations(5);
        try (Sim sim = new Sim()) {
            // In rounds the machine's exit records (ExitRecords.KEEP) outlast, so each status can be read.
            for (int done = 0; done < n; done += ROUND) {
                int[] pids = new int[Math.min(ROUND, n - done)];
                for (int i = 0; i < pids.length; i++) {
                    pids[i] = sim.spawn("true");
                    int pid = pids[i];
                    if (i % 2 == 0) {
                        try {
                            sim.machine.kill(pid, Signals.SIGKILL);
                        } catch (dev.utrace.api.proc.ProcessException gone) {
                            // it exited and was reaped already: the race went the other way
                        }
                    }
                }
                for (int pid : pids) {
                    WaitStatus s = sim.waitExit(pid);
                    assertTrue(s.equals(WaitStatus.exited(0)) || s.equals(WaitStatus.signaled(Signals.SIGKILL, false)), s.toString());
                }
            }
            sim.deaths(n);
            Map<Object, List<String>> perTask = new HashMap<>();
            for (RecordingHooks.Event e : sim.hooks.events()) {
                if (e.hook().equals("exit") || e.hook().equals("death") || e.hook().equals("releaseTask")) {
                    perTask.computeIfAbsent(e.task(), k -> new java.util.ArrayList<>()).add(e.hook());
                }
            }
            assertEquals(n, perTask.size());
            for (List<String> hooks : perTask.values()) {
                assertEquals(3, hooks.size(), hooks.toString());
                assertEquals("exit", hooks.get(0));
            }
            assertEquals(1, sim.machine.tasks().size(), "only init is left");
        }
    }
}
