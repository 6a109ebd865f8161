package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Real races on the engine lifetime (semantics reference, sections 2, 7, 8, 10, 11), each run
 * {@code race.iterations} times on two long-lived platform threads (see {@link RaceHarness}).
 * Every round uses a fresh task and fresh engines and checks, on the test thread:
 * <ul>
 * <li>{@code release} ran exactly once for every engine whose attach succeeded, and never
 * for a failed attach;
 * <li>no callback started after the controller's guarantee point (callbacks count
 * violations; nothing asserts inside a callback);
 * <li>exactly one side cleaned up the engine's data, the one the 10.3 table names for the
 * outcome the controller got;
 * <li>no engine leaked: the facade has no live engine once every reference is put.
 * </ul>
 * Each test prints how often each outcome occurred, so a run shows the race really overlapped.
 */
class Lifetime_RaceTest extends RaceFixture {
    // ---- (1) control(DETACH) vs death --------------------------------------------------

    @Test
    @DisplayName("R-CTL-3, R-CTL-DETACH, R-REAP-2: control(DETACH) races exit + death")
    void detachVersusDeath(TestInfo info) {
        race(info, i -> {
            FakeTask t = newTask();
            Tracee tracee = tracee(t);
            RaceOps ops = new RaceOps();
            RaceOps.Data data = new RaceOps.Data();
            boolean deathDetaches = ThreadLocalRandom.current().nextBoolean();
            ops.cleanInDeath = deathDetaches;
            ops.cleanInReap = !deathDetaches;
            ops.callbackSpin = RaceOps.spin();
            Engine e = attach(utrace, t, ops, Event.mask(Event.EXIT, Event.DEATH, Event.REAP), data);
            int[] atGuarantee = {-1};
            return new RaceHarness.Round() {
                @Override public void sideA() {
                    RaceHarness.jitter(50);
                    tracee.exit(0);
                }

                @Override public void sideB() {
                    RaceHarness.jitter(400);
                    Outcome o = utrace.control(t, e, ResumeAction.DETACH);
                    count(o.name());
                    switch (o) {
                        case DONE -> { // detached: no more callbacks; the caller cleans
                            atGuarantee[0] = guaranteePoint(ops, "DETACH returned DONE");
                            data.clean("controller");
                        }
                        case IN_PROGRESS -> { // the caller cleans, after the barrier
                            Outcome b = utrace.barrier(t, e);
                            count("IN_PROGRESS+barrier " + b);
                            if (b != Outcome.GONE && b != Outcome.DONE) ops.violation("barrier after DETACH gave " + b);
                            atGuarantee[0] = guaranteePoint(ops, "barrier returned " + b);
                            data.clean("controller");
                        }
                        case ALREADY -> { } // report_death is running or ran: the callbacks clean up
                        case GONE -> { // only possible if report_death detached it
                            if (!deathDetaches || ops.deaths.get() == 0) ops.violation("DETACH gave GONE before any detach");
                        }
                        default -> ops.violation("DETACH gave " + o);
                    }
                    e.put();
                }

                @Override public void check(int it) {
                    Tracee.reap(t, core.hooks());
                    if (atGuarantee[0] >= 0 && ops.entries.get() != atGuarantee[0]) {
                        fail("round " + it + ": a callback started after DETACH took effect");
                    }
                    checkEngine(it, "detach vs death", ops, data, 1);
                    checkNoLeak(it, utrace);
                    tasks.remove(t.tid);
                }
            };
        });
        assertTrue(seen.size() > 1 || RaceHarness.iterations() < 1000, () -> "the race never overlapped: " + seen);
    }

    // ---- (2) control(DETACH) vs reap ---------------------------------------------------

