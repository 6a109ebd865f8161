package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SignalAction;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Section 5.3: report_signal and signal actions (R-SIG-*). */
class Signal_ReportTest extends CoreFixture {

    private static final long HANDLER = 0x4000;

    /** Attaches and passes the pending-attach splice, so the next getSignal looks at real signals. */
    private Engine attachSettled(FakeTask t, Rec r, long events) {
        Engine e = attach(t, r, events);
        Hooks.utraceOf(t).lock.lock();
        Hooks.utraceOf(t).spliceAttaching();
        Hooks.utraceOf(t).lock.unlock();
        return e;
    }

    /**
     * The kernel's get_signal_to_deliver loop: the same info across every round, as in the
     * kernel (the core relies on it to re-report a held signal, R-SIG-4).
     */
    private static int signalLoop(dev.utrace.spi.TraceHooks hooks, FakeTask t, SignalInfo info, SigAction ka, List<String> delivered) {
        for (int guard = 0; guard < 100; guard++) {
            int r = hooks.getSignal(t, info, ka);
            if (r < 0) continue;
            if (r == 0) return 0;
            delivered.add((ka.isHandler() ? "handler " : "default ") + Signals.name(r) + " for " + Signals.name(info.signo));
            return r;
        }
        throw new AssertionError("signal loop did not settle");
    }

    @Test
    @DisplayName("R-SIG-1 each engine sees the previous signal action and the last one is final")
    void R_SIG_1_eachEngineSeesThePreviousSignalActionAndTheLastOneIsFinal() {
        FakeTask t = newTask();
        t.setDisposition(Signals.SIGUSR1, HANDLER);
        SigRec a = sigRec("A");
        SigRec b = sigRec("B");
        a.onSignal = (action, info, ka) -> SignalAction.IGN.with(ResumeAction.RESUME);
        b.onSignal = (action, info, ka) -> SignalAction.DELIVER.with(ResumeAction.RESUME);
        attachSettled(t, a, Event.mask(Event.SIGNAL));
        attachSettled(t, b, Event.mask(Event.SIGNAL));
        t.queueSignal(Signals.SIGUSR1);
        Tracee tr = tracee(t);
        tr.returnToUser();
        assertEquals(List.of("A.signal(DELIVER,SIGUSR1)", "B.signal(IGN,SIGUSR1)"), log);
        assertEquals(List.of("handler SIGUSR1"), tr.delivered, "B's DELIVER overrode A's IGN");

        log.clear();
        a.onSignal = (action, info, ka) -> SignalAction.DELIVER.with(ResumeAction.RESUME);
        b.onSignal = (action, info, ka) -> SignalAction.IGN.with(ResumeAction.RESUME);
        t.queueSignal(Signals.SIGUSR1);
        tr.returnToUser();
        assertEquals(List.of("A.signal(DELIVER,SIGUSR1)", "B.signal(DELIVER,SIGUSR1)"), log);
        assertEquals(List.of("handler SIGUSR1"), tr.delivered, "the second signal was ignored by the last engine");
    }

    @Test
    @DisplayName("R-SIG-2 report or interrupt returned from report signal act as resume")
    void R_SIG_2_reportOrInterruptReturnedFromReportSignalActAsResume() {
        for (ResumeAction asked : List.of(ResumeAction.REPORT, ResumeAction.INTERRUPT)) {
            FakeTask t = newTask();
            SigRec a = sigRec("A");
            SigRec b = sigRec("B");
            a.onSignal = (action, info, ka) -> SignalAction.IGN.with(asked);
            attachSettled(t, a, Event.QUIESCE.bit() | Event.SIGNAL_ALL);
            attachSettled(t, b, Event.SIGNAL_ALL);
            log.clear();
            t.queueSignal(Signals.SIGUSR2);
            tracee(t).returnToUser();
            assertEquals(List.of("A.signal(TERM,SIGUSR2)", "B.signal(IGN,SIGUSR2)"), log, "no report loop after " + asked);
            assertEquals(ResumeAction.RESUME, ResumeAction.of(b.lastAction), "B saw RESUME, not " + asked);
        }
    }

