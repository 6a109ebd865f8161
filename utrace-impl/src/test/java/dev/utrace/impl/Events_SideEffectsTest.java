package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SignalAction;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Section 4.2, side effects of event bits on the rest of the kernel (R-EVT-6..9). */
class Events_SideEffectsTest extends CoreFixture {

    @Test
    @DisplayName("R-EVT-6 ignored signals are queued while an engine wants signal ign")
    void R_EVT_6_ignoredSignalsAreQueuedWhileAnEngineWantsSignalIgn() {
        FakeTask t = newTask();
        assertFalse(core.hooks().wantsIgnoredSignals(t), "no utrace state");
        SigRec a = sigRec("A");
        Engine e = attach(t, a, Event.mask(Event.SIGNAL));
        assertFalse(core.hooks().wantsIgnoredSignals(t), "SIGNAL alone is not enough");
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, Event.mask(Event.SIGNAL_IGN)));
        assertTrue(core.hooks().wantsIgnoredSignals(t));
        // The machine queues the ignored signal; the engine sees it.
        t.setDisposition(Signals.SIGUSR1, SigAction.SIG_IGN);
        t.queueSignal(Signals.SIGUSR1);
        Tracee tr = tracee(t);
        tr.returnToUser();
        assertEquals(List.of("A.signal(IGN,SIGUSR1)"), log);
        assertEquals(List.of(), tr.delivered, "still ignored");
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH));
        tr.returnToUser(); // reset point
        assertFalse(core.hooks().wantsIgnoredSignals(t), "dropped again once no engine wants them");
    }

    @Test
    @DisplayName("R-EVT-7 fatal signals are not short circuited while an engine wants term or core")
    void R_EVT_7_fatalSignalsAreNotShortCircuitedWhileAnEngineWantsTermOrCore() {
        FakeTask t = newTask();
        Engine e = attach(t, sigRec("A"), Event.mask(Event.SIGNAL, Event.SIGNAL_IGN, Event.SIGNAL_STOP));
        assertFalse(core.hooks().considerFatalSignal(t));
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, Event.mask(Event.SIGNAL_TERM)));
        assertTrue(core.hooks().considerFatalSignal(t));
        FakeTask t2 = newTask();
        SigRec b = sigRec("B");
        b.onSignal = (action, info, ka) -> SignalAction.IGN.with(ResumeAction.RESUME);
        attach(t2, b, Event.mask(Event.SIGNAL_CORE));
        assertTrue(core.hooks().considerFatalSignal(t2));
        // A fatal signal goes through delivery, so the engine can stop it from killing.
        t2.queueSignal(Signals.SIGSEGV);
        Tracee tr = tracee(t2);
        tr.returnToUser();
        assertEquals(List.of("B.signal(CORE,SIGSEGV)"), log);
        assertEquals(List.of(), tr.delivered, "the engine turned the core dump into IGN");
    }

    @Test
    @DisplayName("R-EVT-8 syscall tracing is on while an engine wants syscalls and cleared by reset")
    void R_EVT_8_syscallTracingIsOnWhileAnEngineWantsSyscallsAndClearedByReset() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, Event.mask(Event.EXEC));
        UtraceTask u = Hooks.utraceOf(t);
        Tracee tr = tracee(t);
        tr.syscall(1);
        assertEquals(0, u.flags & Event.SYSCALL, "not traced");
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, Event.mask(Event.EXEC, Event.SYSCALL_ENTRY)));
        assertTrue(Event.SYSCALL_ENTRY.in(u.flags), "setting the bit turns tracing on at once");
        tr.syscall(2);
        assertEquals(List.of("A.syscallEntry"), log);
        assertEquals(Outcome.DONE, utrace.setEvents(t, e, Event.mask(Event.EXEC)));
        assertTrue(Event.SYSCALL_ENTRY.in(u.flags), "set_events never narrows; the reset does");
        tr.syscall(3); // a spurious entry pass: the reset clears the tracing bit
        assertEquals(List.of("A.syscallEntry"), log);
        assertEquals(0, u.flags & Event.SYSCALL, "cleared once no engine wants syscall events");
        assertEquals(List.of(1L, 2L, 3L), tr.ran);
    }

    @Test
    @DisplayName("R-EVT-9 sigkill is never reported to engines")
    void R_EVT_9_sigkillIsNeverReportedToEngines() {
        FakeTask t = newTask();
        SigRec a = sigRec("A");
        attach(t, a, Event.SIGNAL_ALL | Event.QUIESCE.bit());
        assertEquals(-1, core.hooks().getSignal(t, new SignalInfo(), new SigAction()), "the pending attach is spliced first");
        t.queueSignal(Signals.SIGKILL);
        SignalInfo info = new SignalInfo();
        SigAction ka = new SigAction();
        assertEquals(Signals.SIGKILL, core.hooks().getSignal(t, info, ka), "dequeued and handed back untouched");
        assertEquals(Signals.SIGKILL, info.signo);
        assertEquals(SigAction.SIG_DFL, ka.handler);
        assertEquals(List.of(), log);
        // Other signals are reported as usual.
        t.queueSignal(Signals.SIGTERM);
        core.hooks().getSignal(t, new SignalInfo(), new SigAction());
        assertEquals(List.of("A.signal(TERM,SIGTERM)"), log);
    }
}
