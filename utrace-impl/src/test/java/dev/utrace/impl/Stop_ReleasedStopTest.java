package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The OQ-4 branches of the resume point and the signal point decide to stop from the task's
 * union mask, whose ENGINE_STOP bit is only narrowed by a reset, instead of from the engines'
 * own stop bits; a task whose every engine already let go of its stop stops anyway.
 */
class Stop_ReleasedStopTest extends CoreFixture {

    @Test
    @DisplayName("R-ACT-4 R-ACT-5 a stop released by a resume return does not stop the task at the resume point")
    void R_ACT_4_R_ACT_5_aStopReleasedByAResumeReturnDoesNotStopTheTaskAtTheResumePoint() {
        FakeTask t = newTask();
        Rec p = rec("P");
        Engine ep = attach(t, p, Event.mask(Event.EXEC)); // no QUIESCE engine on the task
        assertEquals(Outcome.IN_PROGRESS, utrace.control(t, ep, ResumeAction.STOP));
        Thread th = start("tracee", () -> tracee(t).exec("p")); // P answers RESUME: its stop is gone
        await("the tracee returns to user or stops", () -> !th.isAlive() || t.utraceStopped);
        boolean stopped = t.utraceStopped;
        if (stopped) Tracee.kill(t, core.hooks()); // let the thread go
        join(th);
        assertEquals(List.of("P.exec"), log);
        assertFalse(ep.holdsStop(), "P returned RESUME, so it holds no stop (R-ACT-4)");
        assertFalse(stopped, "no engine holds a stop, yet the task stopped at the resume point");
    }

    @Test
    @DisplayName("R-ACT-4 a stop released by a resume return does not stop the task at the signal point")
    void R_ACT_4_aStopReleasedByAResumeReturnDoesNotStopTheTaskAtTheSignalPoint() {
        FakeTask t = newTask();
        Rec p = rec("P");
        p.onExec = ResumeAction.INTERRUPT;
        Engine ep = attach(t, p, Event.mask(Event.EXEC));
        assertEquals(Outcome.IN_PROGRESS, utrace.control(t, ep, ResumeAction.STOP));
        Thread th = start("tracee", () -> tracee(t).exec("p")); // P answers INTERRUPT: its stop is gone
        await("the tracee returns to user or stops", () -> !th.isAlive() || t.utraceStopped);
        boolean stopped = t.utraceStopped;
        if (stopped) Tracee.kill(t, core.hooks());
        join(th);
        assertFalse(ep.holdsStop());
        assertTrue(log.contains("P.exec"));
        assertFalse(stopped, "no engine holds a stop, yet the task stopped at the signal point");
    }
}
