package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.EngineState;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SignalAction;
import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Section 1 of the semantics reference: the data model (R-DATA-*) and the ops table (R-OPS-*). */
class Data_AndOpsTest extends CoreFixture {

    @Test
    @DisplayName("R-DATA-1 flags read back and passed to set events never carry the stop bit")
    void R_DATA_1_flagsReadBackAndPassedToSetEventsNeverCarryTheStopBit() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, Event.mask(Event.EXEC));
        // An engine that does not hold a stop cannot grant itself one through set_events.
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, Bits.ENGINE_STOP | Event.EXEC.bit()));
        assertFalse(e.holdsStop(), "ENGINE_STOP is masked out of set_events");
        assertEquals(Event.EXEC.bit(), e.events());
        // An engine that holds a stop keeps it when it passes its flags back with one more bit.
        assertEquals(Outcome.IN_PROGRESS, utrace.control(t, e, ResumeAction.STOP));
        assertTrue(e.holdsStop());
        UtraceEngine ue = (UtraceEngine) e;
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, ue.flags | Event.CLONE.bit()));
        assertTrue(e.holdsStop(), "flags | X is safe: the standing stop is kept");
        assertEquals(Event.mask(Event.EXEC, Event.CLONE), e.events());
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, 0));
        assertTrue(e.holdsStop(), "clearing every event bit does not clear the stop either");
    }

    @Test
    @DisplayName("R-DATA-2 the ops state tells where the engine is in its life")
    void R_DATA_2_theOpsStateTellsWhereTheEngineIsInItsLife() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, Event.mask(Event.EXEC));
        UtraceEngine ue = (UtraceEngine) e;
        assertSame(a, ue.ops, "the real ops while attached");
        assertEquals(EngineState.ATTACHED, e.state());
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH));
        assertSame(DetachedOps.INSTANCE, ue.ops, "the detached stub while marked but still listed");
        assertEquals(EngineState.DETACHING, e.state());
        assertEquals(1, utrace.engines(t).size(), "still on the list");
        tracee(t).returnToUser(); // a reset point unlinks it
        assertNull(ue.ops, "null once off the list");
        assertEquals(EngineState.DETACHED, e.state());
        assertEquals(0, utrace.engines(t).size());
        assertEquals(List.of(), log, "the real ops were never called after the mark");
    }

    @Test
    @DisplayName("R-DATA-3 the per task record lives as long as the task")
    void R_DATA_3_thePerTaskRecordLivesAsLongAsTheTask() {
        FakeTask t = newTask();
        assertNull(t.utraceSlot(), "allocated lazily by the first CREATE");
        assertEquals(Outcome.NOT_FOUND, utrace.attach(t, 0, rec("X"), null).outcome(), "a lookup allocates nothing");
        assertNull(t.utraceSlot());
        Rec a = rec("A");
        Engine e = attach(t, a, Event.mask(Event.EXEC));
        Object record = t.utraceSlot();
        assertTrue(record instanceof UtraceTask);
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH));
        tracee(t).returnToUser();
        assertEquals(EngineState.DETACHED, e.state());
        assertSame(record, t.utraceSlot(), "not freed when the last engine detaches");
        Engine again = attach(t, rec("B"), Event.mask(Event.EXEC));
        assertSame(record, t.utraceSlot(), "a re-attach reuses the record, no restart needed");
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(EngineState.DETACHED, again.state());
        assertSame(record, t.utraceSlot(), "kept after the reap too");
    }

    @Test
    @DisplayName("R-DATA-4 controllers change only the attaching list not the list the tracee walks")
    void R_DATA_4_controllersChangeOnlyTheAttachingListNotTheListTheTraceeWalks() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine ea = attach(t, a, Event.mask(Event.EXEC));
        tracee(t).exec("first"); // splices A
        UtraceTask u = Hooks.utraceOf(t);
        UtraceEngine[] walked = u.attached;
        assertEquals(1, walked.length);
        // A controller attaches and detaches while the task runs: the walked list is untouched.
        Engine eb = attach(t, rec("B"), Event.mask(Event.EXEC));
        assertEquals(Outcome.DONE, utrace.control(t, ea, ResumeAction.DETACH));
        assertSame(walked, u.attached, "attach goes to attaching; detach only marks");
        assertTrue(u.pendingAttach);
        // The tracee changes its own list at its next safe point.
        tracee(t).exec("second");
        assertEquals(List.of("A.exec", "B.exec"), log);
        assertEquals(1, u.attached.length);
        assertSame(eb, u.attached[0]);
        assertFalse(u.pendingAttach);
    }

    @Test
    @DisplayName("R-DATA-4 a controller attaching during a pass does not disturb the walk")
    void R_DATA_4_aControllerAttachingDuringAPassDoesNotDisturbTheWalk() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        attach(t, a, Event.mask(Event.EXEC));
        attach(t, b, Event.mask(Event.EXEC));
        Rec c = rec("C");
        a.during = (cb, e) -> {
            Thread controller = start("controller", () -> attach(t, c, Event.mask(Event.EXEC)));
            join(controller);
            return null;
        };
        tracee(t).exec("x");
        assertEquals(List.of("A.exec", "B.exec"), log, "B is still visited; C waits for the next pass");
        a.during = (cb, e) -> null;
        log.clear();
        tracee(t).exec("y");
        assertEquals(List.of("A.exec", "B.exec", "C.exec"), log);
    }

    /** An ops table with only reportExec; every other callback would be a bug to call. */
    static final class ExecOnly implements EngineOps {
        final List<String> log;

        ExecOnly(List<String> log) {
            this.log = log;
        }

        @Override
        public ResumeAction reportExec(ResumeAction action, Engine engine, Task task, String format, ExecInfo exec) {
            log.add("X.exec");
            return ResumeAction.RESUME;
        }

        @Override public ResumeAction reportQuiesce(ResumeAction action, Engine engine, Task task, Event event) { throw new AssertionError("quiesce"); }
        @Override public ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task task) { throw new AssertionError("syscallExit"); }
        @Override public int reportSyscallEntry(int action, Engine engine, Task task) { throw new AssertionError("syscallEntry"); }
        @Override public ResumeAction reportClone(ResumeAction a, Engine e, Task p, long f, Task c) { throw new AssertionError("clone"); }
        @Override public ResumeAction reportExit(ResumeAction a, Engine e, Task t, long o, dev.utrace.api.task.ExitCode c) { throw new AssertionError("exit"); }
        @Override public ResumeAction reportDeath(Engine e, Task t, boolean g, int s) { throw new AssertionError("death"); }
        @Override public void reportReap(Engine e, Task t) { throw new AssertionError("reap"); }
    }

    @Test
    @DisplayName("R-OPS-1 only the callbacks of the engines own events are called")
    void R_OPS_1_onlyTheCallbacksOfTheEnginesOwnEventsAreCalled() {
        FakeTask t = newTask();
        ExecOnly x = new ExecOnly(log);
        Engine ex = attach(t, x, Event.mask(Event.EXEC));
        Rec b = rec("B");
        attach(t, b, Event.ALL & ~Event.SIGNAL_ALL); // B makes every other event happen
        Tracee tr = tracee(t);
        tr.exec("p");
        tr.syscall(1);
        tr.clone(0, newTask());
        Tracee.exitAndReap(t, core.hooks());
        assertTrue(log.contains("X.exec"));
        assertEquals(1, log.stream().filter(s -> s.startsWith("X.")).count(), "X got exec only: " + log);
        assertTrue(log.contains("B.reap"), "the other engine saw the whole life: " + log);
        assertEquals(EngineState.DETACHED, ex.state());
        assertEquals(0, ((UtraceEngine) ex).flags, "reaped normally, not detached by a fault");
    }

    @Test
    @DisplayName("R-OPS-1 a quiesce engine without report signal gets report quiesce on the signal path")
    void R_OPS_1_aQuiesceEngineWithoutReportSignalGetsReportQuiesceOnTheSignalPath() {
        FakeTask t = newTask();
        t.setDisposition(Signals.SIGUSR1, 0x4000);
        SigRec first = sigRec("S");
        first.onSignal = (action, info, ka) -> SignalAction.IGN.with(ResumeAction.RESUME);
        attach(t, first, Event.mask(Event.SIGNAL));
        Rec q = rec("Q"); // no reportSignal
        attach(t, q, Event.mask(Event.QUIESCE, Event.SIGNAL));
        t.queueSignal(Signals.SIGUSR1);
        Tracee tr = tracee(t);
        tr.returnToUser();
        assertEquals(List.of("S.signal(DELIVER,SIGUSR1)", "Q.quiesce(SIGNAL)"), log);
        assertEquals(List.of(), tr.delivered, "Q's quiesce carried S's IGN through unchanged");
    }

    @Test
    @DisplayName("R-OPS-2 the detached ops stub cannot be attached and only detaches")
    void R_OPS_2_theDetachedOpsStubCannotBeAttachedAndOnlyDetaches() {
        FakeTask t = newTask();
        assertEquals(Outcome.INVALID, utrace.attach(t, AttachFlags.CREATE, DetachedOps.INSTANCE, null).outcome());
        assertEquals(Outcome.INVALID, utrace.attach(t, AttachFlags.CREATE, null, null).outcome());
        assertNull(t.utraceSlot(), "refused before any state was allocated");
        Engine e = attach(t, rec("A"), 0);
        assertEquals(ResumeAction.DETACH, DetachedOps.INSTANCE.reportQuiesce(ResumeAction.RESUME, e, t, Event.EXEC));
        assertEquals(ResumeAction.DETACH, DetachedOps.INSTANCE.reportQuiesce(ResumeAction.STOP, e, t, null));
        DetachedOps.INSTANCE.reportReap(e, t); // does nothing
        assertEquals(EngineState.ATTACHED, e.state());
        // A lookup never returns an engine whose ops are the stub.
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH));
        assertEquals(Outcome.NOT_FOUND, utrace.attach(t, AttachFlags.MATCH_OPS, DetachedOps.INSTANCE, null).outcome());
        assertEquals(Outcome.NOT_FOUND, utrace.attach(t, 0, null, null).outcome());
    }
}
