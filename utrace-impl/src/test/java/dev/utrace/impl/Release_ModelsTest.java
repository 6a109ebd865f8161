package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineState;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Section 11: engine-lifetime models and {@code ops->release} (R-REL-1..4). Model A is the
 * "passive" engine (11.2): it drops its reference at once and its callbacks own the data.
 * Model B is "ptrace-like" (11.3, R-REL-3): every request looks the engine up, uses the data
 * and puts; the data is freed only by {@code release}.
 */
class Release_ModelsTest extends CoreFixture {

    /** A ptrace-like context: freed only by release; a use after free is recorded. */
    static final class Context {
        final AtomicBoolean freed = new AtomicBoolean();
        final AtomicInteger frees = new AtomicInteger();
        final AtomicInteger usesAfterFree = new AtomicInteger();
        volatile int requests;

        void use() {
            if (freed.get()) usesAfterFree.incrementAndGet();
            requests++;
        }
    }

    /** Model B's engine ops: release frees the context. */
    static final class PtraceOps extends Rec {
        volatile Thread freedIn;

        PtraceOps(java.util.List<String> log) {
            super("P", log);
        }

        @Override
        public void release(Object data) {
            super.release(data);
            Context c = (Context) data;
            c.frees.incrementAndGet();
            c.freed.set(true);
            freedIn = Thread.currentThread();
        }
    }

