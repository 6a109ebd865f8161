package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineState;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.CloneFlags;
import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.spi.Machine;
import dev.utrace.spi.StepMode;
import dev.utrace.spi.TracedTask;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Section 5.1, 5.2 and 5.5: how callback return values combine (R-ACT-*) and resume points (R-RES-1). */
class Actions_CombineTest extends CoreFixture {

    /** A recording engine that also keeps the action argument of each reportExec. */
    static class Probe extends Rec {
        final List<ResumeAction> execActions = new CopyOnWriteArrayList<>();

        Probe(String name, List<String> log) {
            super(name, log);
        }

        @Override
        public ResumeAction reportExec(ResumeAction action, Engine engine, Task task, String format, ExecInfo exec) {
            execActions.add(action);
            return super.reportExec(action, engine, task, format, exec);
        }
    }

    Probe probe(String name) {
        return new Probe(name, log);
    }

    private static final List<ResumeAction> NON_STOP = List.of(ResumeAction.INTERRUPT, ResumeAction.REPORT,
            ResumeAction.SINGLESTEP, ResumeAction.BLOCKSTEP, ResumeAction.RESUME);

    @Test
    @DisplayName("R-ACT-1 the lowest action wins for every pair")
    void R_ACT_1_theLowestActionWinsForEveryPair() {
        for (ResumeAction x : NON_STOP) {
            for (ResumeAction y : NON_STOP) {
                FakeTask t = newTask();
                Probe a = probe("A");
                Probe b = probe("B");
                Probe c = probe("C");
                a.onExec = x;
                b.onExec = y;
                attach(t, a, Event.mask(Event.EXEC));
                attach(t, b, Event.mask(Event.EXEC));
                attach(t, c, Event.mask(Event.EXEC));
                tracee(t).exec("p");
                assertEquals(List.of(ResumeAction.RESUME), a.execActions);
                assertEquals(List.of(x), b.execActions);
                assertEquals(List.of(ResumeAction.min(x, y)), c.execActions, x + " with " + y);
            }
        }
    }

    @Test
    @DisplayName("R-ACT-1 blockstep becomes singlestep if another engine asks for it")
    void R_ACT_1_blockstepBecomesSinglestepIfAnotherEngineAsksForIt() {
        UtraceCore stepCore = new UtraceCore(new Machine() {
            @Override public String name() { return "block-step"; }
            @Override public TracedTask findTask(int tid) { return tasks.get(tid); }
            @Override public boolean canSingleStep() { return true; }
            @Override public boolean canBlockStep() { return true; }
        });
        UtraceFacade via = stepCore.facade("test");
        for (ResumeAction other : List.of(ResumeAction.RESUME, ResumeAction.SINGLESTEP)) {
            FakeTask t = newTask();
            Rec a = rec("A");
            Rec b = rec("B");
            a.onExec = ResumeAction.BLOCKSTEP;
            b.onExec = other;
            attach(via, t, a, Event.mask(Event.EXEC), null);
            attach(via, t, b, Event.mask(Event.EXEC), null);
            new Tracee(t, stepCore.hooks()).exec("p");
            assertEquals(other == ResumeAction.RESUME ? StepMode.BLOCK : StepMode.SINGLE, t.stepping, "with " + other);
        }
    }

    @Test
    @DisplayName("R-ACT-2 a return value does not override earlier engines")
    void R_ACT_2_aReturnValueDoesNotOverrideEarlierEngines() {
        FakeTask t = newTask();
        Probe a = probe("A");
        Probe b = probe("B");
        Probe c = probe("C");
        a.onExec = ResumeAction.REPORT;
        b.onExec = ResumeAction.RESUME;
        attach(t, a, Event.mask(Event.QUIESCE, Event.EXEC));
        attach(t, b, Event.mask(Event.EXEC));
        attach(t, c, Event.mask(Event.EXEC));
        tracee(t).exec("p");
        assertEquals(List.of(ResumeAction.REPORT), c.execActions, "B's RESUME did not lift A's REPORT");
        assertEquals(List.of("A.quiesce(EXEC)", "A.exec", "B.exec", "C.exec", "A.quiesce(0)"), log,
                "the task did the most constrained choice: a report");
    }

