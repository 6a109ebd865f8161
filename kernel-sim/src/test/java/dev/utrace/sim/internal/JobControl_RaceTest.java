package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.utrace.api.task.Signals;
import dev.utrace.api.proc.WaitStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SIGSTOP and SIGCONT storms against busy multithreaded processes, then SIGKILL: all of them die and are reaped. */
class JobControl_RaceTest {

    @Test
    @DisplayName("R-STOP-6: after any interleaving of stops and continues, SIGKILL still ends every thread")
    void stopContinueStormThenKill_R_STOP_6() throws Exception {
        int rounds = Sim.iterations(2);
        try (Sim sim = new Sim()) {
            sim.program("busy", "thread spin", "thread nap", "spin: add rbx, 1", "jmp spin", "nap: sleep 1", "jmp nap");
            int[] pids = {sim.spawn("busy"), sim.spawn("busy")};
            Thread stopper = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < rounds; i++) sim.machine.kill(pids[i % 2], Signals.SIGSTOP);
            });
            Thread continuer = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < rounds; i++) sim.machine.kill(pids[i % 2], Signals.SIGCONT);
            });
            stopper.join();
            continuer.join();
            for (int pid : pids) sim.machine.kill(pid, Signals.SIGKILL);
            for (int pid : pids) assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), sim.waitExit(pid));
            Sim.await("every thread is reaped", () -> sim.machine.tasks().size() == 1);
        }
    }
}
