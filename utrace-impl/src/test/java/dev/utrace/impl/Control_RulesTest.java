package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineState;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.spi.StepMode;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Section 7: {@code utrace_control} (R-CTL-*). */
class Control_RulesTest extends CoreFixture {

    // ---- STOP ---------------------------------------------------------------------------

    @Test
    @DisplayName("R-CTL-STOP: on a running task is in progress and the task stops at its next report")
    void R_CTL_STOP_onARunningTaskIsInProgressAndTheTaskStopsAtItsNextReport() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, QUIESCE);
        a.quiesce = ev -> ResumeAction.STOP; // "it should return STOP to keep the task stopped"
        assertEquals(Outcome.IN_PROGRESS, utrace.control(t, e, ResumeAction.STOP));
        assertTrue(e.holdsStop());
        assertFalse(t.utraceStopped, "not stopped yet: it is running");
        assertTrue(t.notifyResume, "a report was requested");
        Thread th = start("tracee", () -> tracee(t).returnToUser());
        await("stopped", () -> t.utraceStopped);
        assertEquals(List.of("A.quiesce(0)"), log);
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.STOP), "already utrace-stopped: 0");
        a.quiesce = ev -> ResumeAction.RESUME;
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME));
        join(th);
    }

    @Test
    @DisplayName("R-CTL-STOP: adopts a job control stop and holds the task when it continues")
    void R_CTL_STOP_adoptsAJobControlStopAndHoldsTheTaskWhenItContinues() {
        FakeTask t = newTask();
        Engine e = attach(t, rec("A"), EXEC);
        t.jobStopped = true;
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.STOP), "a job-control stop is adopted");
        assertTrue(t.utraceStopped, "it now counts as utrace-stopped");
        assertTrue(Hooks.utraceOf(t).stopped);
        // SIGCONT: the job-control stop ends, but the engine's stop holds the task in the core.
        t.jobStopped = false;
        AtomicReference<Boolean> returned = new AtomicReference<>();
        Thread th = start("tracee", () -> {
            core.hooks().finishJobControlStop(t);
            returned.set(true);
        });
        await("the tracee parks in the core", () -> th.getState() == Thread.State.WAITING);
        assertNull(returned.get(), "held while the engine keeps its stop");
        assertTrue(t.utraceStopped);
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME));
        join(th);
        assertFalse(t.utraceStopped);
    }

    // ---- RESUME -------------------------------------------------------------------------

    @Test
    @DisplayName("R-CTL-RESUME: wakes only when no engine holds a stop")
    void R_CTL_RESUME_wakesOnlyWhenNoEngineHoldsAStop() {
        FakeTask t = newTask();
        Engine a = attach(t, rec("A"), EXEC);
        Engine b = attach(t, rec("B"), EXEC);
        Thread th = holdStopped(t, a, b);
        assertEquals(Outcome.DONE, utrace.control(t, a, ResumeAction.RESUME));
        assertFalse(a.holdsStop());
        assertTrue(b.holdsStop());
        assertTrue(t.utraceStopped, "B still holds it");
        assertTrue(th.isAlive());
        assertEquals(Outcome.DONE, utrace.control(t, b, ResumeAction.RESUME));
        join(th);
        assertFalse(t.utraceStopped);
        assertTrue(log.isEmpty(), "neither has QUIESCE: no callbacks " + log);
    }

    @Test
    @DisplayName("R-CTL-RESUME: on a running task has no effect")
    void R_CTL_RESUME_onARunningTaskHasNoEffect() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, QUIESCE | EXEC);
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME));
        assertFalse(t.notifyResume, "no report requested");
        assertFalse(t.signalCheck);
        tracee(t).returnToUser();
        assertTrue(log.isEmpty(), log::toString);
    }

    // ---- REPORT -------------------------------------------------------------------------

    @Test
    @DisplayName("R-CTL-REPORT: needs quiesce and gives a quiesce report before user mode")
    void R_CTL_REPORT_needsQuiesceAndGivesAQuiesceReportBeforeUserMode() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC);
        assertEquals(Outcome.INVALID, utrace.control(t, e, ResumeAction.REPORT), "no QUIESCE (check 2)");
        assertFalse(t.notifyResume);
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, EXEC | QUIESCE));
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.REPORT));
        assertTrue(t.notifyResume);
        tracee(t).returnToUser();
        assertEquals(List.of("A.quiesce(0)"), log);
    }

    @Test
    @DisplayName("R-CTL-REPORT: on a stopped task releases this stop and reports once others let go")
    void R_CTL_REPORT_onAStoppedTaskReleasesThisStopAndReportsOnceOthersLetGo() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine ea = attach(t, a, QUIESCE);
        Engine eb = attach(t, rec("B"), EXEC);
        a.quiesce = ev -> ResumeAction.STOP;
        Thread th = holdStopped(t, ea, eb);
        a.quiesce = ev -> ResumeAction.RESUME;
        log.clear();
        assertEquals(Outcome.DONE, utrace.control(t, ea, ResumeAction.REPORT));
        assertFalse(ea.holdsStop(), "like RESUME: A's stop is released");
        assertTrue(t.utraceStopped, "B still holds the task");
        assertTrue(log.isEmpty(), "the report waits until the task can run: " + log);
        assertEquals(Outcome.DONE, utrace.control(t, eb, ResumeAction.RESUME));
        join(th);
        assertEquals(List.of("A.quiesce(0)"), log, "the report came before the return to user mode");
    }

    // ---- INTERRUPT ----------------------------------------------------------------------

    @Test
    @DisplayName("R-CTL-INTERRUPT, OQ-7: accepted without quiesce and breaks a wait once")
    void R_CTL_INTERRUPT_OQ_7_acceptedWithoutQuiesceAndBreaksAWaitOnce() {
        FakeTask t = newTask();
        Engine e = attach(t, rec("A"), EXEC);
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.INTERRUPT), "not refused without QUIESCE");
        assertTrue(t.signalCheck, "TIF_SIGPENDING");
        assertEquals(1, t.signalWakeUps, "running: a signal wake-up breaks an interruptible wait");
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.INTERRUPT));
        assertEquals(1, t.signalWakeUps, "resume is already INTERRUPT: nothing more happens");
    }

    @Test
    @DisplayName("R-CTL-INTERRUPT: gives a signal report before user mode")
    void R_CTL_INTERRUPT_givesASignalReportBeforeUserMode() {
        FakeTask t = newTask();
        SigRec a = sigRec("A");
        Engine e = attach(t, a, QUIESCE | Event.SIGNAL.bit());
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.INTERRUPT));
        tracee(t).returnToUser();
        assertEquals(1, log.size(), log::toString);
        assertTrue(log.get(0).startsWith("A.signal(REPORT"), log::toString);
    }

    @Test
    @DisplayName("R-CTL-INTERRUPT: an engine without report signal gets quiesce instead")
    void R_CTL_INTERRUPT_anEngineWithoutReportSignalGetsQuiesceInstead() {
        FakeTask t = newTask();
        Rec a = rec("A"); // no reportSignal
        Engine e = attach(t, a, QUIESCE);
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.INTERRUPT));
        tracee(t).returnToUser();
        assertEquals(List.of("A.quiesce(0)"), log);
    }

    @Test
    @DisplayName("R-CTL-INTERRUPT: on a stopped task sets sigpending without a wake up and reports after waking")
    void R_CTL_INTERRUPT_onAStoppedTaskSetsSigpendingWithoutAWakeUpAndReportsAfterWaking() {
        FakeTask t = newTask();
        SigRec a = sigRec("A");
        Engine e = attach(t, a, QUIESCE | Event.SIGNAL.bit());
        a.quiesce = ev -> ResumeAction.STOP;
        Thread th = holdStopped(t, e);
        a.quiesce = ev -> ResumeAction.RESUME;
        log.clear();
        int wakeUps = t.signalWakeUps;
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.INTERRUPT));
        assertFalse(e.holdsStop());
        assertEquals(wakeUps, t.signalWakeUps, "stopped: only TIF_SIGPENDING, no signal wake-up");
        join(th);
        assertEquals(1, log.size(), log::toString);
        assertTrue(log.get(0).startsWith("A.signal(REPORT"), log::toString);
    }

    // ---- SINGLESTEP / BLOCKSTEP ---------------------------------------------------------

    @Test
    @DisplayName("R-CTL-SINGLESTEP: needs quiesce and steps at the resume point")
    void R_CTL_SINGLESTEP_needsQuiesceAndStepsAtTheResumePoint() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC);
        assertEquals(Outcome.INVALID, utrace.control(t, e, ResumeAction.SINGLESTEP));
        assertEquals(Outcome.INVALID, utrace.control(t, e, ResumeAction.BLOCKSTEP));
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, QUIESCE));
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.SINGLESTEP));
        tracee(t).returnToUser();
        assertEquals(StepMode.SINGLE, t.stepping);
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME));
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.REPORT));
        tracee(t).returnToUser();
        assertEquals(StepMode.NONE, t.stepping, "REPORT/RESUME as the final action turn stepping off");
    }

    @Test
    @DisplayName("R-CTL-SINGLESTEP: on a machine that cannot step is not supported")
    void R_CTL_SINGLESTEP_onAMachineThatCannotStepIsNotSupported() {
        canStep = false;
        FakeTask t = newTask();
        Engine e = attach(t, rec("A"), QUIESCE);
        assertEquals(Outcome.NOT_SUPPORTED, utrace.control(t, e, ResumeAction.SINGLESTEP));
        assertEquals(Outcome.NOT_SUPPORTED, utrace.control(t, e, ResumeAction.BLOCKSTEP),
                "BLOCKSTEP falls back to SINGLESTEP, which is not there either");
        assertFalse(t.notifyResume, "nothing requested");
    }

    @Test
    @DisplayName("R-CTL-SINGLESTEP/BLOCKSTEP: without block step support single steps a stopped task")
    void R_CTL_SINGLESTEP_BLOCKSTEP_withoutBlockStepSupportSingleStepsAStoppedTask() {
        FakeTask t = newTask(); // the fixture's machine cannot block-step
        Rec a = rec("A");
        Engine e = attach(t, a, QUIESCE);
        a.quiesce = ev -> ResumeAction.STOP;
        Thread th = holdStopped(t, e);
        a.quiesce = ev -> ResumeAction.RESUME;
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.BLOCKSTEP));
        assertFalse(e.holdsStop(), "like REPORT: the stop is released");
        join(th);
        assertEquals(StepMode.SINGLE, t.stepping, "BLOCKSTEP is treated as SINGLESTEP");
    }

    // ---- DETACH -------------------------------------------------------------------------

    @Test
    @DisplayName("R-CTL-DETACH: on stopped task is immediate")
    void R_CTL_DETACH_onStoppedTaskIsImmediate() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC | QUIESCE | REAP);
        a.quiesce = ev -> ResumeAction.STOP;
        Thread th = holdStopped(t, e);
        log.clear();
        assertEquals(2, e.refCount());
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH));
        assertEquals(EngineState.DETACHED, e.state(), "unlinked at once");
        assertEquals(1, e.refCount(), "the attached reference is put at once");
        join(th); // it woke: nothing else holds it
        assertEquals(Outcome.GONE, utrace.control(t, e, ResumeAction.RESUME));
        assertEquals(Outcome.GONE, utrace.control(t, e, ResumeAction.DETACH));
        assertEquals(Outcome.GONE, utrace.setEvents(t, e, EXEC));
        assertEquals(Outcome.GONE, utrace.barrier(t, e));
        tracee(t).exec("x");
        Tracee.exitAndReap(t, core.hooks());
        assertTrue(log.isEmpty(), "no further callbacks: " + log);
        e.put();
        assertEquals(List.of("A.release"), log);
    }

    @Test
    @DisplayName("R-CTL-DETACH: releases only its own stop")
    void R_CTL_DETACH_releasesOnlyItsOwnStop() {
        FakeTask t = newTask();
        Engine a = attach(t, rec("A"), EXEC);
        Engine b = attach(t, rec("B"), EXEC);
        Thread th = holdStopped(t, a, b);
        assertEquals(Outcome.DONE, utrace.control(t, a, ResumeAction.DETACH));
        assertTrue(t.utraceStopped, "B still holds it");
        assertTrue(b.holdsStop());
        assertEquals(Outcome.DONE, utrace.control(t, b, ResumeAction.DETACH));
        join(th);
        assertEquals(1, a.refCount());
        assertEquals(1, b.refCount());
    }

    @Test
    @DisplayName("R-CTL-DETACH: on a running task marks and cleans up at the next report point")
    void R_CTL_DETACH_onARunningTaskMarksAndCleansUpAtTheNextReportPoint() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC);
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH), "no callback of A in flight");
        assertEquals(EngineState.DETACHING, e.state());
        assertEquals(2, e.refCount());
        assertTrue(t.notifyResume, "a report is requested so the task soon cleans up");
        tracee(t).returnToUser();
        assertEquals(EngineState.DETACHED, e.state());
        assertEquals(1, e.refCount());
        tracee(t).exec("x");
        assertTrue(log.isEmpty(), log::toString);
    }

    @Test
    @DisplayName("R-CTL-DETACH, OQ-10: the quiesce check comes before the detached check")
    void R_CTL_DETACH_OQ_10_theQuiesceCheckComesBeforeTheDetachedCheck() {
        FakeTask t = newTask();
        Engine marked = attach(t, rec("A"), EXEC);
        Engine reaped = attach(t, rec("B"), QUIESCE);
        assertEquals(Outcome.DONE, utrace.control(t, marked, ResumeAction.DETACH));
        tracee(t).returnToUser();
        assertEquals(EngineState.DETACHED, marked.state());
        assertEquals(Outcome.GONE, utrace.control(t, marked, ResumeAction.REPORT),
                "detached by DETACH: flags are QUIESCE, so check 3 answers");
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(Outcome.INVALID, utrace.control(t, reaped, ResumeAction.REPORT), "torn down by the reap: flags 0");
        assertEquals(Outcome.INVALID, utrace.control(t, reaped, ResumeAction.SINGLESTEP));
        assertEquals(Outcome.GONE, utrace.control(t, reaped, ResumeAction.INTERRUPT), "not checked for QUIESCE");
        assertEquals(Outcome.GONE, utrace.control(t, reaped, ResumeAction.DETACH));
    }

    // ---- R-CTL-3: dead tasks ------------------------------------------------------------

    @Test
    @DisplayName("R-CTL-3: during the death report detach is already and the reap still comes")
    void R_CTL_3_duringTheDeathReportDetachIsAlreadyAndTheReapStillComes() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, DEATH | REAP);
        CountDownLatch inDeath = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        a.during = (c, engine) -> {
            if (c.equals("death")) {
                inDeath.countDown();
                awaitLatch(goOn);
            }
            return null;
        };
        Thread th = start("dying", () -> tracee(t).exit(0));
        awaitLatch(inDeath);
        try {
            assertEquals(Outcome.ALREADY, utrace.control(t, e, ResumeAction.DETACH));
            assertEquals(Outcome.GONE, utrace.control(t, e, ResumeAction.RESUME), "any other action on a dead task");
            assertEquals(Outcome.GONE, utrace.control(t, e, ResumeAction.STOP));
            assertEquals(EngineState.ATTACHED, e.state(), "not detached by the ALREADY call");
        } finally {
            goOn.countDown();
        }
        join(th);
        Tracee.reap(t, core.hooks());
        assertEquals(List.of("A.death", "A.reap"), log);
        assertEquals(Outcome.GONE, utrace.control(t, e, ResumeAction.DETACH), "after the reap");
    }

    @Test
    @DisplayName("R-CTL-3: after the death report before the reap detach is done and no reap follows")
    void R_CTL_3_afterTheDeathReportBeforeTheReapDetachIsDoneAndNoReapFollows() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, DEATH | REAP);
        tracee(t).exit(0);
        assertEquals(List.of("A.death"), log);
        assertEquals(Outcome.GONE, utrace.control(t, e, ResumeAction.STOP), "dead: only DETACH is possible");
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH));
        assertEquals(EngineState.DETACHED, e.state());
        assertEquals(1, e.refCount());
        Tracee.reap(t, core.hooks());
        assertEquals(List.of("A.death"), log, "no report_reap");
    }

    @Test
    @DisplayName("R-CTL-3: during the reap detach is gone")
    void R_CTL_3_duringTheReapDetachIsGone() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        attach(t, a, REAP);
        Engine eb = attach(t, b, REAP);
        AtomicReference<Outcome> fromReap = new AtomicReference<>();
        a.during = (c, engine) -> {
            fromReap.set(utrace.control(t, eb, ResumeAction.DETACH));
            return null;
        };
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(Outcome.GONE, fromReap.get(), "the reap has started");
        assertEquals(List.of("A.reap", "B.reap"), log, "B is reaped, not detached");
    }

    // ---- R-CTL-4: the detached stub -----------------------------------------------------

    @Test
    @DisplayName("R-CTL-4: detach while the callback runs is in progress and no new callback follows")
    void R_CTL_4_detachWhileTheCallbackRunsIsInProgressAndNoNewCallbackFollows() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC | Event.SYSCALL_EXIT.bit() | REAP);
        CountDownLatch inExec = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        a.during = (c, engine) -> {
            if (c.equals("exec")) {
                inExec.countDown();
                awaitLatch(goOn);
                log.add("A.exec.end");
            }
            return null;
        };
        Thread th = start("tracee", () -> {
            tracee(t).exec("x");
            tracee(t).syscall(1);
        });
        awaitLatch(inExec);
        AtomicReference<Outcome> barrier = new AtomicReference<>();
        AtomicReference<List<String>> seen = new AtomicReference<>();
        Thread b;
        try {
            assertEquals(Outcome.IN_PROGRESS, utrace.control(t, e, ResumeAction.DETACH), "reporting == engine");
            assertEquals(EngineState.DETACHING, e.state());
            b = start("barrier", () -> {
                barrier.set(utrace.barrier(t, e));
                seen.set(List.copyOf(log));
            });
            assertNull(barrier.get(), "the barrier waits for the callback");
        } finally {
            goOn.countDown();
        }
        join(b);
        join(th);
        assertEquals(Outcome.GONE, barrier.get(), "never DONE after DETACH (R-BAR-5)");
        assertTrue(seen.get().contains("A.exec.end"), seen.get()::toString);
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(List.of("A.exec", "A.exec.end"), log,
                "no syscall-exit or reap callback reaches the real ops after the DETACH");
        assertEquals(EngineState.DETACHED, e.state());
    }

    @Test
    @DisplayName("R-CTL-4: the stub is called even when the old flags lack quiesce")
    void R_CTL_4_theStubIsCalledEvenWhenTheOldFlagsLackQuiesce() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        Engine ea = attach(t, a, EXEC); // no QUIESCE
        attach(t, b, EXEC);
        // Mark A detached while the task is running; the next pass meets the stub.
        assertEquals(Outcome.DONE, utrace.control(t, ea, ResumeAction.DETACH));
        t.notifyResume = false; // skip the resume point: the exec pass itself must clean up
        tracee(t).exec("x");
        assertEquals(List.of("B.exec"), log, "A's real ops are not called");
        assertEquals(EngineState.DETACHED, ea.state(), "the stub's DETACH unlinked it in this pass");
    }

    // ---- R-CTL-5: by pid ----------------------------------------------------------------

    @Test
    @DisplayName("R-CTL-5: by pid gone for an unknown pid and for a detached engine without the task")
    void R_CTL_5_byPidGoneForAnUnknownPidAndForADetachedEngineWithoutTheTask() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, QUIESCE);
        assertEquals(Outcome.GONE, utrace.control(99_999, e, ResumeAction.STOP));
        assertFalse(e.holdsStop());
        assertEquals(Outcome.IN_PROGRESS, utrace.control(t.tid, e, ResumeAction.STOP), "a known pid behaves as control");
        assertTrue(e.holdsStop());
        assertEquals(Outcome.DONE, utrace.control(t.tid, e, ResumeAction.DETACH));
        tracee(t).returnToUser();
        Tracee.exitAndReap(t, core.hooks());
        tasks.remove(t.tid);
        assertEquals(Outcome.GONE, utrace.control(t.tid, e, ResumeAction.DETACH));
        assertEquals(Outcome.GONE, utrace.control(t, e, ResumeAction.RESUME), "detached: GONE without looking at the task");
    }
}
