package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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

/** Section 10: death, reap and detach races (R-REAP-1..4) and who drops the attached reference (R-REF-4). */
class Reap_DeathOrderTest extends CoreFixture {

    @Test
    @DisplayName("R-REAP-1: a reap during the death report waits and runs in the dying thread after death returns")
    void R_REAP_1_aReapDuringTheDeathReportWaitsAndRunsInTheDyingThreadAfterDeathReturns() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        attach(t, a, DEATH | REAP);
        attach(t, b, REAP);
        CountDownLatch inDeath = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        AtomicReference<Thread> reapThreadA = new AtomicReference<>();
        AtomicReference<Thread> reapThreadB = new AtomicReference<>();
        a.during = (c, engine) -> {
            if (c.equals("death")) {
                inDeath.countDown();
                awaitLatch(goOn);
                log.add("A.death.end");
            } else if (c.equals("reap")) {
                reapThreadA.set(Thread.currentThread());
            }
            return null;
        };
        b.during = (c, engine) -> {
            reapThreadB.set(Thread.currentThread());
            return null;
        };
        Thread dying = start("dying", () -> tracee(t).exit(0));
        awaitLatch(inDeath);
        try {
            Tracee.reap(t, core.hooks()); // the parent reaps now, while report_death runs
            assertEquals(List.of("A.death"), log, "the reaper left at once: no report_reap before death returned");
            Engine ea = utrace.attach(t, AttachFlags.MATCH_OPS, a, null).engine();
            assertEquals(Outcome.GONE, utrace.setEvents(t, ea, REAP), "R-SET-2: release_task has begun");
            assertEquals(Outcome.GONE, utrace.control(t, ea, ResumeAction.DETACH), "R-CTL-3: the reap has started");
            ea.put();
        } finally {
            goOn.countDown();
        }
        join(dying);
        assertEquals(List.of("A.death", "A.death.end", "A.reap", "B.reap"), log);
        assertSame(dying, reapThreadA.get(), "the dying thread did the teardown after its death report");
        assertSame(dying, reapThreadB.get());
    }

    @Test
    @DisplayName("R-REAP-1: without a race the reap runs in the reaper after the death report")
    void R_REAP_1_withoutARaceTheReapRunsInTheReaperAfterTheDeathReport() {
        FakeTask t = newTask();
        Rec a = rec("A");
        attach(t, a, DEATH | REAP);
        AtomicReference<Thread> reapThread = new AtomicReference<>();
        a.during = (c, engine) -> {
            if (c.equals("reap")) reapThread.set(Thread.currentThread());
            return null;
        };
        tracee(t).exit(0);
        assertEquals(List.of("A.death"), log);
        Thread reaper = start("reaper", () -> Tracee.reap(t, core.hooks()));
        join(reaper);
        assertEquals(List.of("A.death", "A.reap"), log);
        assertSame(reaper, reapThread.get());
    }

    @Test
    @DisplayName("R-REAP-2: report death returning detach means no report reap")
    void R_REAP_2_reportDeathReturningDetachMeansNoReportReap() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        Engine ea = attach(t, a, DEATH | REAP);
        attach(t, b, DEATH | REAP);
        a.onDeath = e -> ResumeAction.DETACH;
        ea.put();
        tracee(t).exit(0);
        assertEquals(EngineState.DETACHED, ea.state(), "detached at the end of the death report");
        assertEquals(1, a.releases.get(), "its attached reference was dropped then; release ran");
        Tracee.reap(t, core.hooks());
        assertEquals(List.of("A.death", "B.death", "A.release", "B.reap"), log);
    }

    @Test
    @DisplayName("R-REAP-3: once the teardown starts attach and every call fails gone")
    void R_REAP_3_onceTheTeardownStartsAttachAndEveryCallFailsGone() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        Engine ea = attach(t, a, REAP);
        Engine eb = attach(t, b, REAP | EXEC);
        AtomicReference<List<Outcome>> seen = new AtomicReference<>();
        a.during = (c, engine) -> {
            seen.set(List.of(
                    utrace.attach(t, AttachFlags.CREATE, rec("N"), null).outcome(),
                    utrace.attach(t, AttachFlags.MATCH_OPS, b, null).outcome(),
                    utrace.setEvents(t, eb, EXEC),
                    utrace.control(t, eb, ResumeAction.DETACH),
                    utrace.control(t, eb, ResumeAction.STOP)));
            return null;
        };
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(List.of(Outcome.GONE, Outcome.NOT_FOUND, Outcome.GONE, Outcome.GONE, Outcome.GONE), seen.get(),
                "create, lookup, set_events, control(DETACH), control(STOP) during report_reap");
        assertEquals(List.of("A.reap", "B.reap"), log, "B was still reaped");
        assertEquals(Outcome.GONE, utrace.attach(t, AttachFlags.CREATE, rec("N"), null).outcome());
        assertEquals(Outcome.NOT_FOUND, utrace.attach(t, AttachFlags.MATCH_OPS, a, null).outcome());
        assertEquals(Outcome.GONE, utrace.setEvents(t, ea, REAP));
        assertEquals(0, ea.events(), "flags are 0 after the teardown");
    }

    @Test
    @DisplayName("R-REAP-4: report death is the next to last event")
    void R_REAP_4_reportDeathIsTheNextToLastEvent() {
        FakeTask t = newTask();
        Rec a = rec("A");
        attach(t, a, EXEC | EXIT | DEATH | REAP);
        tracee(t).exec("x");
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(List.of("A.exec", "A.exit", "A.death", "A.reap"), log);
    }

    @Test
    @DisplayName("R-REAP-4: an engine attached to a dying task can only get the reap")
    void R_REAP_4_anEngineAttachedToADyingTaskCanOnlyGetTheReap() {
        FakeTask t = newTask();
        tracee(t).exit(0); // a zombie, reaping not begun
        Rec a = rec("A");
        Engine e = utrace.attach(t, AttachFlags.CREATE, a, null).engine(); // R-ATT-5: allowed
        assertEquals(Outcome.ALREADY, utrace.setEvents(t, e, DEATH | REAP));
        assertEquals(Outcome.ALREADY, utrace.setEvents(t, e, QUIESCE | REAP));
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, REAP));
        assertEquals(Outcome.GONE, utrace.control(t, e, ResumeAction.STOP));
        Tracee.reap(t, core.hooks());
        assertEquals(List.of("A.reap"), log);
    }

    @Test
    @DisplayName("R-REF-4(a): the reset after detach drops the attached reference exactly once")
    void R_REF_4a_theResetAfterDetachDropsTheAttachedReferenceExactlyOnce() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC | REAP);
        assertEquals(2, e.refCount());
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH));
        assertEquals(2, e.refCount(), "marked only: the task has not passed a reset yet");
        tracee(t).returnToUser();
        assertEquals(EngineState.DETACHED, e.state());
        assertNull(((UtraceEngine) e).ops, "ops are null once unlinked");
        assertEquals(1, e.refCount(), "the attached reference was put");
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(1, e.refCount(), "the reap does not put it again");
        assertTrue(log.isEmpty(), log::toString);
        e.put();
        assertEquals(1, a.releases.get());
    }

    @Test
    @DisplayName("R-REF-4(a): a callback returning detach drops it at the reset of that pass")
    void R_REF_4a_aCallbackReturningDetachDropsItAtTheResetOfThatPass() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC | REAP);
        a.onExec = ResumeAction.DETACH;
        AtomicReference<Integer> refsInCallback = new AtomicReference<>();
        a.during = (c, engine) -> {
            refsInCallback.set(engine.refCount());
            return null;
        };
        core.hooks().exec(t, "sim", new dev.utrace.api.task.ExecInfo("x", List.of("x"), "sim"));
        assertEquals(2, refsInCallback.get());
        assertEquals(EngineState.DETACHED, e.state());
        assertEquals(1, e.refCount());
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(1, e.refCount());
        assertEquals(List.of("A.exec"), log);
    }

    @Test
    @DisplayName("R-REF-4(b): the reap teardown drops it after report reap only for engines with reap")
    void R_REF_4b_theReapTeardownDropsItAfterReportReapOnlyForEnginesWithReap() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        Engine ea = attach(t, a, REAP);
        Engine eb = attach(t, b, EXEC); // no REAP: torn down silently
        AtomicReference<Integer> refsInReap = new AtomicReference<>();
        a.during = (c, engine) -> {
            refsInReap.set(engine.refCount());
            return null;
        };
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(2, refsInReap.get(), "still held while report_reap runs");
        assertEquals(List.of("A.reap"), log);
        for (Engine e : List.of(ea, eb)) {
            assertEquals(1, e.refCount(), "the attached reference was put, once");
            assertEquals(EngineState.DETACHED, e.state());
            assertEquals(0, e.events(), "flags 0");
        }
    }

    @Test
    @DisplayName("R-REF-4(b): an engine still attaching is torn down too")
    void R_REF_4b_anEngineStillAttachingIsTornDownToo() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, REAP); // never spliced: no pass ran
        tracee(t).exit(0);
        Tracee.reap(t, core.hooks());
        assertEquals(List.of("A.reap"), log);
        assertEquals(1, e.refCount());
    }
}
