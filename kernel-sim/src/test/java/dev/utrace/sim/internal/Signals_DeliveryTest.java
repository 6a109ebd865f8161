package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.WaitStatus;
import org.junit.jupiter.api.Test;

class Signals_DeliveryTest {

    @Test
    void signalDemoHandlesBlocksAndIsInterruptedWithEintr() {
        try (Sim sim = new Sim()) {
            int pid = sim.spawn("signals");
            Sim.await("the demo sleeps", () -> sim.task(pid).state() == TaskState.SLEEPING);
            sim.machine.kill(pid, Signals.SIGINT);
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
            assertEquals("caught signal 10\nSIGUSR2 is blocked and pending\ncaught signal 12\ncaught SIGINT\n"
                    + "sleep returned -4\n", sim.machine.console(pid));
            assertEquals(3, sim.hooks.of("signalHandler").size());
        }
    }

    @Test
    void defaultActionsTermCoreIgnore() {
        try (Sim sim = new Sim()) {
            int term = sim.spawn("idle");
            int core = sim.spawn("idle");
            int ign = sim.spawn("sleeper", "50");
            sim.machine.kill(term, Signals.SIGTERM);
            sim.machine.kill(core, Signals.SIGQUIT);
            sim.machine.kill(ign, Signals.SIGCHLD);
            sim.machine.kill(ign, Signals.SIGWINCH);
            assertEquals(WaitStatus.signaled(Signals.SIGTERM, false), sim.waitExit(term));
            assertEquals(WaitStatus.signaled(Signals.SIGQUIT, true), sim.waitExit(core));
            assertEquals(WaitStatus.exited(0), sim.waitExit(ign));
        }
    }

    @Test
    void oneshotHandlerRunsOnceThenTheDefaultKills() {
        try (Sim sim = new Sim()) {
            sim.program("once", "signal SIGUSR1, h, oneshot", "raise SIGUSR1", "raise SIGUSR1", "exit 0",
                    "h: print \"once\\n\"", "sigreturn");
            int pid = sim.spawn("once");
            assertEquals(WaitStatus.signaled(Signals.SIGUSR1, false), sim.waitExit(pid));
            assertEquals("once\n", sim.machine.console(pid));
        }
    }

    @Test
    void ignoredSignalsAreDroppedAndSigkillCannotBeBlocked() {
        try (Sim sim = new Sim()) {
            sim.program("blk", "signal SIGTERM, ignore", "block SIGKILL, SIGSTOP, SIGUSR1", "raise SIGTERM",
                    "raise SIGUSR1", "print \"alive\\n\"", "pause");
            int pid = sim.spawn("blk");
            Sim.await("it pauses", () -> sim.machine.console(pid).equals("alive\n")
                    && sim.task(pid).state() == TaskState.SLEEPING);
            sim.kernel.lock.lock();
            try {
                assertTrue((sim.task(pid).pending.mask & Signals.bit(Signals.SIGUSR1)) != 0, "a blocked signal stays pending");
                assertEquals(Signals.bit(Signals.SIGUSR1), sim.task(pid).blocked, "SIGKILL and SIGSTOP were not blocked");
            } finally {
                sim.kernel.lock.unlock();
            }
            sim.machine.kill(pid, Signals.SIGKILL);
            assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), sim.waitExit(pid));
        }
    }

    @Test
    void anUnmappedAccessRaisesSigsegv() {
        try (Sim sim = new Sim()) {
            int pid = sim.spawn("crash");
            assertEquals(WaitStatus.signaled(Signals.SIGSEGV, true), sim.waitExit(pid));
        }
    }

    @Test
    void badSignalNumbersAndPidsAreClearErrors() {
        try (Sim sim = new Sim()) {
            int pid = sim.spawn("idle");
            Sim.await("it pauses", () -> sim.task(pid).state() == TaskState.SLEEPING);
            String bad = org.junit.jupiter.api.Assertions.assertThrows(dev.utrace.api.proc.ProcessException.class,
                    () -> sim.machine.kill(pid, 65)).getMessage();
            assertEquals("bad signal number 65; use 1..64 (SIGKILL is 9, SIGTERM 15)", bad);
            String none = org.junit.jupiter.api.Assertions.assertThrows(dev.utrace.api.proc.ProcessException.class,
                    () -> sim.machine.kill(999_999, 9)).getMessage();
            assertEquals("no task with pid 999999; tasks() lists the live ones", none);
            assertEquals(TaskState.SLEEPING, sim.machine.info(pid).state(), "the bad requests changed nothing");
        }
    }
}
