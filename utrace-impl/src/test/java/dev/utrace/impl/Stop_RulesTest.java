package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineState;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.CloneFlags;
import dev.utrace.api.task.TaskState;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Section 9: the stop/quiesce model and SIGKILL (R-STOP-1..7). */
class Stop_RulesTest extends CoreFixture {

    @Test
    @DisplayName("R-STOP-1: a stopped task shows traced and its sleep is killable")
    void R_STOP_1_aStoppedTaskShowsTracedAndItsSleepIsKillable() {
        FakeTask t = newTask();
        Engine e = attach(t, rec("A"), EXEC);
        Thread th = holdStopped(t, e);
        assertEquals(TaskState.TRACED, t.state(), "TASK_UTRACED");
        Tracee.kill(t, core.hooks());
        join(th); // TASK_WAKEKILL: SIGKILL ends the sleep though the engine still holds its stop
        assertTrue(e.holdsStop());
        assertFalse(t.utraceStopped);
        assertEquals(TaskState.RUNNING, t.state());
    }

    @Test
    @DisplayName("R-STOP-1: an adopted job control stop stays a job control stop when utrace lets go")
    void R_STOP_1_anAdoptedJobControlStopStaysAJobControlStopWhenUtraceLetsGo() {
        FakeTask t = newTask();
        Engine e = attach(t, rec("A"), EXEC);
        t.jobStopped = true;
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.STOP));
        assertTrue(t.utraceStopped, "__TASK_UTRACED ORed into the job-control stop");
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME));
        assertFalse(t.utraceStopped, "only the utrace bit is cleared");
        assertTrue(t.jobStopped, "still in its job-control stop");
        // When SIGCONT comes, nothing holds it in the core any more.
        t.jobStopped = false;
        Thread th = start("tracee", () -> core.hooks().finishJobControlStop(t));
        join(th);
    }

    @Test
    @DisplayName("R-STOP-2: the task stays stopped while any engine holds a stop")
    void R_STOP_2_theTaskStaysStoppedWhileAnyEngineHoldsAStop() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        Rec c = rec("C");
        Engine ea = attach(t, a, EXEC | QUIESCE);
        Engine eb = attach(t, b, EXEC | QUIESCE);
        Engine ec = attach(t, c, EXEC);
        a.onExec = ResumeAction.STOP;
        b.onExec = ResumeAction.STOP;
        a.quiesce = ev -> ev == null ? ResumeAction.STOP : ResumeAction.RESUME;
        b.quiesce = ev -> ev == null ? ResumeAction.STOP : ResumeAction.RESUME;
        Thread th = start("tracee", () -> tracee(t).exec("x"));
        await("stopped", () -> t.utraceStopped);
        a.quiesce = ev -> ResumeAction.RESUME;
        b.quiesce = ev -> ResumeAction.RESUME;
        assertTrue(ea.holdsStop() && eb.holdsStop());
        assertEquals(Outcome.DONE, utrace.control(t, ec, ResumeAction.STOP), "C joins in while it is stopped");
        assertEquals(Outcome.DONE, utrace.control(t, ea, ResumeAction.RESUME));
        assertTrue(t.utraceStopped, "B and C still hold it");
        assertEquals(Outcome.DONE, utrace.control(t, eb, ResumeAction.DETACH));
        assertTrue(t.utraceStopped, "C still holds it");
        assertTrue(th.isAlive());
        assertEquals(Outcome.DONE, utrace.control(t, ec, ResumeAction.RESUME));
        join(th);
        assertFalse(t.utraceStopped);
    }

    @Test
    @DisplayName("R-STOP-2: a non stop return from a later callback drops the stop")
    void R_STOP_2_aNonStopReturnFromALaterCallbackDropsTheStop() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC | QUIESCE);
        a.onExec = ResumeAction.STOP; // holds a stop after the exec report...
        AtomicReference<Boolean> heldAfterExec = new AtomicReference<>();
        a.during = (c, engine) -> {
            if (c.equals("quiesce(0)")) heldAfterExec.set(engine.holdsStop());
            return null;
        };
        join(start("tracee", () -> tracee(t).exec("x"))); // ...but quiesce(0) answers RESUME
        assertEquals(Boolean.TRUE, heldAfterExec.get());
        assertEquals(List.of("A.quiesce(EXEC)", "A.exec", "A.quiesce(0)"), log);
        assertFalse(e.holdsStop(), "the later RESUME dropped the stop");
        assertFalse(t.utraceStopped);
    }

    @Test
    @DisplayName("R-STOP-3: a fatal signal pending means no stop")
    void R_STOP_3_aFatalSignalPendingMeansNoStop() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, SYSCALL_ENTRY);
        a.onSyscallEntry = (action, unused) -> ResumeAction.STOP.code();
        t.fatalPending = true;
        Tracee tr = tracee(t);
        AtomicReference<Boolean> ran = new AtomicReference<>();
        join(start("tracee", () -> ran.set(tr.syscall(1))));
        assertEquals(List.of("A.syscallEntry"), log);
        assertTrue(e.holdsStop(), "the engine asked for a stop");
        assertFalse(t.utraceStopped, "but SIGKILL is pending: it does not sleep");
        assertEquals(Boolean.FALSE, ran.get(), "and the syscall is aborted (R-STOP-6)");
    }

    @Test
    @DisplayName("R-STOP-3: if every engine let go after the callbacks returned it resets instead of sleeping")
    void R_STOP_3_ifEveryEngineLetGoAfterTheCallbacksReturnedItResetsInsteadOfSleeping() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        Engine eb = attach(t, b, SYSCALL_ENTRY); // attached first: called last at syscall entry
        Engine ea = attach(t, a, SYSCALL_ENTRY);
        a.onSyscallEntry = (action, unused) -> ResumeAction.STOP.code();
        AtomicReference<Outcome> detach = new AtomicReference<>();
        b.during = (c, engine) -> {
            detach.compareAndSet(null, utrace.control(t, ea, ResumeAction.DETACH)); // after A said STOP
            return null;
        };
        Tracee tr = tracee(t);
        AtomicReference<Boolean> ran = new AtomicReference<>();
        join(start("tracee", () -> ran.set(tr.syscall(1)))); // would hang if it slept
        assertEquals(Outcome.DONE, detach.get());
        assertEquals(Boolean.TRUE, ran.get());
        assertEquals(List.of(1L), tr.ran);
        assertFalse(t.utraceStopped);
        assertEquals(EngineState.DETACHED, ea.state(), "the reset unlinked A");
        assertFalse(eb.holdsStop());
    }

    @Test
    @DisplayName("R-STOP-3: a controller's RESUME after the callbacks returned STOP means the task does not sleep")
    void R_STOP_3_aResumeAfterTheCallbacksReturnedMeansTheTaskDoesNotSleep() {
        // Regression for the stale task-wide ENGINE_STOP bit (fixed in 3eac78a): control(RESUME) on a
        // task not yet stopped clears only the engine's bit; utrace_stop must not park it anyway.
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        attach(t, b, SYSCALL_ENTRY); // attached first: called last at syscall entry
        Engine ea = attach(t, a, SYSCALL_ENTRY);
        a.onSyscallEntry = (action, unused) -> ResumeAction.STOP.code();
        AtomicReference<Outcome> resume = new AtomicReference<>();
        b.during = (c, engine) -> {
            if (resume.get() == null) resume.set(utrace.control(t, ea, ResumeAction.RESUME)); // after A said STOP
            return null;
        };
        Tracee tr = tracee(t);
        Thread th = start("tracee", () -> tr.syscall(1));
        try {
            await("the syscall finished without a stop nobody holds", () -> !th.isAlive());
        } finally {
            if (th.isAlive()) {
                boolean holds = ea.holdsStop();
                boolean stopped = t.utraceStopped;
                Tracee.kill(t, core.hooks()); // free the parked thread
                join(th);
                org.junit.jupiter.api.Assertions.fail("stuck: utrace-stopped=" + stopped + ", A holds a stop=" + holds);
            }
        }
        assertEquals(Outcome.DONE, resume.get());
        assertFalse(ea.holdsStop());
        assertFalse(t.utraceStopped);
        assertEquals(List.of(1L), tr.ran);
    }

    @Test
    @DisplayName("R-STOP-4: report on a stopped task waits for the others then reports before user mode")
    void R_STOP_4_reportOnAStoppedTaskWaitsForTheOthersThenReportsBeforeUserMode() {
        FakeTask t = newTask();
        SigRec a = sigRec("A");
        Rec b = rec("B");
        Engine ea = attach(t, a, QUIESCE | Event.SIGNAL.bit());
        Engine eb = attach(t, b, EXEC);
        a.quiesce = ev -> ev == null ? ResumeAction.STOP : ResumeAction.RESUME;
        Thread th = holdStopped(t, ea, eb);
        a.quiesce = ev -> ResumeAction.RESUME;
        log.clear();
        assertEquals(Outcome.DONE, utrace.control(t, ea, ResumeAction.INTERRUPT));
        assertFalse(ea.holdsStop(), "A's own stop is released");
        assertTrue(t.utraceStopped, "B still holds the task");
        assertTrue(log.isEmpty(), log::toString);
        assertEquals(Outcome.DONE, utrace.control(t, eb, ResumeAction.RESUME));
        join(th);
        assertEquals(1, log.size(), log::toString);
        assertTrue(log.get(0).startsWith("A.signal(REPORT"), log::toString);
    }

    @Test
    @DisplayName("R-STOP-5: syscall entry stops at once before the syscall runs")
    void R_STOP_5_syscallEntryStopsAtOnceBeforeTheSyscallRuns() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, SYSCALL_ENTRY);
        a.onSyscallEntry = (action, unused) -> ResumeAction.STOP.code();
        Tracee tr = tracee(t);
        Thread th = start("tracee", () -> tr.syscall(2));
        await("stopped", () -> t.utraceStopped);
        assertTrue(tr.ran.isEmpty(), "the syscall has not run");
        assertFalse(t.notifyResume, "not deferred to a resume point");
        a.onSyscallEntry = (action, unused) -> ResumeAction.RESUME.code();
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME));
        join(th);
        assertEquals(List.of(2L), tr.ran);
    }

    @Test
    @DisplayName("R-STOP-5: exit stops at once before teardown")
    void R_STOP_5_exitStopsAtOnceBeforeTeardown() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXIT | DEATH);
        a.onExit = ResumeAction.STOP;
        Thread th = start("tracee", () -> tracee(t).exit(0));
        await("stopped", () -> t.utraceStopped);
        assertEquals(TaskState.EXITING, t.state, "stopped inside the exit hook, not yet a zombie");
        assertEquals(List.of("A.exit"), log);
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME));
        join(th);
        assertEquals(List.of("A.exit", "A.death"), log);
    }

    @Test
    @DisplayName("R-STOP-5: the vfork stop comes before the vfork wait")
    void R_STOP_5_theVforkStopComesBeforeTheVforkWait() {
        FakeTask t = newTask();
        FakeTask child = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, Event.CLONE.bit());
        a.onClone = ResumeAction.STOP;
        join(start("parent", () -> core.hooks().clone(t, CloneFlags.CLONE_VFORK, child)));
        assertFalse(t.utraceStopped, "not inside the clone hook");
        Thread vf = start("parent", () -> core.hooks().finishVfork(t));
        await("stopped before the vfork wait", () -> t.utraceStopped);
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME));
        join(vf);
    }

    @Test
    @DisplayName("R-STOP-5, R-ACT-6: exec stops are deferred to the resume point")
    void R_STOP_5_execStopsAreDeferredToTheResumePoint_R_ACT_6() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC | QUIESCE);
        a.onExec = ResumeAction.STOP;
        a.quiesce = ev -> ev == null ? ResumeAction.STOP : ResumeAction.RESUME;
        core.hooks().exec(t, "sim", new dev.utrace.api.task.ExecInfo("x", List.of("x"), "sim")); // returns: no stop here
        assertFalse(t.utraceStopped);
        assertTrue(t.notifyResume, "a REPORT is owed at the resume point");
        Thread th = start("tracee", () -> tracee(t).returnToUser());
        await("stopped at the resume point", () -> t.utraceStopped);
        assertEquals(List.of("A.quiesce(EXEC)", "A.exec", "A.quiesce(0)"), log);
        a.quiesce = ev -> ResumeAction.RESUME;
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME));
        join(th);
    }

    @Test
    @DisplayName("R-STOP-6: sigkill wakes a stopped task aborts the syscall and the last reports still come")
    void R_STOP_6_sigkillWakesAStoppedTaskAbortsTheSyscallAndTheLastReportsStillCome() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, SYSCALL_ENTRY | EXIT | DEATH | REAP);
        a.onSyscallEntry = (action, unused) -> ResumeAction.STOP.code();
        a.onExit = ResumeAction.STOP; // cannot hold a task with SIGKILL pending
        Tracee tr = tracee(t);
        AtomicReference<Boolean> ran = new AtomicReference<>();
        Thread th = start("tracee", () -> {
            ran.set(tr.syscall(3));
            tr.exit(9); // SIGKILL: the task dies
        });
        await("stopped at syscall entry", () -> t.utraceStopped);
        Tracee.kill(t, core.hooks());
        join(th);
        assertEquals(Boolean.FALSE, ran.get(), "the syscall was aborted");
        assertTrue(tr.ran.isEmpty(), "no syscall (and no user code) ran");
        assertEquals(List.of("A.syscallEntry", "A.exit", "A.death"), log,
                "EXIT and DEATH reach the engine that held the stop; STOP from report_exit did not hold it");
        Tracee.reap(t, core.hooks());
        assertEquals(List.of("A.syscallEntry", "A.exit", "A.death", "A.reap"), log);
        assertEquals(EngineState.DETACHED, e.state());
    }

    @Test
    @DisplayName("R-STOP-6: sigkill cannot be held by any number of stops")
    void R_STOP_6_sigkillCannotBeHeldByAnyNumberOfStops() {
        FakeTask t = newTask();
        Engine a = attach(t, rec("A"), EXEC);
        Engine b = attach(t, rec("B"), EXEC);
        Thread th = holdStopped(t, a, b);
        Tracee.kill(t, core.hooks());
        join(th);
        assertTrue(a.holdsStop() && b.holdsStop(), "both still hold stops");
        assertFalse(t.utraceStopped);
    }

    @Test
    @DisplayName("R-STOP-7: a stopping engine does not delay the others and stops parent and child without blocking")
    void R_STOP_7_aStoppingEngineDoesNotDelayTheOthersAndStopsParentAndChildWithoutBlocking() {
        FakeTask parent = newTask();
        FakeTask child = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        Engine ea = attach(parent, a, Event.CLONE.bit() | QUIESCE);
        attach(parent, b, Event.CLONE.bit());
        Rec cr = rec("C");
        AtomicReference<Engine> childEngine = new AtomicReference<>();
        AtomicReference<Outcome> childStop = new AtomicReference<>();
        a.during = (c, engine) -> {
            if (c.equals("clone")) {
                // Instead of blocking in report_clone: attach to the child and STOP it...
                Engine ce = utrace.attach(child, AttachFlags.CREATE, cr, null).engine();
                childEngine.set(ce);
                childStop.set(utrace.control(child, ce, ResumeAction.STOP));
            }
            return null;
        };
        a.onClone = ResumeAction.STOP; // ...and STOP the parent
        a.quiesce = ev -> ev == null ? ResumeAction.STOP : ResumeAction.RESUME;
        core.hooks().clone(parent, 0, child); // returns: nothing blocks inside the callbacks
        assertEquals(List.of("A.quiesce(CLONE)", "A.clone", "B.clone"), log, "B is not delayed by A's stop");
        assertEquals(Outcome.IN_PROGRESS, childStop.get());
        Thread p = start("parent", () -> tracee(parent).returnToUser());
        Thread c = start("child", () -> tracee(child).returnToUser()); // the child's first return to user
        await("parent stopped", () -> parent.utraceStopped);
        await("child stopped before user mode", () -> child.utraceStopped);
        a.quiesce = ev -> ResumeAction.RESUME;
        assertEquals(Outcome.DONE, utrace.control(parent, ea, ResumeAction.RESUME));
        assertEquals(Outcome.DONE, utrace.control(child, childEngine.get(), ResumeAction.RESUME));
        join(p);
        join(c);
    }
}