    @Test
    @DisplayName("R-CTL-3, R-REAP-3: control(DETACH) on a zombie races its reap")
    void detachVersusReap(TestInfo info) {
        race(info, i -> {
            FakeTask t = newTask();
            RaceOps ops = new RaceOps();
            RaceOps.Data data = new RaceOps.Data();
            ops.cleanInReap = true;
            boolean wantsDeath = ThreadLocalRandom.current().nextBoolean();
            Engine e = attach(utrace, t, ops, wantsDeath ? Event.mask(Event.DEATH, Event.REAP) : Event.mask(Event.REAP), data);
            tracee(t).exit(0); // a zombie whose death report (if any) is over
            int[] atGuarantee = {-1};
            return new RaceHarness.Round() {
                @Override public void sideA() {
                    RaceHarness.jitter(100);
                    Tracee.reap(t, core.hooks());
                }

                @Override public void sideB() {
                    RaceHarness.jitter(150);
                    Outcome o = utrace.control(t, e, ResumeAction.DETACH);
                    count(o.name());
                    switch (o) {
                        case DONE -> {
                            atGuarantee[0] = guaranteePoint(ops, "DETACH returned DONE");
                            data.clean("controller");
                        }
                        case GONE -> { } // the reap started: report_reap cleans up
                        default -> ops.violation("DETACH on a zombie gave " + o);
                    }
                    e.put();
                }

                @Override public void check(int it) {
                    if (atGuarantee[0] >= 0 && ops.entries.get() != atGuarantee[0]) {
                        fail("round " + it + ": report_reap ran after DETACH returned DONE");
                    }
                    checkEngine(it, "detach vs reap", ops, data, 1);
                    checkNoLeak(it, utrace);
                    tasks.remove(t.tid);
                }
            };
        });
        assertTrue(seen.size() > 1 || RaceHarness.iterations() < 1000, () -> "the race never overlapped: " + seen);
    }

    // ---- (3) barrier vs a running callback --------------------------------------------

    @Test
    @DisplayName("R-BAR-4, R-BAR-5, R-CTL-4, R-SET-5: DETACH/setEvents + barrier race a running callback")
    void barrierVersusRunningCallback(TestInfo info) {
        race(info, i -> {
            FakeTask t = newTask();
            Tracee tracee = tracee(t);
            RaceOps ops = new RaceOps();
            RaceOps.Data data = new RaceOps.Data();
            ops.callbackSpin = RaceOps.spin();
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            boolean quiesce = rnd.nextBoolean();
            boolean disableFirst = rnd.nextInt(3) == 0;
            Engine e = attach(utrace, t, ops, SYSCALL_EXIT | (quiesce ? Event.QUIESCE.bit() : 0), data);
            int[] atGuarantee = {-1};
            boolean[] done = {false};
            Object doneLock = new Object();
            return new RaceHarness.Round() {
                volatile boolean controllerDone;

                @Override public void sideA() {
                    for (int n = 0; n < 100 && !controllerDone; n++) tracee.syscall(1);
                    for (int n = 0; n < 3; n++) tracee.syscall(1); // no callback may start in these
                }

                @Override public void sideB() {
                    RaceHarness.jitter(300);
                    try {
                        if (disableFirst) {
                            Outcome s = utrace.setEvents(t, e, 0);
                            count("setEvents(0) " + s);
                            if (s == Outcome.IN_PROGRESS) {
                                Outcome b = utrace.barrier(t, e);
                                count("setEvents(0) IN_PROGRESS+barrier " + b);
                                if (b != Outcome.DONE) ops.violation("barrier after IN_PROGRESS (not detached) gave " + b);
                            } else if (s != Outcome.DONE) {
                                ops.violation("setEvents(0) gave " + s);
                            }
                            atGuarantee[0] = guaranteePoint(ops, "setEvents(0) took effect");
                        }
                        Outcome o = utrace.control(t, e, ResumeAction.DETACH);
                        count("DETACH " + o);
                        switch (o) {
                            case DONE -> { }
                            case IN_PROGRESS -> {
                                Outcome b = utrace.barrier(t, e);
                                count("DETACH IN_PROGRESS+barrier " + b);
                                if (b != Outcome.GONE && b != Outcome.DONE) ops.violation("barrier after DETACH gave " + b);
                            }
                            default -> ops.violation("DETACH on a running task gave " + o);
                        }
                        int at = guaranteePoint(ops, "DETACH " + o + " (+ barrier)");
                        if (atGuarantee[0] < 0) atGuarantee[0] = at;
                        else if (at != atGuarantee[0]) ops.violation("a callback ran after setEvents(0) took effect");
                        data.clean("controller");
                    } finally {
                        controllerDone = true;
                        e.put();
                    }
                }

                @Override public void check(int it) {
                    Tracee.exitAndReap(t, core.hooks());
                    if (ops.entries.get() != atGuarantee[0]) {
                        fail("round " + it + ": " + (ops.entries.get() - atGuarantee[0])
                                + " callback(s) started after the guarantee point");
                    }
                    checkEngine(it, "barrier vs callback", ops, data, 1);
                    checkNoLeak(it, utrace);
                    tasks.remove(t.tid);
                }
            };
        });
    }

    // ---- (4) revoke (bundle unload) vs a running callback -------------------------------

