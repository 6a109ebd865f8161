package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import java.util.List;
import org.junit.jupiter.api.Test;

class Sleep_EintrTest {

    private static final String SLEEP = "nr=35 ";

    @Test
    void aHandledSignalEndsTheSleepWithEintr() {
        try (Sim sim = new Sim()) {
            sim.program("s", "signal SIGUSR1, h", "sleep 1000000", "print \"{rax}\"", "exit 0", "h: sigreturn");
            int pid = sim.spawn("s");
            Sim.await("it sleeps", () -> sim.task(pid).state() == TaskState.SLEEPING);
            sim.machine.kill(pid, Signals.SIGUSR1);
            sim.waitExit(pid);
            List<String> exits = sim.hooks.of("syscallExit").stream().map(RecordingHooks.Event::detail)
                    .filter(d -> d.startsWith(SLEEP)).toList();
            assertEquals(List.of(SLEEP + "rax=-514"), exits, "syscall exit sees the kernel's ERESTARTNOHAND, as strace does");
            assertEquals("-4", sim.machine.console(pid), "user mode sees EINTR after the handler");
        }
    }

    @Test
    void aWakeUpWithoutASignalRestartsTheSleep() {
        try (Sim sim = new Sim()) {
            sim.program("r", "sleep 300", "exit 0");
            int pid = sim.spawn("r");
            SimTask t = sim.task(pid);
            Sim.await("it sleeps", () -> t.state() == TaskState.SLEEPING);
            t.signalWakeUp();
            sim.waitExit(pid);
            List<String> entries = sim.hooks.of("syscallEntry").stream().map(RecordingHooks.Event::detail)
                    .filter(d -> d.startsWith("nr=35")).toList();
            assertEquals(2, entries.size(), "the sleep was restarted: " + sim.hooks.events());
            assertTrue(sim.hooks.of("getSignal").size() >= 1, "the wake-up went through signal delivery");
            List<String> exits = sim.hooks.of("syscallExit").stream().map(RecordingHooks.Event::detail)
                    .filter(d -> d.startsWith(SLEEP)).toList();
            assertEquals(List.of(SLEEP + "rax=-514", SLEEP + "rax=0"), exits, "ERESTARTNOHAND, then a full sleep");
        }
    }
}