    @Test
    @DisplayName("R-SIG-3 info is writable return ka decides deliver and orig ka is null for reports")
    void R_SIG_3_infoIsWritableReturnKaDecidesDeliverAndOrigKaIsNullForReports() {
        FakeTask t = newTask();
        SigRec a = sigRec("A");
        a.onSignal = (action, info, ka) -> {
            if (SignalAction.of(action) == SignalAction.REPORT) return SignalAction.REPORT.with(ResumeAction.RESUME);
            info.signo = Signals.SIGUSR2;
            ka.handler = HANDLER;
            return SignalAction.DELIVER.with(ResumeAction.RESUME);
        };
        Engine e = attachSettled(t, a, Event.QUIESCE.bit() | Event.SIGNAL_ALL);
        t.queueSignal(Signals.SIGUSR1); // default action: terminate
        Tracee tr = tracee(t);
        tr.returnToUser();
        assertEquals(List.of("handler SIGUSR2"), tr.delivered, "the changed number, with the handler from return_ka");
        assertNotNull(a.lastOrigKa, "a real signal comes with its disposition");
        assertEquals(SigAction.SIG_DFL, a.lastOrigKa.handler, "orig_ka is the task's own disposition, untouched");
        assertEquals(SigAction.SIG_DFL, t.signalDisposition(Signals.SIGUSR1).handler);
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.INTERRUPT));
        tr.returnToUser();
        assertEquals(List.of("A.signal(TERM,SIGUSR1)", "A.signal(REPORT,0)"), log);
        assertNull(a.lastOrigKa, "orig_ka is null for a REPORT report");
    }

    @Test
    @DisplayName("R-SIG-4 an engine holds a signal with stop ign and reinjects it after interrupt")
    void R_SIG_4_anEngineHoldsASignalWithStopIgnAndReinjectsItAfterInterrupt() {
        FakeTask t = newTask();
        SigRec a = sigRec("A");
        AtomicInteger calls = new AtomicInteger();
        a.onSignal = (action, info, ka) -> {
            if (calls.incrementAndGet() == 1) return SignalAction.IGN.with(ResumeAction.STOP); // hold it
            ka.handler = HANDLER;
            return SignalAction.DELIVER.with(ResumeAction.RESUME); // re-inject
        };
        Engine e = attachSettled(t, a, Event.QUIESCE.bit() | Event.SIGNAL_ALL);
        t.queueSignal(Signals.SIGUSR1);
        List<String> delivered = new CopyOnWriteArrayList<>();
        SignalInfo info = new SignalInfo();
        Thread th = start("tracee", () -> signalLoop(core.hooks(), t, info, new SigAction(), delivered));
        await("stopped holding the signal", () -> t.utraceStopped);
        assertEquals(List.of(), delivered);
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.INTERRUPT));
        join(th);
        assertEquals(List.of("A.signal(TERM,SIGUSR1)", "A.signal(REPORT,SIGUSR1)"), log,
                "the report after INTERRUPT still carries the held signal in info");
        assertEquals(List.of("handler SIGUSR1 for SIGUSR1"), delivered);
    }

    @Test
    @DisplayName("R-SIG-5 hold pushes the signal back onto the queue")
    void R_SIG_5_holdPushesTheSignalBackOntoTheQueue() {
        FakeTask t = newTask();
        t.setDisposition(Signals.SIGUSR1, HANDLER);
        SigRec a = sigRec("A");
        a.onSignal = (action, info, ka) -> SignalAction.IGN.with(ResumeAction.RESUME) | SignalAction.HOLD;
        attachSettled(t, a, Event.mask(Event.SIGNAL));
        t.queueSignal(Signals.SIGUSR1);
        assertEquals(-1, core.hooks().getSignal(t, new SignalInfo(), new SigAction()), "ignored now");
        assertEquals(1, t.queued(), "and seen again later");
        a.onSignal = (action, info, ka) -> SignalAction.DELIVER.with(ResumeAction.RESUME) | SignalAction.HOLD;
        SignalInfo info = new SignalInfo();
        assertEquals(Signals.SIGUSR1, core.hooks().getSignal(t, info, new SigAction()), "delivered now");
        assertEquals(1, t.queued(), "and queued again");
        a.onSignal = (action, info2, ka) -> SignalAction.IGN.with(ResumeAction.RESUME);
        assertEquals(-1, core.hooks().getSignal(t, new SignalInfo(), new SigAction()));
        assertEquals(0, t.queued(), "without HOLD it is consumed");
        assertEquals(3, log.size());
    }

    @Test
    @DisplayName("R-SIG-6 a fatal signal after a stop at the signal point dequeues only sigkill")
    void R_SIG_6_aFatalSignalAfterAStopAtTheSignalPointDequeuesOnlySigkill() {
        FakeTask t = newTask();
        SigRec a = sigRec("A");
        a.onSignal = (action, info, ka) -> SignalAction.IGN.with(ResumeAction.STOP);
        attachSettled(t, a, Event.SIGNAL_ALL);
        t.queueSignal(Signals.SIGUSR1);
        SignalInfo info = new SignalInfo();
        SigAction ka = new SigAction();
        AtomicReference<Integer> got = new AtomicReference<>();
        Thread th = start("tracee", () -> got.set(core.hooks().getSignal(t, info, ka)));
        await("stopped", () -> t.utraceStopped);
        t.queueSignal(Signals.SIGUSR2);
        Tracee.kill(t, core.hooks());
        join(th);
        assertEquals(Signals.SIGKILL, got.get());
        assertEquals(Signals.SIGKILL, info.signo);
        assertEquals(1, t.queued(), "SIGUSR2 is left alone");
        assertEquals(List.of("A.signal(TERM,SIGUSR1)"), log, "no further report");
        assertFalse(t.utraceStopped);
    }

    @Test
    @DisplayName("R-SIG-7 a bogus signo is replaced by sigtrap")
    void R_SIG_7_aBogusSignoIsReplacedBySigtrap() {
        FakeTask t = newTask();
        SigRec a = sigRec("A");
        a.onSignal = (action, info, ka) -> {
            info.signo = 0x80 | Signals.SIGUSR1;
            return SignalAction.TERM.with(ResumeAction.RESUME);
        };
        attachSettled(t, a, Event.SIGNAL_ALL);
        t.queueSignal(Signals.SIGUSR1);
        SignalInfo info = new SignalInfo();
        assertEquals(Signals.SIGTERM, core.hooks().getSignal(t, info, new SigAction()), "the stand-in for TERM");
        assertEquals(Signals.SIGTRAP, info.signo);
    }

    @Test
    @DisplayName("R-SIG-8 a handler report follows when an engine wanted more than resume")
    void R_SIG_8_aHandlerReportFollowsWhenAnEngineWantedMoreThanResume() {
        FakeTask t = newTask();
        t.setDisposition(Signals.SIGUSR1, HANDLER);
        SigRec a = sigRec("A");
        a.onSignal = (action, info, ka) -> SignalAction.of(action) == SignalAction.DELIVER
                ? SignalAction.DELIVER.with(ResumeAction.SINGLESTEP) : SignalAction.of(action).with(ResumeAction.RESUME);
        attachSettled(t, a, Event.mask(Event.QUIESCE, Event.SIGNAL));
        t.queueSignal(Signals.SIGUSR1);
        Tracee tr = tracee(t);
        tr.returnToUser(); // deliver, set up the frame (not stepping), then the forced report
        assertEquals(List.of("handler SIGUSR1"), tr.delivered);
        assertEquals(List.of("A.signal(DELIVER,SIGUSR1)", "A.signal(HANDLER,0)"), log);
        assertFalse(Hooks.utraceOf(t).signalHandler, "the flag is consumed");
    }

    @Test
    @DisplayName("R-SIG-8 stepping into a handler forces a handler report that replaces a requested report")
    void R_SIG_8_steppingIntoAHandlerForcesAHandlerReportThatReplacesARequestedReport() {
        FakeTask t = newTask();
        t.setDisposition(Signals.SIGUSR1, HANDLER);
        SigRec a = sigRec("A");
        Engine e = attachSettled(t, a, Event.mask(Event.QUIESCE, Event.SIGNAL));
        t.queueSignal(Signals.SIGUSR1);
        SigAction ka = new SigAction();
        assertEquals(Signals.SIGUSR1, core.hooks().getSignal(t, new SignalInfo(), ka));
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.REPORT));
        core.hooks().signalHandler(t, true);
        tracee(t).returnToUser();
        assertEquals(List.of("A.signal(DELIVER,SIGUSR1)", "A.signal(HANDLER,0)"), log, "HANDLER, not REPORT or quiesce(0)");

        log.clear();
        t.queueSignal(Signals.SIGUSR1);
        assertEquals(Signals.SIGUSR1, core.hooks().getSignal(t, new SignalInfo(), ka));
        core.hooks().signalHandler(t, false); // not stepping, nothing asked: only notify-resume clears the flag
        assertEquals(true, t.notifyResume);
        tracee(t).returnToUser();
        assertEquals(List.of("A.signal(DELIVER,SIGUSR1)"), log);
        assertFalse(Hooks.utraceOf(t).signalHandler);
    }
}
