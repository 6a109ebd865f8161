package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.utrace.api.task.Signals;
import dev.utrace.api.proc.WaitStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A SIGCONT sent after a SIGSTOP always wins, even when it arrives after the task dequeued the
 * SIGSTOP but before it began the group stop ({@code SIGNAL_STOP_DEQUEUED} in Linux).
 */
class JobControl_ContAfterStopTest {

    @Test
    @DisplayName("SIGSTOP then SIGCONT: the process never stays stopped, whatever the interleaving")
    void contAfterStopAlwaysWins() throws Exception {
        int rounds = Sim.iterations(5);
        try (Sim sim = new Sim()) {
            sim.program("napper", "nap: print \".\"", "sleep 1", "jmp nap");
            int pid = sim.spawn("napper");
            for (int i = 0; i < rounds; i++) {
                sim.machine.kill(pid, Signals.SIGSTOP);
                if ((i & 1) == 0) Thread.onSpinWait();
                sim.machine.kill(pid, Signals.SIGCONT);
                // Progress after the SIGCONT proves the task got past both signals: a SIGSTOP it
                // dequeued before the SIGCONT was sent would otherwise stop it now, for good.
                int printed = sim.machine.console(pid).length();
                int round = i;
                Sim.await("the process prints again after round " + round,
                        () -> sim.machine.console(pid).length() > printed);
            }
            sim.machine.kill(pid, Signals.SIGKILL);
            assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), sim.waitExit(pid));
        }
    }
}
