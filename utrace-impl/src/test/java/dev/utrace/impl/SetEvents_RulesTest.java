package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineState;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Section 6: {@code utrace_set_events} (R-SET-1..9). */
class SetEvents_RulesTest extends CoreFixture {

    /** A quiesce answer that keeps a requested stop once (at the first resume-point report), then resumes. */
    static java.util.function.Function<Event, ResumeAction> stopOnce() {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        return ev -> ev == null && done.compareAndSet(false, true) ? ResumeAction.STOP : ResumeAction.RESUME;
    }

    @Test
    @DisplayName("R-SET-1: the engine stop bit in events is ignored")
    void R_SET_1_theEngineStopBitInEventsIsIgnored() {
        FakeTask t = newTask();
        Engine e = attach(t, rec("A"), EXEC);
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, EXEC | Bits.ENGINE_STOP));
        assertFalse(e.holdsStop(), "setEvents cannot set the stop bit");
        assertEquals(EXEC, e.events());

        Thread th = holdStopped(t, e);
        assertTrue(e.holdsStop());
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, QUIESCE));
        assertTrue(e.holdsStop(), "setEvents cannot clear the stop bit either");
        assertTrue(t.utraceStopped);
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME));
        join(th);
    }

    @Test
    @DisplayName("R-SET-2: gone for a marked or fully detached engine")
    void R_SET_2_goneForAMarkedOrFullyDetachedEngine() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC);
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH), "running, no callback in flight");
        assertEquals(EngineState.DETACHING, e.state());
        assertEquals(Outcome.GONE, utrace.setEvents(t, e, EXEC | QUIESCE), "marked detached");
        tracee(t).returnToUser();
        assertEquals(EngineState.DETACHED, e.state());
        assertEquals(Outcome.GONE, utrace.setEvents(t, e, EXEC), "fully detached");
        assertEquals(Outcome.GONE, utrace.setEvents(t, e, 0));
        assertTrue(log.isEmpty(), "no callback reached the detached engine: " + log);
    }

    @Test
    @DisplayName("R-SET-2, OQ-2: gone once the reap has begun even to clear reap")
    void R_SET_2_goneOnceTheReapHasBegunEvenToClearReap_OQ_2() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, REAP);
        AtomicReference<Outcome> inReap = new AtomicReference<>();
        a.during = (c, engine) -> {
            if (c.equals("reap")) inReap.set(utrace.setEvents(t, engine, 0));
            return null;
        };
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(Outcome.GONE, inReap.get(), "clearing REAP after report_reap began");
        assertEquals(Outcome.GONE, utrace.setEvents(t, e, REAP));
    }

    @Test
    @DisplayName("R-SET-3, R-REAP-1: setting the same DEATH mask after the death report leaves the reap its teardown (found by the ptrace detach-vs-kill race)")
    void R_SET_3_sameDeathMaskAfterTheDeathReportStillReaps() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, DEATH | QUIESCE | REAP);
        new Tracee(t, core.hooks()).exit(0); // the death report ran and returned RESUME
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, DEATH | QUIESCE | REAP), "nothing new is asked for");
        e.put(); // only the attached reference is left
        Tracee.reap(t, core.hooks());
        assertTrue(log.contains("A.reap"), "report_reap comes: " + log);
        assertEquals(EngineState.DETACHED, e.state());
        assertEquals(1, a.releases.get(), "the reap dropped the attached reference and release ran");
    }

    @Test
    @DisplayName("R-SET-3(a): clearing death or quiesce during the death report is already")
    void R_SET_3a_clearingDeathOrQuiesceDuringTheDeathReportIsAlready() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, DEATH | QUIESCE | REAP);
        AtomicReference<Outcome> clearDeath = new AtomicReference<>();
        AtomicReference<Outcome> clearQuiesce = new AtomicReference<>();
        AtomicReference<Outcome> disable = new AtomicReference<>();
        a.during = (c, engine) -> {
            if (c.equals("death")) {
                clearDeath.set(utrace.setEvents(t, engine, QUIESCE | REAP));
                clearQuiesce.set(utrace.setEvents(t, engine, DEATH | REAP));
                disable.set(utrace.setEvents(t, engine, 0));
            }
            return null;
        };
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(Outcome.ALREADY, clearDeath.get());
        assertEquals(Outcome.ALREADY, clearQuiesce.get());
        assertEquals(Outcome.ALREADY, disable.get(), "R-SET-7: disabling during the death report");
        assertEquals(List.of("A.quiesce(DEATH)", "A.death", "A.reap"), log,
                "nothing changed: the reap still came, since REAP was never cleared");
    }

    @Test
    @DisplayName("R-SET-3(b): newly setting death or quiesce on a dead task is already but reap is allowed")
    void R_SET_3b_newlySettingDeathOrQuiesceOnADeadTaskIsAlreadyButReapIsAllowed() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, REAP);
        tracee(t).exit(0); // a zombie; no death report, nobody wanted it
        assertEquals(Outcome.ALREADY, utrace.setEvents(t, e, REAP | DEATH));
        assertEquals(Outcome.ALREADY, utrace.setEvents(t, e, REAP | QUIESCE));
        assertEquals(REAP, e.events(), "nothing changed");
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, REAP | EXEC), "only DEATH/QUIESCE are refused");
        Tracee.reap(t, core.hooks());
        assertEquals(List.of("A.reap"), log);
    }

    @Test
    @DisplayName("R-SET-4: the engine mask is replaced but the task union is only widened")
    void R_SET_4_theEngineMaskIsReplacedButTheTaskUnionIsOnlyWidened() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC | Event.SYSCALL_ENTRY.bit());
        UtraceTask u = Hooks.utraceOf(t);
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, EXEC));
        assertEquals(EXEC, e.events(), "the engine's mask is exactly the new events");
        assertTrue(Event.SYSCALL_ENTRY.in(u.flags), "utrace_flags is never narrowed by set_events");
        assertTrue(Event.EXEC.in(u.flags));
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, EXEC | Event.SYSCALL_EXIT.bit()));
        assertTrue(Event.SYSCALL_EXIT.in(u.flags), "ORed in");
        tracee(t).syscall(39);
        assertEquals(List.of("A.syscallExit"), log, "a syscall bit turns on the syscall hooks; the cleared entry bit is not reported");
    }

    @Test
    @DisplayName("R-SET-5: adding bits never in progress removing while its callback runs is")
    void R_SET_5_addingBitsNeverInProgressRemovingWhileItsCallbackRunsIs() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC);
        CountDownLatch inCallback = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        a.during = (c, engine) -> {
            if (c.equals("exec")) {
                inCallback.countDown();
                awaitLatch(goOn);
            }
            return null;
        };
        Thread th = start("tracee", () -> tracee(t).exec("x"));
        awaitLatch(inCallback);
        try {
            assertEquals(Outcome.DONE, utrace.setEvents(t, e, EXEC | QUIESCE | REAP), "only adding bits");
            assertEquals(Outcome.IN_PROGRESS, utrace.setEvents(t, e, EXEC), "removing while reporting == engine");
        } finally {
            goOn.countDown();
        }
        join(th);
    }

    @Test
    @DisplayName("R-SET-5: not in progress for current or a stopped task or another engines callback")
    void R_SET_5_notInProgressForCurrentOrAStoppedTaskOrAnotherEnginesCallback() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        Engine ea = attach(t, a, EXEC | QUIESCE);
        Engine eb = attach(t, b, EXEC);
        AtomicReference<Outcome> self = new AtomicReference<>();
        a.during = (c, engine) -> {
            if (c.equals("exec")) self.set(utrace.setEvents(t, engine, QUIESCE));
            return null;
        };
        CountDownLatch inB = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        b.during = (c, engine) -> {
            inB.countDown();
            awaitLatch(goOn);
            return null;
        };
        Thread th = start("tracee", () -> tracee(t).exec("x"));
        awaitLatch(inB);
        try {
            assertEquals(Outcome.DONE, self.get(), "on current (from its own callback): never IN_PROGRESS");
            assertEquals(Outcome.DONE, utrace.setEvents(t, ea, 0), "B's callback runs, not A's");
        } finally {
            goOn.countDown();
        }
        join(th);

        Thread st = holdStopped(t, eb);
        assertEquals(Outcome.DONE, utrace.setEvents(t, eb, 0), "the task is stopped");
        assertEquals(Outcome.DONE, utrace.control(t, eb, ResumeAction.RESUME));
        join(st);
    }

    @Test
    @DisplayName("R-SET-6: after done on a running task no disabled callback starts")
    void R_SET_6_afterDoneOnARunningTaskNoDisabledCallbackStarts() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC | Event.SYSCALL_EXIT.bit());
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, Event.SYSCALL_EXIT.bit()));
        tracee(t).exec("x");
        tracee(t).syscall(1);
        assertEquals(List.of("A.syscallExit"), log);
    }

    @Test
    @DisplayName("R-SET-6: after in progress a barrier or a repeated call confirms the old callback finished")
    void R_SET_6_afterInProgressABarrierOrARepeatedCallConfirmsTheOldCallbackFinished() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC);
        CountDownLatch inCallback = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        a.during = (c, engine) -> {
            inCallback.countDown();
            awaitLatch(goOn);
            log.add("A.exec.end");
            return null;
        };
        Thread th = start("tracee", () -> tracee(t).exec("x"));
        awaitLatch(inCallback);
        assertEquals(Outcome.IN_PROGRESS, utrace.setEvents(t, e, 0));
        AtomicReference<List<String>> seenByBarrier = new AtomicReference<>();
        Thread b = start("barrier", () -> {
            assertEquals(Outcome.DONE, utrace.barrier(t, e));
            seenByBarrier.set(List.copyOf(log));
        });
        assertEquals(null, seenByBarrier.get(), "the barrier cannot return while the old callback runs");
        goOn.countDown();
        join(b);
        join(th);
        assertTrue(seenByBarrier.get().contains("A.exec.end"), "the old callback had finished: " + seenByBarrier.get());
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, 0), "a later 0 also means the old callbacks finished");
        log.clear();
        tracee(t).exec("y");
        assertTrue(log.isEmpty(), "no callback outside the new mask: " + log);
    }

    @Test
    @DisplayName("R-SET-6: on a stopped task no callback outside the new mask after resume")
    void R_SET_6_onAStoppedTaskNoCallbackOutsideTheNewMaskAfterResume() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC | QUIESCE);
        a.quiesce = stopOnce();
        Thread th = holdStopped(t, e);
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, EXEC));
        log.clear();
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME));
        join(th);
        tracee(t).exec("x");
        assertEquals(List.of("A.exec"), log, "no quiesce callbacks any more");
    }

    @Test
    @DisplayName("R-SET-7: disabling keeps the engine attached and the task stopped and reap is silent")
    void R_SET_7_disablingKeepsTheEngineAttachedAndTheTaskStoppedAndReapIsSilent() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC | QUIESCE | REAP);
        a.quiesce = stopOnce();
        Thread th = holdStopped(t, e);
        log.clear();
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, 0));
        assertTrue(t.utraceStopped, "set_events(0) does not resume a stopped task");
        assertTrue(e.holdsStop());
        assertEquals(EngineState.ATTACHED, e.state());
        assertEquals(2, e.refCount(), "the attached reference is kept");
        Engine found = utrace.attach(t, AttachFlags.MATCH_OPS, a, null).engine();
        assertSame(e, found, "still found by lookups");
        found.put();
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME), "RESUME lets it go");
        join(th);
        e.put();
        tracee(t).exec("x");
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(List.of("A.release"), log, "no callbacks, not even report_reap; release at the silent teardown");
        assertEquals(1, a.releases.get());
    }

    @Test
    @DisplayName("R-SET-8, OQ-5: enabling quiesce on a stopped task gives a quiesce report when it resumes")
    void R_SET_8_OQ_5_enablingQuiesceOnAStoppedTaskGivesAQuiesceReportWhenItResumes() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC); // no QUIESCE: the stop itself makes no callbacks
        Thread th = holdStopped(t, e);
        assertTrue(log.isEmpty(), log::toString);
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, EXEC | QUIESCE));
        assertTrue(log.isEmpty(), "not before it resumes");
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME));
        join(th);
        assertEquals(List.of("A.quiesce(0)"), log);
    }

    @Test
    @DisplayName("R-SET-9: by pid gone for an unknown pid otherwise the same")
    void R_SET_9_byPidGoneForAnUnknownPidOtherwiseTheSame() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, 0);
        assertEquals(Outcome.GONE, utrace.setEvents(99_999, e, EXEC));
        assertEquals(0, e.events(), "nothing changed");
        assertEquals(Outcome.DONE, utrace.setEvents(t.tid, e, EXEC));
        assertEquals(EXEC, e.events());
        tracee(t).exec("x");
        assertEquals(List.of("A.exec"), log);
        Tracee.exitAndReap(t, core.hooks());
        tasks.remove(t.tid);
        assertEquals(Outcome.GONE, utrace.setEvents(t.tid, e, EXEC), "the task is gone");
    }
}
