package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.WaitStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class Spi_HooksTest {

    @Test
    void machineBasicsAndTheUtraceSlot() {
        try (Sim sim = new Sim()) {
            assertEquals("kernel-sim", sim.machine.name());
            assertTrue(sim.machine.canSingleStep());
            assertFalse(sim.machine.canBlockStep());
            assertTrue(sim.machine.findTask(1).isKernelThread(), "init");
            int pid = sim.spawn("idle");
            SimTask t = sim.task(pid);
            assertNull(t.utraceSlot());
            Object record = new Object();
            assertTrue(t.casUtraceSlot(null, record));
            assertFalse(t.casUtraceSlot(null, new Object()));
            assertSame(record, t.utraceSlot());
        }
    }

    @Test
    void notifyResumeCallsTheResumeHookAndSignalCheckCallsGetSignal() {
        try (Sim sim = new Sim()) {
            sim.program("spin", "top: nop", "jmp top");
            int pid = sim.spawn("spin");
            SimTask t = sim.task(pid);
            t.requestNotifyResume();
            Sim.await("resume is called", () -> !sim.hooks.of("resume", t).isEmpty());
            t.requestSignalCheck();
            Sim.await("getSignal is called", () -> !sim.hooks.of("getSignal", t).isEmpty());
            sim.machine.kill(pid, Signals.SIGKILL);
            sim.waitExit(pid);
        }
    }

    @Test
    @DisplayName("R-EVT-6: while the core wants them, ignored signals are queued and reach getSignal")
    void ignoredSignalsAreQueuedForTheCore_R_EVT_6() {
        ScriptedHooks hooks = new ScriptedHooks();
        hooks.wantIgnored = true;
        List<Integer> seen = new CopyOnWriteArrayList<>();
        hooks.onGetSignal = (t, info, ka) -> {
            int s = t.dequeueSignal(info);
            if (s == 0) return 0;
            seen.add(s);
            ka.copyFrom(t.signalDisposition(s));
            return s;
        };
        try (Sim sim = new Sim(hooks)) {
            int pid = sim.spawn("idle");
            Sim.await("it pauses", () -> sim.task(pid).state() == TaskState.SLEEPING);
            sim.machine.kill(pid, Signals.SIGWINCH);
            Sim.await("the core sees SIGWINCH", () -> seen.contains(Signals.SIGWINCH));
            sim.machine.kill(pid, Signals.SIGKILL);
            sim.waitExit(pid);
        }
    }

    @Test
    @DisplayName("R-EVT-7: while the core considers fatal signals, SIGTERM goes through getSignal and a stand-in acts")
    void fatalSignalsGoThroughDeliveryAndTheStandInActs_R_EVT_7() {
        ScriptedHooks hooks = new ScriptedHooks();
        hooks.seeFatal = true;
        List<Integer> seen = new CopyOnWriteArrayList<>();
        hooks.onGetSignal = (t, info, ka) -> {
            int s = t.dequeueSignal(info);
            if (s == 0) return 0;
            seen.add(s);
            info.signo = Signals.SIGUSR2;
            ka.copyFrom(new SigAction());
            return Signals.SIGQUIT;
        };
        try (Sim sim = new Sim(hooks)) {
            int pid = sim.spawn("idle");
            Sim.await("it pauses", () -> sim.task(pid).state() == TaskState.SLEEPING);
            sim.machine.kill(pid, Signals.SIGTERM);
            assertEquals(WaitStatus.signaled(Signals.SIGUSR2, true), sim.waitExit(pid),
                    "the stand-in SIGQUIT dumps core, the status names info.signo");
            assertEquals(List.of(Signals.SIGTERM), seen);
        }
    }

    @Test
    void aStopStandInStopsTheGroupAndRequeuedSignalsComeBack() {
        ScriptedHooks hooks = new ScriptedHooks();
        hooks.seeFatal = true;
        List<Integer> seen = new CopyOnWriteArrayList<>();
        hooks.onGetSignal = (t, info, ka) -> {
            int s = t.dequeueSignal(info);
            if (s == 0) return 0;
            seen.add(s);
            if (s == Signals.SIGUSR1 && seen.size() == 1) {
                t.requeueSignal(info);
                return -1;
            }
            if (s == Signals.SIGUSR1) {
                ka.copyFrom(new SigAction());
                return Signals.SIGTSTP;
            }
            return 0;
        };
        try (Sim sim = new Sim(hooks)) {
            int pid = sim.spawn("idle");
            Sim.await("it pauses", () -> sim.task(pid).state() == TaskState.SLEEPING);
            sim.machine.kill(pid, Signals.SIGUSR1);
            Sim.await("it stops", () -> sim.task(pid).state() == TaskState.STOPPED);
            assertEquals(List.of(Signals.SIGUSR1, Signals.SIGUSR1), seen, "held once, then seen again");
            assertEquals(Signals.SIGUSR1, sim.task(pid).proc.groupStopSignal, "the stop reports info.signo");
            sim.machine.kill(pid, Signals.SIGKILL);
            sim.waitExit(pid);
        }
    }

    @Test
    @DisplayName("5.3: a signal sent just after the core's getSignal found none is shown to the core, not delivered by the machine behind its back")
    void aSignalSentAfterTheCoreLookedGoesToTheCoreFirst() {
        ScriptedHooks hooks = new ScriptedHooks();
        hooks.seeFatal = true; // as ptrace's SIGNAL_TERM interest: SIGUSR1 is queued, not short-circuited (R-EVT-7)
        AtomicBoolean slipIn = new AtomicBoolean();
        AtomicInteger target = new AtomicInteger();
        List<Integer> seen = new CopyOnWriteArrayList<>();
        try (Sim sim = new Sim(hooks)) {
            hooks.onGetSignal = (t, info, ka) -> {
                int s = t.dequeueSignal(info);
                if (s == Signals.SIGKILL) {
                    ka.copyFrom(t.signalDisposition(s));
                    return s; // never held (R-EVT-9)
                }
                if (s != 0) {
                    seen.add(s);
                    return -1; // the core consumes it (an engine held it)
                }
                // Found nothing; another thread's kill lands before the machine's own dequeue.
                if (slipIn.compareAndSet(true, false)) sim.machine.kill(target.get(), Signals.SIGUSR1);
                return 0;
            };
            sim.program("spin", "top: nop", "jmp top");
            int pid = sim.spawn("spin");
            target.set(pid);
            slipIn.set(true);
            sim.task(pid).requestSignalCheck();
            Sim.await("the core sees SIGUSR1, or the task dies of it", () -> !seen.isEmpty() || !sim.hooks.of("death").isEmpty());
            assertEquals(List.of(Signals.SIGUSR1), seen, "the core was asked again and saw the signal");
            sim.machine.kill(pid, Signals.SIGKILL);
            assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), sim.waitExit(pid), "alive until SIGKILL");
        }
    }

    @Test
    void unbindingOtherHooksKeepsTheCurrentOnes() {
        RecordingHooks a = new RecordingHooks();
        RecordingHooks b = new RecordingHooks();
        try (Sim sim = new Sim(a)) {
            sim.machine.bindHooks(b);
            sim.machine.unbindHooks(a);
            assertSame(b, sim.kernel.hooks());
            sim.machine.unbindHooks(b);
            assertSame(dev.utrace.spi.TraceHooks.NONE, sim.kernel.hooks());
        }
    }
}