    /** {@code ptrace_attach_task}: create exclusively with a fresh context, set events, put at once. */
    private Outcome ptraceAttach(FakeTask t, PtraceOps ops, Context ctx) {
        AttachResult r = utrace.attach(t, AttachFlags.CREATE | AttachFlags.EXCLUSIVE | AttachFlags.MATCH_OPS, ops, ctx);
        if (!r.ok()) return r.outcome();
        Engine e = r.engine();
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, QUIESCE | EXEC | DEATH | REAP));
        e.put();
        return Outcome.DONE;
    }

    /** One ptrace request: lookup, dereference the context, put. */
    private boolean ptraceRequest(FakeTask t, PtraceOps ops, Runnable during) {
        AttachResult r = utrace.attach(t, AttachFlags.MATCH_OPS, ops, null);
        if (!r.ok()) return false;
        Engine e = r.engine();
        try {
            ((Context) e.data()).use();
            during.run();
            ((Context) e.data()).use();
        } finally {
            e.put();
        }
        return true;
    }

    // ---- R-REL-1 ------------------------------------------------------------------------

    @Test
    @DisplayName("R-REL-1: release is captured at attach and called once with the data at the last put")
    void R_REL_1_releaseIsCapturedAtAttachAndCalledOnceWithTheDataAtTheLastPut() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Object data = new Object();
        Engine e = attach(utrace, t, a, EXEC, data);
        Engine extra = e.get();
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH));
        assertEquals(EngineState.DETACHING, e.state(), "ops swapped to the detached stub");
        assertEquals(Outcome.NOT_FOUND, utrace.attach(t, AttachFlags.MATCH_OPS, a, null).outcome(),
                "the engine no longer matches its old ops");
        tracee(t).returnToUser();
        assertEquals(EngineState.DETACHED, e.state(), "ops are null now");
        e.put();
        assertEquals(0, a.releases.get());
        extra.put();
        assertEquals(1, a.releases.get(), "the hook saved at attach ran despite the ops swap");
        assertSame(data, a.releasedData);
        assertEquals(List.of("A.release"), log, "after every callback, just before freeing");
    }

    // ---- R-REL-2: both models on one task -------------------------------------------------

    @Test
    @DisplayName("R-REL-2: a passive and a ptrace like engine coexist on one task")
    void R_REL_2_aPassiveAndAPtraceLikeEngineCoexistOnOneTask() {
        FakeTask t = newTask();
        Rec passive = rec("A");
        Engine ea = attach(utrace, t, passive, DEATH | REAP, "a-data");
        ea.put(); // model A: no reference kept
        PtraceOps ops = new PtraceOps(log);
        Context ctx = new Context();
        assertEquals(Outcome.DONE, ptraceAttach(t, ops, ctx));
        Engine held = utrace.attach(t, AttachFlags.MATCH_OPS, ops, null).engine(); // model B: the tracer keeps one
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(1, passive.releases.get(), "passive: released when the reap dropped the attached reference");
        assertEquals("a-data", passive.releasedData);
        assertFalse(ctx.freed.get(), "ptrace-like: the data outlives the reap while a reference is held");
        ((Context) held.data()).use();
        held.put();
        assertTrue(ctx.freed.get());
        assertEquals(0, ctx.usesAfterFree.get());
    }

    // ---- R-REL-3: ptrace ----------------------------------------------------------------

    @Test
    @DisplayName("R-REL-3: ptrace attaches passively and a second attach is refused without release")
    void R_REL_3_ptraceAttachesPassivelyAndASecondAttachIsRefusedWithoutRelease() {
        FakeTask t = newTask();
        PtraceOps ops = new PtraceOps(log);
        Context first = new Context();
        Context second = new Context();
        assertEquals(Outcome.DONE, ptraceAttach(t, ops, first));
        assertEquals(Outcome.EXISTS, ptraceAttach(t, ops, second));
        assertEquals(0, second.frees.get(), "a failed attach never releases (R-REF-7)");
        Engine e = utrace.attach(t, AttachFlags.MATCH_OPS, ops, null).engine();
        assertEquals(2, e.refCount(), "only the attached reference plus this lookup: the attacher put its own");
        e.put();
        assertTrue(ptraceRequest(t, ops, () -> { }));
        assertEquals(2, first.requests);
        assertFalse(first.freed.get());
    }

    @Test
    @DisplayName("R-REL-3: the context survives a tracee dying in the middle of a request")
    void R_REL_3_theContextSurvivesATraceeDyingInTheMiddleOfARequest() {
        FakeTask t = newTask();
        PtraceOps ops = new PtraceOps(log);
        Context ctx = new Context();
        assertEquals(Outcome.DONE, ptraceAttach(t, ops, ctx));
        AtomicReference<Thread> reaper = new AtomicReference<>();
        boolean done = ptraceRequest(t, ops, () -> {
            // The tracee is killed, dies and is reaped while the request is in flight.
            Thread r = start("reaper", () -> Tracee.exitAndReap(t, core.hooks()));
            reaper.set(r);
            join(r);
            assertFalse(ctx.freed.get(), "the request's reference keeps the context");
        });
        assertTrue(done);
        assertEquals(0, ctx.usesAfterFree.get());
        assertEquals(1, ctx.frees.get(), "freed once, by the last put");
        assertSame(Thread.currentThread(), ops.freedIn, "the request's put was the last");
        assertEquals(List.of("P.quiesce(DEATH)", "P.death", "P.reap", "P.release"), log);
        assertFalse(ptraceRequest(t, ops, () -> { }), "later requests find no engine");
    }

    @Test
    @DisplayName("R-REL-3: after detach the context is freed when the last request ends")
    void R_REL_3_afterDetachTheContextIsFreedWhenTheLastRequestEnds() {
        FakeTask t = newTask();
        PtraceOps ops = new PtraceOps(log);
        Context ctx = new Context();
        assertEquals(Outcome.DONE, ptraceAttach(t, ops, ctx));
        // A controller stops the tracee, so the detach below is immediate.
        Engine s = utrace.attach(t, AttachFlags.MATCH_OPS, ops, null).engine();
        ops.quiesce = ev -> ev == null ? ResumeAction.STOP : ResumeAction.RESUME;
        assertEquals(Outcome.IN_PROGRESS, utrace.control(t, s, ResumeAction.STOP));
        s.put();
        Thread th = start("tracee", () -> tracee(t).returnToUser());
        await("stopped", () -> t.utraceStopped);
        CountDownLatch inRequest = new CountDownLatch(1);
        CountDownLatch endRequest = new CountDownLatch(1);
        Thread request = start("request", () -> ptraceRequest(t, ops, () -> {
            inRequest.countDown();
            awaitLatch(endRequest);
        }));
        awaitLatch(inRequest);
        try {
            // PTRACE_DETACH from another tracer thread.
            assertTrue(ptraceRequest(t, ops, () -> {
                Engine e = utrace.attach(t, AttachFlags.MATCH_OPS, ops, null).engine();
                assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH));
                e.put();
            }));
            join(th);
            assertFalse(ctx.freed.get(), "a request is still in flight");
        } finally {
            endRequest.countDown();
        }
        join(request);
        assertTrue(ctx.freed.get());
        assertSame(request, ops.freedIn, "the last request's put freed it");
        assertEquals(0, ctx.usesAfterFree.get());
        assertEquals(1, ctx.frees.get());
    }

    // ---- R-REL-4 ------------------------------------------------------------------------

    @Test
    @DisplayName("R-REL-4: release runs with no core lock held and the engine answers gone")
    void R_REL_4_releaseRunsWithNoCoreLockHeldAndTheEngineAnswersGone() {
        FakeTask t = newTask();
        AtomicReference<Engine> self = new AtomicReference<>();
        AtomicReference<Outcome> fromRelease = new AtomicReference<>();
        AtomicReference<Boolean> otherThreadGotLock = new AtomicReference<>();
        Rec a = new Rec("A", log) {
            @Override
            public void release(Object data) {
                super.release(data);
                fromRelease.set(utrace.control(t, self.get(), ResumeAction.DETACH));
                // Another thread can use the task's utrace lock while release runs.
                Thread other = start("other", () -> {
                    utrace.engines(t); // takes the task's lock
                    otherThreadGotLock.set(true);
                });
                join(other);
            }
        };
        Rec b = rec("B");
        Engine e = attach(t, a, EXEC | REAP);
        attach(t, b, EXEC);
        self.set(e);
        e.put(); // passive
        a.onExec = ResumeAction.DETACH;
        core.hooks().exec(t, "sim", new dev.utrace.api.task.ExecInfo("x", List.of("x"), "sim"));
        assertEquals(1, a.releases.get(), "released inside the tracee's pass");
        assertEquals(Outcome.GONE, fromRelease.get(), "the engine is being destroyed");
        assertEquals(Boolean.TRUE, otherThreadGotLock.get());
        assertEquals(List.of("A.exec", "B.exec", "A.release"), log);
    }

    @Test
    @DisplayName("R-REL-4: release runs in whichever context drops the last reference")
    void R_REL_4_releaseRunsInWhicheverContextDropsTheLastReference() {
        // In the reaper, from the reap teardown.
        FakeTask t1 = newTask();
        Rec a = rec("A");
        attach(t1, a, REAP).put();
        Thread reaper = start("reaper", () -> Tracee.exitAndReap(t1, core.hooks()));
        join(reaper);
        assertSame(reaper, a.releaseThread);

        // In a controller, from control(DETACH) on a stopped task.
        FakeTask t2 = newTask();
        Rec b = rec("B");
        Engine eb = attach(t2, b, EXEC);
        assertEquals(Outcome.IN_PROGRESS, utrace.control(t2, eb, ResumeAction.STOP));
        Thread th = start("tracee", () -> tracee(t2).returnToUser());
        await("stopped", () -> t2.utraceStopped);
        Engine lookup = utrace.attach(t2, AttachFlags.MATCH_OPS, b, null).engine();
        eb.put();
        lookup.put(); // only the attached reference is left
        AtomicInteger releasesBeforePut = new AtomicInteger(-1);
        Thread controller = start("controller", () -> {
            Engine c = utrace.attach(t2, AttachFlags.MATCH_OPS, b, null).engine();
            assertEquals(Outcome.DONE, utrace.control(t2, c, ResumeAction.DETACH)); // immediate: the task is stopped
            releasesBeforePut.set(b.releases.get());
            c.put();
        });
        join(controller);
        join(th);
        assertEquals(0, releasesBeforePut.get(), "the controller's reference kept it until its put");
        assertSame(controller, b.releaseThread, "released in the controller");

        // In the tracee itself, at the end of a pass where the callback detached.
        FakeTask t3 = newTask();
        Rec c = rec("C");
        attach(t3, c, EXEC).put();
        c.onExec = ResumeAction.DETACH;
        Thread tracee = start("tracee3", () -> tracee(t3).exec("x"));
        join(tracee);
        assertSame(tracee, c.releaseThread);
    }

    // ---- Model A (11.2) -----------------------------------------------------------------

    @Test
    @DisplayName("R-REL-2: model a disabling from outside done means the caller frees the data")
    void R_REL_2_modelA_disablingFromOutsideDoneMeansTheCallerFreesTheData() {
        FakeTask t = newTask();
        Rec a = rec("A");
        AtomicBoolean freedByCaller = new AtomicBoolean();
        attach(utrace, t, a, DEATH | REAP, freedByCaller).put();
        Engine e = utrace.attach(t, AttachFlags.MATCH_OPS, a, null).engine();
        Outcome o = utrace.control(t, e, ResumeAction.DETACH);
        assertEquals(Outcome.DONE, o);
        if (o == Outcome.DONE) freedByCaller.set(true);
        e.put();
        tracee(t).returnToUser();
        Tracee.exitAndReap(t, core.hooks());
        assertTrue(freedByCaller.get());
        assertEquals(List.of("A.release"), log, "no callback ran: the caller owned the clean-up");
    }

    @Test
    @DisplayName("R-REL-2: model a disabling during the death report leaves the clean up to the callbacks")
    void R_REL_2_modelA_disablingDuringTheDeathReportLeavesTheCleanUpToTheCallbacks() {
        FakeTask t = newTask();
        Rec a = rec("A");
        AtomicInteger cleanups = new AtomicInteger();
        a.onDeath = engine -> {
            cleanups.incrementAndGet(); // report_death always detaches and cleans up
            return ResumeAction.DETACH;
        };
        attach(utrace, t, a, DEATH | REAP, "data").put();
        CountDownLatch inDeath = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        a.during = (c, engine) -> {
            if (c.equals("death")) {
                inDeath.countDown();
                awaitLatch(goOn);
            }
            return null;
        };
        Thread dying = start("dying", () -> tracee(t).exit(0));
        awaitLatch(inDeath);
        Engine e = utrace.attach(t, AttachFlags.MATCH_OPS, a, null).engine();
        Outcome o;
        try {
            o = utrace.control(t, e, ResumeAction.DETACH);
        } finally {
            goOn.countDown();
        }
        assertEquals(Outcome.ALREADY, o, "the callbacks will clean up, the caller must not");
        e.put();
        join(dying);
        Tracee.reap(t, core.hooks());
        assertEquals(1, cleanups.get());
        assertEquals(List.of("A.death", "A.release"), log, "no report_reap after report_death detached");
    }
}
