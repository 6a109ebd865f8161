package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.api.Examination;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.Reg;
import dev.utrace.spi.TracedTask;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Found by the chaos soak (seed 1001, 10M operations, op 7524147): prepareExamine answered DONE,
 * the registers could not be read (the machine did not show the task stopped), and
 * finishExamine answered DONE too. {@code UtraceTask.stop} sets the core's {@code stopped}
 * before it tells the machine ({@code setUtraceStopped(true)}), and prepare/finishExamine read
 * {@code stopped} without the task's lock, so a controller can examine in between. The task
 * below runs the controller at exactly that point: inside the core's call that tells it it is stopped.
 */
class Examine_StopPublishedTest extends CoreFixture {
    private final AtomicReference<String> examined = new AtomicReference<>();
    private volatile Thread controller;

    @Test
    @DisplayName("R-EXAM-1, R-EXAM-3: between a DONE prepareExamine and a DONE finishExamine the registers can be read")
    void R_EXAM_1_prepareExamineIsDoneOnlyOnceTheMachineShowsTheStop() {
        FakeTask task = newTask();
        Rec rec = rec("A");
        rec.quiesce = e -> ResumeAction.STOP;
        ExaminedWhileStopping view = new ExaminedWhileStopping(task);
        Engine e = utrace.attach(view, AttachFlags.CREATE, rec, null).engine();
        assertEquals(Outcome.DONE, utrace.setEvents(view, e, Event.mask(Event.QUIESCE)));
        assertEquals(Outcome.IN_PROGRESS, utrace.control(view, e, ResumeAction.STOP));
        view.examineWith = e;
        Thread tracee = start("tracee", () -> tracee(task).returnToUser()); // stops at its resume point
        await("the task is stopped", () -> task.utraceStopped);
        rec.quiesce = ev -> ResumeAction.RESUME;
        utrace.control(view, e, ResumeAction.DETACH);
        join(tracee);
        join(controller);
        e.put();
        String outcome = examined.get();
        assertTrue(outcome.startsWith("AGAIN") || outcome.contains("read"),
                "prepare, read, finish: " + outcome + " (a DONE pair must mean the registers were readable)");
    }

    /** Starts a controller that examines {@code view}'s registers, recorded as "prepare read|refused finish". */
    private void startExamination(TracedTask view, Engine e) {
        Thread c = start("controller", () -> {
            Examination exam = new Examination();
            Outcome prepared = utrace.prepareExamine(view, e, exam);
            if (prepared != Outcome.DONE) {
                examined.set(prepared.toString());
                return;
            }
            String read;
            try {
                view.register(Reg.RIP);
                read = "read";
            } catch (IllegalStateException refused) {
                read = "refused";
            }
            examined.set(prepared + " " + read + " " + utrace.finishExamine(view, e, exam));
        });
        controller = c;
        // The tracee holds the task's lock here: a controller that takes it must be let wait until it is released.
        while (c.isAlive() && c.getState() != Thread.State.WAITING) Thread.onSpinWait();
    }

    /**
     * Refuses register reads until the core tells it that it is stopped, as the machine does,
     * and has a controller examine it right when the core is about to tell it.
     */
    private final class ExaminedWhileStopping extends DelegatingTask {
        volatile Engine examineWith;
        private volatile boolean machineStopped;

        ExaminedWhileStopping(FakeTask task) {
            super(task);
        }

        @Override
        public void setUtraceStopped(boolean stopped) {
            Engine e = examineWith;
            if (stopped && e != null && controller == null) startExamination(this, e);
            machineStopped = stopped;
            super.setUtraceStopped(stopped);
        }

        @Override
        public long register(Reg reg) {
            if (!machineStopped) throw new IllegalStateException("reading " + reg + " of a task that is not stopped");
            return super.register(reg);
        }
    }
}