    @Test
    @DisplayName("R-ACT-3 a detach return is excluded and the engine is unlinked at the end of the pass")
    void R_ACT_3_aDetachReturnIsExcludedAndTheEngineIsUnlinkedAtTheEndOfThePass() {
        FakeTask t = newTask();
        Probe a = probe("A");
        Probe b = probe("B");
        a.quiesce = ev -> ev == Event.EXEC ? ResumeAction.DETACH : ResumeAction.RESUME;
        Engine ea = attach(t, a, Event.mask(Event.QUIESCE, Event.EXEC));
        attach(t, b, Event.mask(Event.EXEC));
        ea.put(); // no reference of ours: the unlink frees it
        int[] refsDuringB = new int[1];
        EngineState[] stateDuringB = new EngineState[1];
        b.during = (cb, e) -> {
            refsDuringB[0] = ea.refCount();
            stateDuringB[0] = ea.state();
            return null;
        };
        tracee(t).exec("p");
        assertEquals(List.of("A.quiesce(EXEC)", "B.exec", "A.release"), log,
                "no exec for A; B still called; A released when unlinked after the pass");
        assertEquals(List.of(ResumeAction.RESUME), b.execActions, "DETACH is not part of the combination");
        assertEquals(EngineState.DETACHING, stateDuringB[0], "marked at once, under the lock");
        assertEquals(1, refsDuringB[0], "still listed during the pass");
        assertEquals(EngineState.DETACHED, ea.state());
        assertEquals(1, a.releases.get());
    }

    @Test
    @DisplayName("R-ACT-4 stop is sticky until the engine returns something else")
    void R_ACT_4_stopIsStickyUntilTheEngineReturnsSomethingElse() {
        FakeTask t = newTask();
        Rec a = rec("A");
        a.onExec = ResumeAction.STOP;
        Engine ea = attach(t, a, Event.mask(Event.EXEC, Event.SYSCALL_EXIT));
        attach(t, rec("B"), Event.mask(Event.QUIESCE, Event.SYSCALL_EXIT));
        core.hooks().exec(t, "sim", new ExecInfo("p", List.of("p"), "sim"));
        assertTrue(ea.holdsStop(), "STOP sets the engine's stop bit");
        core.hooks().syscallExit(t); // A returns RESUME now
        assertFalse(ea.holdsStop(), "any other return clears it");
        tracee(t).returnToUser();
        assertFalse(t.utraceStopped);
        assertEquals(List.of("A.exec", "B.quiesce(EXEC)", "A.syscallExit", "B.quiesce(SYSCALL_EXIT)", "B.syscallExit",
                "B.quiesce(0)"), log, "B's report at the resume point did not stop the task");
    }

