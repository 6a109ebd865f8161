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
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.spi.TracedTask;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * HOLD is {@code push_back_signal}: it re-queues the signal the report carries. A report without
 * a signal has nothing to hold, and no engine answer may make the task less stable (R-SIG-4, R-SIG-5).
 */
class Signal_HoldWithoutSignalTest extends CoreOnSimFixture {

    /** Answers every signal report with IGN|HOLD, after letting {@code editSigno} change info's number. */
    static final class Holder implements EngineOps {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final IntUnaryOperator editSigno;

        Holder(IntUnaryOperator editSigno) {
            this.editSigno = editSigno;
        }

        @Override
        public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa, SigAction returnKa) {
            seen.add(SignalAction.of(action) + " " + info.signo);
            info.signo = editSigno.applyAsInt(info.signo);
            return SignalAction.IGN.with(ResumeAction.RESUME) | SignalAction.HOLD;
        }
    }

    private void interruptIdleTaskAndExpectItToLive(Holder holder, String expectedReport) {
        int pid = sim.spawn("idle", List.of());
        TracedTask t = task(pid);
        Engine e = attach(t, holder, Event.SIGNAL_ALL | Event.mask(Event.QUIESCE));
        await("idle waits in pause", () -> sim.info(pid).state() == TaskState.SLEEPING);

        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.INTERRUPT));

        await("the engine got the report", () -> !holder.seen.isEmpty());
        assertEquals(expectedReport, holder.seen.get(0));
        await("idle waits in pause again", () -> sim.info(pid).state() == TaskState.SLEEPING);
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH));
        e.put();
        sim.kill(pid, Signals.SIGTERM);
        WaitStatus s = waitExit(pid);
        assertTrue(s.isSignaled() && s.termSignal() == Signals.SIGTERM,
                () -> "the task lived until our SIGTERM, but ended " + s);
    }

    @Test
    @DisplayName("R-SIG-5, R-SIG-4: HOLD on a report with no signal (after INTERRUPT) holds nothing and the task lives")
    void holdWithoutASignalIsIgnored() {
        interruptIdleTaskAndExpectItToLive(new Holder(signo -> signo), "REPORT 0");
    }

    @Test
    @DisplayName("R-SIG-5, R-SIG-7: HOLD of a made-up signal number is dropped with a warning and the task lives")
    void holdOfABogusSignalIsDropped() {
        interruptIdleTaskAndExpectItToLive(new Holder(signo -> 200), "REPORT 0");
    }
}
