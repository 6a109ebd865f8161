package dev.utrace.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.api.task.Signals;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.spi.TracedTask;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL racing a task on its way into the EXIT stop an engine asked for: whether the kill comes
 * before the exit, during the exit report, before the stop or in it, the process ends and the
 * engine is released once (R-STOP-6, R-ACT-6).
 */
class Kill_RaceWithExitStopTest extends CoreOnSimFixture {

    @Test
    @DisplayName("R-STOP-6: SIGKILL at any moment around an EXIT stop ends the process")
    void killRacesTheExitStop() throws InterruptedException {
        int rounds = Math.max(50, Integer.getInteger("race.iterations", 10_000) / 20);
        int batch = 20;
        for (int done = 0; done < rounds; done += batch) {
            List<Integer> pids = new ArrayList<>();
            List<Kill_InExitStopTest.ExitHolder> holders = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                int pid = spawnStopped("hello");
                TracedTask t = task(pid);
                Kill_InExitStopTest.ExitHolder h = new Kill_InExitStopTest.ExitHolder();
                Engine e = attach(t, h, Event.mask(Event.EXIT));
                e.put();
                pids.add(pid);
                holders.add(h);
            }
            for (int pid : pids) {
                sim.kill(pid, Signals.SIGCONT);
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(30_000)); // somewhere on its way out
                sim.kill(pid, Signals.SIGKILL);
            }
            for (int i = 0; i < batch; i++) {
                int pid = pids.get(i);
                WaitStatus s = waitExit(pid);
                assertTrue(s.isSignaled() ? s.termSignal() == Signals.SIGKILL : s.exitCode() == 0,
                        () -> "pid " + pid + " ended by its own exit or by our SIGKILL, not " + s);
                assertTrue(holders.get(i).released.await(20, TimeUnit.SECONDS), "engine on " + pid + " released");
                assertEquals(1, holders.get(i).releases.get(), "released exactly once");
            }
        }
    }
}
