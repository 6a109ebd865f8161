package dev.utrace.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SINGLESTEP asked of a task held in a stop (what PTRACE_SINGLESTEP after PTRACE_INTERRUPT does):
 * the next instruction traps, whether the stop was a signal REPORT pass after INTERRUPT or a
 * quiesce after STOP. The step taken in the signal pass stays on: the resume point that follows
 * finds RESUME and, as utrace_resume, leaves stepping as it is.
 */
class CoreOnSim_StepAfterStopTest extends CoreOnSimFixture {

    /** Holds the task at its first report; once {@link #stepping}, consumes the step's SIGTRAP and lets it run. */
    static final class Stepper implements EngineOps {
        final List<String> seen = new CopyOnWriteArrayList<>();
        volatile boolean stepping;

        @Override
        public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa, SigAction returnKa) {
            if (origKa == null) {
                seen.add("report");
                return (action & SignalAction.MASK) | (stepping ? ResumeAction.SINGLESTEP : ResumeAction.STOP).code();
            }
            seen.add(Signals.name(info.signo));
            return SignalAction.IGN.with(ResumeAction.RESUME); // our trap: the program never sees it
        }

        @Override
        public ResumeAction reportQuiesce(ResumeAction action, Engine engine, Task task, Event event) {
            seen.add("quiesce");
            return stepping ? ResumeAction.SINGLESTEP : ResumeAction.STOP;
        }
    }

    @ParameterizedTest(name = "held by {0}")
    @ValueSource(strings = {"INTERRUPT", "STOP"})
    @DisplayName("R-CTL-SINGLESTEP, R-RES-1: a step asked of a task held in a stop traps at the next instruction")
    void aStepAskedOfAHeldTaskTraps(String how) {
        program("napper", "loop:\n    sleep 20\n    jmp loop\n");
        int pid = sim.spawn("napper", List.of());
        TracedTask t = task(pid);
        Stepper stepper = new Stepper();
        Engine e = attach(t, stepper, Event.SIGNAL_ALL | Event.mask(Event.QUIESCE));
        await("the program sleeps", () -> sim.info(pid).state() == TaskState.SLEEPING);
        utrace.control(t, e, ResumeAction.valueOf(how));
        await("the engine holds the task", () -> t.state() == TaskState.TRACED);
        assertEquals(List.of(how.equals("INTERRUPT") ? "report" : "quiesce"), stepper.seen);
        stepper.stepping = true;
        utrace.control(t, e, ResumeAction.SINGLESTEP);
        await("the step traps", () -> stepper.seen.contains("SIGTRAP"));
        sim.kill(pid, Signals.SIGKILL);
        assertTrue(waitExit(pid).isSignaled());
        e.put();
    }

    /** Steps from its first report on, and holds the task stopped at the first step's SIGTRAP. */
    static final class HoldsAtTheTrap implements EngineOps {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa, SigAction returnKa) {
            if (origKa == null) return (action & SignalAction.MASK) | ResumeAction.SINGLESTEP.code();
            seen.add(Signals.name(info.signo));
            return SignalAction.IGN.with(ResumeAction.STOP);
        }

        @Override
        public ResumeAction reportQuiesce(ResumeAction action, Engine engine, Task task, Event event) {
            return seen.isEmpty() ? ResumeAction.SINGLESTEP : ResumeAction.STOP;
        }
    }

    @ParameterizedTest(name = "let go by {0}")
    @ValueSource(strings = {"DETACH", "revoke"})
    @DisplayName("R-CTL-SINGLESTEP: a stepping engine that lets go of a task held at its step's trap leaves no step set:"
            + " the task runs on and never gets a SIGTRAP nobody consumes")
    void noStepLeftOnceTheSteppingEngineLetsGo(String how) throws Exception {
        program("ticker", "loop:\n    print \"tick\\n\"\n    sleep 20\n    jmp loop\n");
        int pid = sim.spawn("ticker", List.of());
        TracedTask t = task(pid);
        HoldsAtTheTrap stepper = new HoldsAtTheTrap();
        dev.utrace.impl.UtraceFacade owner = core.facade("stepper");
        AttachResult r = owner.attach(t, AttachFlags.CREATE, stepper, null);
        assertTrue(r.ok(), r::toString);
        Engine e = r.engine();
        owner.setEvents(t, e, Event.SIGNAL_ALL | Event.mask(Event.QUIESCE));
        await("the program sleeps", () -> sim.info(pid).state() == TaskState.SLEEPING);
        owner.control(t, e, ResumeAction.INTERRUPT);
        await("held at the step's trap", () -> stepper.seen.contains("SIGTRAP") && t.state() == TaskState.TRACED);
        if (how.equals("DETACH")) {
            owner.control(t, e, ResumeAction.DETACH);
        } else {
            owner.revoke();
        }
        await("it runs on, untraced", () -> t.state() != TaskState.TRACED && utrace.engines(t).isEmpty());
        int ticks = sim.console(pid).length();
        // A step left set traps at its next instruction: two more ticks show none is.
        await("two more ticks", () -> sim.console(pid).length() >= ticks + 2 * "tick\n".length()
                || sim.info(pid).state().hasExited());
        assertFalse(sim.info(pid).state().hasExited(), "no death by a SIGTRAP nobody consumed: " + sim.info(pid));
        sim.kill(pid, Signals.SIGTERM);
        assertEquals(Signals.SIGTERM, waitExit(pid).word() & 0x7f, "ended by our SIGTERM");
        e.put();
    }
}
