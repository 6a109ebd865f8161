package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineState;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.TaskState;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Section 3 of the semantics reference: attach, lookup and matching (R-ATT-*). */
class Attach_RulesTest extends CoreFixture {

    private static final int C = AttachFlags.CREATE;
    private static final int X = AttachFlags.EXCLUSIVE;
    private static final int OPS = AttachFlags.MATCH_OPS;
    private static final int DATA = AttachFlags.MATCH_DATA;

    @Test
    @DisplayName("R-ATT-1 exclusive with no match bits fails whenever the task has any engine")
    void R_ATT_1_exclusiveWithNoMatchBitsFailsWheneverTheTaskHasAnyEngine() {
        FakeTask t = newTask();
        assertTrue(utrace.attach(t, C | X, rec("A"), "a").ok(), "no engine yet");
        assertEquals(Outcome.EXISTS, utrace.attach(t, C | X, rec("B"), "b").outcome());
    }

    @Test
    @DisplayName("R-ATT-1 match ops and match data compare identity")
    void R_ATT_1_matchOpsAndMatchDataCompareIdentity() {
        FakeTask t = newTask();
        Rec a = rec("A");
        String d1 = new String("d");
        String d2 = new String("d"); // equal but not the same object
        Engine ea = utrace.attach(t, C, a, d1).engine();
        assertEquals(Outcome.EXISTS, utrace.attach(t, C | X | OPS, a, null).outcome());
        assertTrue(utrace.attach(t, C | X | OPS, rec("A"), null).ok(), "other ops object: no match");
        assertEquals(Outcome.EXISTS, utrace.attach(t, C | X | DATA, rec("Z"), d1).outcome());
        AttachResult byEqualData = utrace.attach(t, C | X | OPS | DATA, a, d2);
        assertTrue(byEqualData.ok(), "data is compared by identity, not equals");
        assertNotSame(ea, byEqualData.engine());
        assertSame(ea, utrace.attach(t, OPS | DATA, a, d1).engine());
    }

