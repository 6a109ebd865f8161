package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineState;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class Engine_ReferenceTest extends CoreFixture {

    @Test
    @DisplayName("R-REF-1: attach returns two references")
    void R_REF_1_attachReturnsTwoReferences() {
        FakeTask t = newTask();
        Engine e = utrace.attach(t, AttachFlags.CREATE, rec("A"), null).engine();
        assertEquals(2, e.refCount(), "one for the caller, one for being attached");
    }

    @Test
    @DisplayName("R-REF-2: lookup takes a new reference and finds the same engine")
    void R_REF_2_lookupTakesANewReferenceAndFindsTheSameEngine() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = utrace.attach(t, AttachFlags.CREATE, a, null).engine();
        e.put();
        assertEquals(1, e.refCount());
        Engine again = utrace.attach(t, AttachFlags.MATCH_OPS, a, null).engine();
        assertSame(e, again);
        assertEquals(2, e.refCount());
    }

    @Test
    @DisplayName("R-REF-3: get adds put removes and an unmatched put throws")
    void R_REF_3_getAddsPutRemovesAndAnUnmatchedPutThrows() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = utrace.attach(t, AttachFlags.CREATE, a, "d").engine();
        assertSame(e, e.get());
        assertEquals(3, e.refCount());
        e.put();
        e.put();
        assertEquals(1, e.refCount());
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH)); // task "stopped"? no: running
        // The attached reference goes when the task passes a reset point.
        tracee(t).returnToUser();
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(0, e.refCount());
        assertThrows(IllegalStateException.class, e::put);
        assertEquals(1, a.releases.get());
    }

    @Test
    @DisplayName("R-REF-5: release runs once at the last put with the data even after detach swapped the ops")
    void R_REF_5_releaseRunsOnceAtTheLastPutWithTheDataEvenAfterDetachSwappedTheOps() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Object data = new Object();
        Engine e = attach(t, a, Event.mask(Event.QUIESCE));
        e.put();
        e = utrace.attach(t, AttachFlags.CREATE | AttachFlags.MATCH_DATA, a, data).engine(); // a second engine with data
        Engine held = e.get();
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH));
        assertEquals(EngineState.DETACHING, e.state(), "marked; ops are the detached stub now");
        tracee(t).returnToUser(); // passes a report point: the stub detaches, reset unlinks and puts
        assertEquals(EngineState.DETACHED, e.state());
        e.put();
        assertEquals(0, a.releases.get(), "a reference is still held");
        held.put();
        assertEquals(1, a.releases.get(), "release captured at attach survives the ops swap");
        assertSame(data, a.releasedData);
        assertThrows(IllegalStateException.class, held::put);
        assertEquals(1, a.releases.get());
    }

    @Test
    @DisplayName("R-REF-6: release runs in the thread that drops the last reference")
    void R_REF_6_releaseRunsInTheThreadThatDropsTheLastReference() throws Exception {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, Event.mask(Event.DEATH));
        Engine tracerRef = e; // the tracer keeps its reference (R-REF-6 / checklist 28)
        Thread tracee = start("tracee", () -> {
            tracee(t).exit(0);
            Tracee.exitAndReap(t, core.hooks());
        });
        join(tracee);
        assertEquals(0, a.releases.get(), "the tracer's reference keeps the data alive after the reap");
        tracerRef.put();
        assertSame(Thread.currentThread(), a.releaseThread, "release runs in the tracer's put");

        FakeTask t2 = newTask();
        Rec b = rec("B");
        Engine e2 = attach(t2, b, Event.mask(Event.DEATH));
        e2.put(); // passive: no reference held
        Thread reaper = start("reaper", () -> {
            tracee(t2).exit(0);
            Tracee.reap(t2, core.hooks());
        });
        join(reaper);
        assertSame(reaper, b.releaseThread, "without a held reference, release runs inside the reap path");
    }

    @Test
    @DisplayName("R-REF-7: failed attach never releases the data")
    void R_REF_7_failedAttachNeverReleasesTheData() {
        FakeTask t = newTask();
        Rec a = rec("A");
        attach(t, a, 0).put();
        AttachResult second = utrace.attach(t, AttachFlags.CREATE | AttachFlags.EXCLUSIVE | AttachFlags.MATCH_OPS, a, "second");
        assertEquals(Outcome.EXISTS, second.outcome());
        assertThrows(IllegalStateException.class, second::engine);
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(1, a.releases.get(), "only the first engine was released");
        assertNull(a.releasedData, "and not with the failed attach's data");
    }

    @Test
    @DisplayName("R-REF-8: a held reference stays safe after detach and answers gone")
    void R_REF_8_aHeldReferenceStaysSafeAfterDetachAndAnswersGone() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, Event.mask(Event.QUIESCE));
        Tracee.exitAndReap(t, core.hooks());
        tasks.remove(t.tid);
        assertEquals(EngineState.DETACHED, e.state());
        assertEquals(Outcome.GONE, utrace.setEvents(t, e, Event.mask(Event.EXEC)));
        assertEquals(Outcome.GONE, utrace.control(t, e, ResumeAction.STOP));
        assertEquals(Outcome.GONE, utrace.control(t.tid, e, ResumeAction.STOP), "unknown pid (R-CTL-5)");
        assertEquals(Outcome.GONE, utrace.barrier(t, e));
        e.put();
        assertEquals(1, a.releases.get());
    }

    @Test
    @DisplayName("R-REF-9: callback arguments are the engine and the task")
    void R_REF_9_callbackArgumentsAreTheEngineAndTheTask() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, Event.mask(Event.EXEC));
        Engine[] seen = new Engine[1];
        a.during = (c, engine) -> { seen[0] = engine; return null; };
        tracee(t).exec("x");
        assertSame(e, seen[0]);
    }

    @Test
    @DisplayName("R-REF-10: after report reap the engine is detached and freed when unreferenced")
    void R_REF_10_afterReportReapTheEngineIsDetachedAndFreedWhenUnreferenced() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, Event.mask(Event.REAP));
        EngineState[] during = new EngineState[1];
        a.during = (c, engine) -> { during[0] = engine.state(); return null; };
        e.put();
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(EngineState.ATTACHED, during[0], "still attached while report_reap runs");
        assertEquals(1, a.releases.get(), "freed right after report_reap returned");
        assertEquals(java.util.List.of("A.reap", "A.release"), log);
    }

    @Test
    @DisplayName("R-REF-11: the attacher owns a reference so the engine survives an immediate death")
    void R_REF_11_theAttacherOwnsAReferenceSoTheEngineSurvivesAnImmediateDeath() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = utrace.attach(t, AttachFlags.CREATE, a, null).engine();
        Tracee.exitAndReap(t, core.hooks()); // the task dies and is reaped right after the attach
        assertEquals(EngineState.DETACHED, e.state());
        assertEquals(0, a.releases.get(), "the caller's reference keeps the handle valid");
        assertEquals(Outcome.GONE, utrace.control(t, e, ResumeAction.DETACH));
        e.put();
        assertEquals(1, a.releases.get());
    }

    @Test
    @DisplayName("R-REF-12: get on a freed engine is refused")
    void R_REF_12_getOnAFreedEngineIsRefused() {
        FakeTask t = newTask();
        Engine e = utrace.attach(t, AttachFlags.CREATE, rec("A"), null).engine();
        Tracee.exitAndReap(t, core.hooks());
        e.put();
        assertThrows(IllegalStateException.class, e::get, "a count below 1 is a programming error");
        assertFalse(e.holdsStop());
        assertTrue(e.refCount() == 0);
    }
}
