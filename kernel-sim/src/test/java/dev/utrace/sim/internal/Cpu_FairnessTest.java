package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.utrace.api.task.Signals;
import dev.utrace.api.proc.WaitStatus;
import org.junit.jupiter.api.Test;

/** Busy loops outnumbering the carrier threads must not starve other tasks: the machine time-slices them. */
class Cpu_FairnessTest {

    @Test
    void busyLoopsDoNotStarveOtherTasks() {
        try (Sim sim = new Sim()) {
            sim.program("spin", "top: add rbx, 1", "jmp top");
            int cpus = Runtime.getRuntime().availableProcessors();
            int[] spinners = new int[cpus + 2];
            for (int i = 0; i < spinners.length; i++) spinners[i] = sim.spawn("spin");
            for (int round = 0; round < 20; round++) {
                int pid = sim.spawn("counter", "2");
                assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
                sim.machine.kill(spinners[round % spinners.length], Signals.SIGSTOP);
                sim.machine.kill(spinners[round % spinners.length], Signals.SIGCONT);
            }
            for (int pid : spinners) sim.machine.kill(pid, Signals.SIGKILL);
            for (int pid : spinners) assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), sim.waitExit(pid));
        }
    }
}
