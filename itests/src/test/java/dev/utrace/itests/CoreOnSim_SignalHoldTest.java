package dev.utrace.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SignalAction;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.spi.TracedTask;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Holding a signal and re-injecting it later, as a debugger does, on the real machine. */
class CoreOnSim_SignalHoldTest extends CoreOnSimFixture {

    /** Holds the first real signal (STOP|IGN); on the REPORT after INTERRUPT, delivers it with its handler. */
    static final class Holder implements EngineOps {
        final List<String> seen = new CopyOnWriteArrayList<>();
        volatile SigAction heldKa;

        @Override
        public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa, SigAction returnKa) {
            SignalAction sa = SignalAction.of(action);
            seen.add(sa + " " + Signals.name(info.signo));
            if (sa == SignalAction.REPORT && heldKa != null) {
                returnKa.copyFrom(heldKa); // info still holds the held signal (R-SIG-4)
                heldKa = null;
                return SignalAction.DELIVER.with(ResumeAction.RESUME);
            }
            if (origKa != null && heldKa == null && seen.size() == 1) {
                heldKa = origKa.copy();
                return SignalAction.IGN.with(ResumeAction.STOP);
            }
            return (action & SignalAction.MASK) | ResumeAction.RESUME.code();
        }
    }

    @Test
    @DisplayName("R-SIG-4, R-CTL-INTERRUPT, R-SIG-3: a held signal is re-injected after INTERRUPT and its handler runs then")
    void holdThenReinject() {
        program("usr1", """
                # prints in its SIGUSR1 handler, then waits for more signals
                    signal SIGUSR1, got
                again:
                    pause
                    jmp again
                got:
                    print "got {rdi}\\n"
                    sigreturn
                """);
        int pid = sim.spawn("usr1", List.of());
        TracedTask t = task(pid);
        Holder holder = new Holder();
        Engine e = attach(t, holder, Event.SIGNAL_ALL | Event.mask(Event.QUIESCE));
        await("the program waits in pause", () -> sim.info(pid).state() == TaskState.SLEEPING);
        sim.kill(pid, Signals.SIGUSR1);
        await("the engine holds the signal and the task", () -> t.state() == TaskState.TRACED);
        assertEquals("", sim.console(pid), "the handler has not run while the signal is held");
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.INTERRUPT));
        await("the re-injected signal's handler ran", () -> sim.console(pid).contains("got 10"));
        assertEquals(List.of("DELIVER SIGUSR1", "REPORT SIGUSR1"), holder.seen.subList(0, 2));
        sim.kill(pid, Signals.SIGKILL);
        assertTrue(waitExit(pid).isSignaled());
        e.put();
    }
}