    @Test
    @DisplayName("R-ACT-4 a standing stop holds across passes that do not call the engine")
    void R_ACT_4_aStandingStopHoldsAcrossPassesThatDoNotCallTheEngine() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        a.onExec = ResumeAction.STOP;
        Engine ea = attach(t, a, Event.mask(Event.EXEC));
        attach(t, b, Event.mask(Event.QUIESCE, Event.EXEC)); // B's RESUME answers do not release A's stop
        Thread tr = start("tracee", () -> tracee(t).exec("p"));
        await("the task stops", () -> t.utraceStopped);
        assertEquals(List.of("A.exec", "B.quiesce(EXEC)", "B.exec", "B.quiesce(0)"), log);
        assertTrue(ea.holdsStop());
        assertEquals(Outcome.DONE, utrace.control(t, ea, ResumeAction.RESUME));
        join(tr);
        assertFalse(t.utraceStopped);
    }

    @Test
    @DisplayName("R-ACT-4 a stop return after a controller detached the engine is ignored")
    void R_ACT_4_aStopReturnAfterAControllerDetachedTheEngineIsIgnored() {
        FakeTask t = newTask();
        Rec a = rec("A");
        a.onExec = ResumeAction.STOP;
        Engine ea = attach(t, a, Event.mask(Event.EXEC));
        AtomicReference<Outcome> detach = new AtomicReference<>();
        a.during = (cb, e) -> {
            join(start("controller", () -> detach.set(utrace.control(t, ea, ResumeAction.DETACH))));
            return null;
        };
        Thread tr = start("tracee", () -> tracee(t).exec("p"));
        join(tr); // does not stop
        assertEquals(Outcome.IN_PROGRESS, detach.get());
        assertFalse(t.utraceStopped);
        assertFalse(ea.holdsStop());
        assertEquals(EngineState.DETACHED, ea.state());
    }

    @Test
    @DisplayName("R-ACT-5 the action argument starts at resume carries the minimum and is stop for a standing stop")
    void R_ACT_5_theActionArgumentStartsAtResumeCarriesTheMinimumAndIsStopForAStandingStop() {
        FakeTask t = newTask();
        Probe p = probe("P");
        Probe q = probe("Q");
        Engine ep = attach(t, p, Event.mask(Event.EXEC));
        attach(t, q, Event.mask(Event.QUIESCE, Event.EXEC));
        tracee(t).exec("first");
        assertEquals(List.of(ResumeAction.RESUME), p.execActions, "starts at RESUME");
        assertEquals(List.of(ResumeAction.RESUME), q.execActions);
        log.clear();
        assertEquals(Outcome.IN_PROGRESS, utrace.control(t, ep, ResumeAction.STOP));
        assertTrue(ep.holdsStop());
        tracee(t).exec("second");
        assertEquals(ResumeAction.STOP, p.execActions.get(1), "forced to STOP while P holds a stop");
        assertEquals(ResumeAction.STOP, q.execActions.get(1), "what would happen without Q");
        assertFalse(ep.holdsStop(), "P answered RESUME from exec");
        assertFalse(t.utraceStopped, "nobody holds a stop at the resume point");
        assertEquals(List.of("P.exec", "Q.quiesce(EXEC)", "Q.exec", "Q.quiesce(0)"), log);
    }

    @Test
    @DisplayName("R-ACT-6 a stop from exec is deferred to the resume point")
    void R_ACT_6_aStopFromExecIsDeferredToTheResumePoint() {
        FakeTask t = newTask();
        Rec a = rec("A");
        a.onExec = ResumeAction.STOP;
        a.quiesce = ev -> ev == null ? ResumeAction.STOP : ResumeAction.RESUME;
        Engine ea = attach(t, a, Event.mask(Event.QUIESCE, Event.EXEC));
        core.hooks().exec(t, "sim", new ExecInfo("p", List.of("p"), "sim"));
        assertFalse(t.utraceStopped, "the exec hook returned without stopping");
        assertEquals(List.of("A.quiesce(EXEC)", "A.exec"), log);
        assertTrue(t.notifyResume, "a REPORT is owed at the resume point");
        Thread tr = start("tracee", () -> tracee(t).returnToUser());
        await("stopped at the resume point", () -> t.utraceStopped);
        assertEquals(List.of("A.quiesce(EXEC)", "A.exec", "A.quiesce(0)"), log);
        a.quiesce = ev -> ResumeAction.RESUME;
        assertEquals(Outcome.DONE, utrace.control(t, ea, ResumeAction.RESUME));
        join(tr);
    }

    @Test
    @DisplayName("R-ACT-6 syscall entry and exit stop at once")
    void R_ACT_6_syscallEntryAndExitStopAtOnce() {
        FakeTask t = newTask();
        Rec a = rec("A");
        a.onSyscallEntry = (action, unused) -> ResumeAction.STOP.code();
        a.onExit = ResumeAction.STOP;
        Engine ea = attach(t, a, Event.mask(Event.SYSCALL_ENTRY, Event.EXIT, Event.DEATH));
        Tracee tr = tracee(t);
        Thread th = start("tracee", () -> tr.syscall(42));
        await("stopped at syscall entry", () -> t.utraceStopped);
        assertEquals(List.of(), tr.ran, "before the syscall runs");
        assertEquals(Outcome.DONE, utrace.control(t, ea, ResumeAction.RESUME));
        join(th);
        assertEquals(List.of(42L), tr.ran);
        log.clear();
        Thread ex = start("exiting", () -> tr.exit(0));
        await("stopped at exit", () -> t.utraceStopped);
        assertEquals(TaskState.EXITING, t.state, "stopped before teardown");
        assertEquals(List.of("A.exit"), log, "no death yet");
        assertEquals(Outcome.DONE, utrace.control(t, ea, ResumeAction.RESUME));
        join(ex);
        assertEquals(List.of("A.exit", "A.death"), log);
    }

    @Test
    @DisplayName("R-ACT-6 a vfork stop comes before the vfork wait")
    void R_ACT_6_aVforkStopComesBeforeTheVforkWait() {
        FakeTask t = newTask();
        Rec a = rec("A");
        a.onClone = ResumeAction.STOP;
        Engine ea = attach(t, a, Event.mask(Event.CLONE));
        List<String> steps = new CopyOnWriteArrayList<>();
        Thread th = start("parent", () -> {
            core.hooks().clone(t, CloneFlags.CLONE_VFORK | CloneFlags.CLONE_VM, newTask());
            steps.add("clone returned");
            core.hooks().finishVfork(t);
            steps.add("vfork wait");
        });
        await("stopped", () -> t.utraceStopped);
        assertEquals(List.of("clone returned"), steps, "stopped in finishVfork, before the wait");
        assertEquals(Outcome.DONE, utrace.control(t, ea, ResumeAction.RESUME));
        join(th);
        assertEquals(List.of("clone returned", "vfork wait"), steps);
    }

    @Test
    @DisplayName("R-ACT-7 a spurious pass recomputes the flags")
    void R_ACT_7_aSpuriousPassRecomputesTheFlags() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine ea = attach(t, a, Event.mask(Event.EXEC, Event.CLONE));
        UtraceTask u = Hooks.utraceOf(t);
        assertEquals(Outcome.DONE, utrace.setEvents(t, ea, Event.mask(Event.CLONE)));
        assertTrue(Event.EXEC.in(u.flags), "stale until a reset");
        tracee(t).exec("p"); // nobody is called
        assertEquals(List.of(), log);
        assertFalse(Event.EXEC.in(u.flags), "the spurious pass reset the flags");
        assertEquals(Event.mask(Event.CLONE, Event.REAP), u.flags);
    }

    @Test
    @DisplayName("R-RES-1 a later quiesce zero round decides whether the task steps")
    void R_RES_1_aLaterQuiesceZeroRoundDecidesWhetherTheTaskSteps() {
        for (ResumeAction finalWord : List.of(ResumeAction.RESUME, ResumeAction.SINGLESTEP)) {
            FakeTask t = newTask();
            Rec a = rec("A");
            Rec b = rec("B");
            a.onExec = ResumeAction.SINGLESTEP;
            a.quiesce = ev -> ev == null ? finalWord : ResumeAction.RESUME;
            b.onExec = ResumeAction.REPORT;
            attach(t, a, Event.mask(Event.QUIESCE, Event.EXEC));
            attach(t, b, Event.mask(Event.QUIESCE, Event.EXEC));
            log.clear();
            tracee(t).exec("p");
            assertEquals(List.of("A.quiesce(EXEC)", "A.exec", "B.quiesce(EXEC)", "B.exec", "A.quiesce(0)", "B.quiesce(0)"), log);
            assertEquals(finalWord == ResumeAction.SINGLESTEP ? StepMode.SINGLE : StepMode.NONE, t.stepping,
                    "the step from report_exec is not guaranteed; quiesce(0) has the last word (" + finalWord + ")");
        }
    }
}