    /**
     * The controller holds its references across revoke() (ptrace-like). The passive variant,
     * where the tracee may drop the last reference during revoke(), fails today: see
     * {@link PendingBug_RevokeReleaseRaceTest}.
     */
    @Test
    @DisplayName("R-BAR-6, R-REF-5, R-REL-1, R-CTL-4: revoke() races running callbacks (references held)")
    void revokeVersusRunningCallback(TestInfo info) {
        race(info, i -> revokeRound(i, true));
    }

    // ---- (5) attach vs reap --------------------------------------------------------------

    @Test
    @DisplayName("R-ATT-5, R-REAP-3, R-REF-7: attach(CREATE) to a zombie races its reap")
    void attachVersusReap(TestInfo info) {
        race(info, i -> {
            FakeTask t = newTask();
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            RaceOps first = null;
            if (rnd.nextBoolean()) { // a task that already has an engine, or one that never had any
                first = new RaceOps();
                Engine f = attach(utrace, t, first, Event.mask(Event.REAP), null);
                f.put();
            }
            tracee(t).exit(0);
            RaceOps earlier = first;
            RaceOps ops = new RaceOps();
            RaceOps.Data data = new RaceOps.Data();
            ops.cleanInRelease = true;
            boolean[] attached = {false};
            return new RaceHarness.Round() {
                @Override public void sideA() {
                    RaceHarness.jitter(100);
                    Tracee.reap(t, core.hooks());
                }

                @Override public void sideB() {
                    RaceHarness.jitter(150);
                    ops.releaseForbidden = true;
                    AttachResult r = utrace.attach(t, AttachFlags.CREATE, ops, data);
                    count("attach " + r.outcome());
                    if (r.ok()) {
                        attached[0] = true;
                        Engine e = r.engine();
                        Outcome s = utrace.setEvents(t, e, Event.mask(Event.REAP));
                        count("attach DONE, setEvents(REAP) " + s);
                        if (s != Outcome.DONE && s != Outcome.GONE) ops.violation("setEvents(REAP) on a zombie gave " + s);
                        ops.releaseForbidden = false; // the reap may drop the attached reference, never ours
                        e.put();
                    } else {
                        ops.releaseForbidden = false;
                        if (r.outcome() != Outcome.GONE) ops.violation("attach gave " + r.outcome());
                        data.clean("attacher (failed attach, R-REF-7)");
                    }
                }

                @Override public void check(int it) {
                    checkEngine(it, "attach vs reap (" + (attached[0] ? "attached" : "refused") + ")", ops, data,
                            attached[0] ? 1 : 0);
                    if (earlier != null) checkEngine(it, "earlier engine", earlier, null, 1);
                    checkNoLeak(it, utrace);
                    tasks.remove(t.tid);
                }
            };
        });
        assertTrue(seen.size() > 1 || RaceHarness.iterations() < 1000, () -> "the race never overlapped: " + seen);
    }

    // ---- (6) setEvents(DEATH) vs death ---------------------------------------------------

    @Test
    @DisplayName("R-SET-3: setEvents(+DEATH) races exit + death")
    void setEventsDeathVersusDeath(TestInfo info) {
        race(info, i -> {
            FakeTask t = newTask();
            Tracee tracee = tracee(t);
            RaceOps ops = new RaceOps();
            RaceOps.Data data = new RaceOps.Data();
            ops.cleanInDeath = true; // report_death detaches and cleans; else report_reap cleans
            ops.cleanInReap = true;
            Engine e = attach(utrace, t, ops, Event.mask(Event.EXIT, Event.REAP), data);
            Outcome[] got = {null};
            return new RaceHarness.Round() {
                @Override public void sideA() {
                    RaceHarness.jitter(50);
                    tracee.exit(0);
                }

                @Override public void sideB() {
                    RaceHarness.jitter(300);
                    Outcome o = utrace.setEvents(t, e, Event.mask(Event.EXIT, Event.REAP, Event.DEATH));
                    got[0] = o;
                    count(o.name());
                    e.put();
                }

                @Override public void check(int it) {
                    Tracee.reap(t, core.hooks());
                    switch (got[0]) {
                        case DONE -> assertEquals(1, ops.deaths.get(), () -> "round " + it + ": DONE, so report_death must come");
                        case ALREADY -> assertEquals(0, ops.deaths.get(), () -> "round " + it + ": ALREADY, so no report_death");
                        default -> fail("round " + it + ": setEvents(+DEATH) gave " + got[0]);
                    }
                    checkEngine(it, "setEvents vs death", ops, data, 1);
                    checkNoLeak(it, utrace);
                    tasks.remove(t.tid);
                }
            };
        });
        assertTrue(seen.size() > 1 || RaceHarness.iterations() < 1000, () -> "the race never overlapped: " + seen);
    }
}