    @Test
    @DisplayName("R-ATT-1 an engine marked detached never matches")
    void R_ATT_1_anEngineMarkedDetachedNeverMatches() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, Event.mask(Event.EXEC));
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH));
        assertEquals(EngineState.DETACHING, e.state(), "still on the list");
        assertEquals(Outcome.NOT_FOUND, utrace.attach(t, OPS, a, null).outcome());
        assertEquals(Outcome.NOT_FOUND, utrace.attach(t, 0, a, null).outcome());
        AttachResult fresh = utrace.attach(t, C | X | OPS, a, null);
        assertTrue(fresh.ok(), "EXCLUSIVE ignores the marked engine");
        assertNotSame(e, fresh.engine());
    }

    @Test
    @DisplayName("R-ATT-2 search visits attached in order then attaching in order")
    void R_ATT_2_searchVisitsAttachedInOrderThenAttachingInOrder() {
        FakeTask t = newTask();
        Object shared = new Object();
        Rec x = rec("X");
        attach(utrace, t, rec("A"), Event.mask(Event.EXEC), "a");
        Engine b = attach(utrace, t, x, Event.mask(Event.EXEC), shared);
        tracee(t).exec("p"); // A and B are on attached now
        Engine c = attach(utrace, t, x, 0, shared); // C and D wait on attaching
        Engine d = attach(utrace, t, rec("D"), 0, "d");
        assertSame(b, utrace.attach(t, OPS | DATA, x, shared).engine(), "attached before attaching");
        assertSame(d, utrace.attach(t, DATA, null, "d").engine(), "found on attaching too");
        assertEquals("a", utrace.attach(t, 0, null, null).engine().data(), "no MATCH bits: the first engine");
        assertEquals(Outcome.DONE, utrace.control(t, b, ResumeAction.DETACH));
        assertSame(c, utrace.attach(t, OPS, x, null).engine(), "the first live match, on attaching");
    }

    @Test
    @DisplayName("R-ATT-3 lookup without state or without match is not found")
    void R_ATT_3_lookupWithoutStateOrWithoutMatchIsNotFound() {
        FakeTask t = newTask();
        Rec a = rec("A");
        assertEquals(Outcome.NOT_FOUND, utrace.attach(t, OPS, a, null).outcome(), "never had utrace state");
        Engine e = attach(t, a, Event.mask(Event.DEATH, Event.REAP));
        assertEquals(Outcome.NOT_FOUND, utrace.attach(t, OPS, rec("B"), null).outcome(), "nothing matches");
        int refs = e.refCount();
        Engine found = utrace.attach(t, OPS, a, null).engine();
        assertSame(e, found);
        assertEquals(refs + 1, e.refCount(), "a lookup takes a new reference");
        found.put();
        tracee(t).exit(0);
        assertEquals(TaskState.ZOMBIE, t.state());
        Engine onZombie = utrace.attach(t, OPS, a, null).engine();
        assertSame(e, onZombie, "the lookup does not check the task's state");
        onZombie.put();
        Tracee.reap(t, core.hooks());
        assertEquals(Outcome.NOT_FOUND, utrace.attach(t, OPS, a, null).outcome(), "the teardown emptied the lists");
    }

    @Test
    @DisplayName("R-ATT-3 create checks ops then kernel thread")
    void R_ATT_3_createChecksOpsThenKernelThread() {
        FakeTask kt = new FakeTask(nextTid.getAndIncrement(), true);
        tasks.put(kt.tid, kt);
        assertEquals(Outcome.INVALID, utrace.attach(kt, C, null, null).outcome(), "ops are checked first");
        assertEquals(Outcome.NOT_PERMITTED, utrace.attach(kt, C, rec("A"), null).outcome());
        assertEquals(Outcome.NOT_FOUND, utrace.attach(kt, 0, rec("A"), null).outcome());
    }

    @Test
    @DisplayName("R-ATT-4 a new engine has no events and gets no callbacks")
    void R_ATT_4_aNewEngineHasNoEventsAndGetsNoCallbacks() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = utrace.attach(t, C, a, null).engine();
        assertEquals(0, e.events());
        assertFalse(e.holdsStop());
        attach(t, rec("B"), Event.ALL & ~Event.SIGNAL_ALL);
        Tracee tr = tracee(t);
        tr.exec("p");
        tr.syscall(3);
        Tracee.exitAndReap(t, core.hooks());
        assertTrue(log.stream().noneMatch(s -> s.startsWith("A.")), "A was never called: " + log);
        assertEquals(EngineState.DETACHED, e.state());
    }

    @Test
    @DisplayName("R-ATT-5 a zombie takes a new engine but only reap is useful")
    void R_ATT_5_aZombieTakesANewEngineButOnlyReapIsUseful() {
        FakeTask t = newTask();
        Tracee tr = tracee(t);
        tr.exit(0);
        assertEquals(TaskState.ZOMBIE, t.state());
        Rec a = rec("A");
        AttachResult r = utrace.attach(t, C, a, null);
        assertTrue(r.ok(), "not refused just because exit_state is set");
        Engine e = r.engine();
        assertEquals(Outcome.ALREADY, utrace.setEvents(t, e, Event.mask(Event.DEATH)));
        assertEquals(Outcome.ALREADY, utrace.setEvents(t, e, Event.mask(Event.QUIESCE)));
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, Event.mask(Event.REAP)));
        assertEquals(Outcome.GONE, utrace.control(t, e, ResumeAction.STOP));
        assertEquals(Outcome.GONE, utrace.control(t, e, ResumeAction.RESUME));
        assertEquals(Outcome.GONE, utrace.control(t, e, ResumeAction.INTERRUPT));
        Engine other = attach(t, rec("B"), Event.mask(Event.REAP));
        assertEquals(Outcome.DONE, utrace.control(t, other, ResumeAction.DETACH), "DETACH alone is accepted");
        Tracee.reap(t, core.hooks());
        assertEquals(List.of("A.reap"), log);
        assertEquals(Outcome.GONE, utrace.attach(t, C, rec("C"), null).outcome(), "reaping has begun");
    }

    @Test
    @DisplayName("R-ATT-6 an engine attached during exec misses it and gets the next event")
    void R_ATT_6_anEngineAttachedDuringExecMissesItAndGetsTheNextEvent() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        attach(t, a, Event.mask(Event.EXEC));
        UtraceTask u = Hooks.utraceOf(t);
        AtomicReference<Engine> eb = new AtomicReference<>();
        AtomicBoolean visibleAtOnce = new AtomicBoolean();
        a.during = (cb, e) -> {
            if (eb.get() == null) {
                eb.set(attach(t, b, Event.mask(Event.QUIESCE, Event.EXEC)));
                for (UtraceEngine x : u.attached) if (x == eb.get()) visibleAtOnce.set(true);
            }
            return null;
        };
        tracee(t).exec("first");
        assertEquals(List.of("A.exec"), log, "B is not told of the exec that created it");
        assertFalse(visibleAtOnce.get(), "attach to current does not splice at once");
        tracee(t).exec("second");
        assertEquals(List.of("A.exec", "A.exec", "B.quiesce(EXEC)", "B.exec"), log);
    }

    @Test
    @DisplayName("R-ATT-6 an engine attached by a controller becomes visible at the next pass")
    void R_ATT_6_anEngineAttachedByAControllerBecomesVisibleAtTheNextPass() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        attach(t, a, Event.mask(Event.SYSCALL_EXIT));
        a.during = (cb, e) -> {
            if (log.size() == 1) join(start("controller", () -> attach(t, b, Event.mask(Event.SYSCALL_EXIT))));
            return null;
        };
        Tracee tr = tracee(t);
        tr.syscall(1);
        assertEquals(List.of("A.syscallExit"), log);
        tr.syscall(2);
        assertEquals(List.of("A.syscallExit", "A.syscallExit", "B.syscallExit"), log);
    }

    @Test
    @DisplayName("R-ATT-7 callbacks come in attach order")
    void R_ATT_7_callbacksComeInAttachOrder() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        Rec c = rec("C");
        Rec d = rec("D");
        attach(t, a, Event.mask(Event.EXEC));
        attach(t, b, Event.mask(Event.EXEC));
        attach(t, c, Event.mask(Event.EXEC));
        b.onExec = ResumeAction.DETACH;
        tracee(t).exec("p");
        assertEquals(List.of("A.exec", "B.exec", "C.exec"), log);
        log.clear();
        attach(t, d, Event.mask(Event.EXEC));
        tracee(t).exec("q");
        assertEquals(List.of("A.exec", "C.exec", "D.exec"), log, "new engines join at the tail");
    }

    @Test
    @DisplayName("R-ATT-8 a stop set on the child inside report clone keeps it from user mode")
    void R_ATT_8_aStopSetOnTheChildInsideReportCloneKeepsItFromUserMode() {
        FakeTask parent = newTask();
        FakeTask child = newTask();
        Rec a = rec("A");
        Rec c = rec("C");
        c.quiesce = ev -> ResumeAction.STOP; // a ptrace-like engine keeps its stop at every report
        attach(parent, a, Event.mask(Event.CLONE));
        AtomicReference<Engine> ec = new AtomicReference<>();
        AtomicReference<Outcome> ctl = new AtomicReference<>();
        a.during = (cb, e) -> {
            Engine x = attach(child, c, Event.mask(Event.QUIESCE));
            ec.set(x);
            ctl.set(utrace.control(child, x, ResumeAction.STOP));
            return null;
        };
        tracee(parent).clone(0, child);
        assertEquals(Outcome.IN_PROGRESS, ctl.get(), "the child has not run yet");
        AtomicBoolean inUser = new AtomicBoolean();
        Thread ct = start("child", () -> {
            tracee(child).returnToUser();
            inUser.set(true);
        });
        await("the child stops", () -> child.utraceStopped);
        assertFalse(inUser.get(), "the child never reached user mode");
        assertEquals(List.of("A.clone", "C.quiesce(0)"), log);
        c.quiesce = ev -> ResumeAction.RESUME;
        assertEquals(Outcome.DONE, utrace.control(child, ec.get(), ResumeAction.RESUME));
        join(ct);
        assertTrue(inUser.get());
    }

    @Test
    @DisplayName("R-ATT-8 a report or interrupt set inside report clone gives a callback before user mode")
    void R_ATT_8_aReportOrInterruptSetInsideReportCloneGivesACallbackBeforeUserMode() {
        FakeTask parent = newTask();
        Rec a = rec("A");
        attach(parent, a, Event.mask(Event.CLONE));
        for (ResumeAction act : List.of(ResumeAction.REPORT, ResumeAction.INTERRUPT)) {
            FakeTask child = newTask();
            Rec c = rec("C" + act.name().charAt(0));
            a.during = (cb, e) -> {
                Engine x = attach(child, c, Event.mask(Event.QUIESCE));
                assertEquals(Outcome.DONE, utrace.control(child, x, act));
                return null;
            };
            log.clear();
            tracee(parent).clone(0, child);
            tracee(child).returnToUser();
            assertEquals(List.of("A.clone", "C" + act.name().charAt(0) + ".quiesce(0)"), log, act.name());
        }
    }

    @Test
    @DisplayName("R-ATT-9 no newborn rule a third party attaches to a child inside report clone at once")
    void R_ATT_9_noNewbornRuleAThirdPartyAttachesToAChildInsideReportCloneAtOnce() {
        FakeTask parent = newTask();
        FakeTask child = newTask();
        Rec a = rec("A");
        attach(parent, a, Event.mask(Event.CLONE));
        AtomicReference<AttachResult> third = new AtomicReference<>();
        a.during = (cb, e) -> {
            // Another thread, not the creating parent: V2009a would make it wait and retry.
            join(start("third-party", () -> third.set(utrace.attach(child, C, rec("T"), null))));
            return null;
        };
        tracee(parent).clone(0, child);
        assertTrue(third.get().ok(), "V2010 does not consult 'cloning': " + third.get());
        assertEquals(1, utrace.engines(child).size());
    }
}
