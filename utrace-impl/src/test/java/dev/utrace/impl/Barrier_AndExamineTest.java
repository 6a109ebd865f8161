package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineState;
import dev.utrace.api.Event;
import dev.utrace.api.Examination;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.Reg;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Section 8: {@code utrace_barrier} (R-BAR-*) and examining a stopped task (R-EXAM-*). */
class Barrier_AndExamineTest extends CoreFixture {

    /** An engine whose exec callback blocks until released; the tracee runs the exec on its own thread. */
    private final class Blocked {
        final CountDownLatch in = new CountDownLatch(1);
        final CountDownLatch goOn = new CountDownLatch(1);
        final Thread tracee;

        Blocked(FakeTask t, Rec a) {
            a.during = (c, engine) -> {
                if (c.equals("exec")) {
                    in.countDown();
                    awaitLatch(goOn);
                    log.add(a.name + ".exec.end");
                }
                return null;
            };
            tracee = start("tracee-" + t.tid, () -> tracee(t).exec("x"));
            awaitLatch(in);
        }

        void release() {
            goOn.countDown();
            join(tracee);
        }
    }

    // ---- barrier ------------------------------------------------------------------------

    @Test
    @DisplayName("R-BAR-1: on the current task it returns at once even from its own callback")
    void R_BAR_1_onTheCurrentTaskItReturnsAtOnceEvenFromItsOwnCallback() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC);
        AtomicReference<Outcome> got = new AtomicReference<>();
        a.during = (c, engine) -> {
            got.set(utrace.barrier(t, engine)); // reporting == engine, but the caller is the task
            return null;
        };
        Thread th = start("tracee", () -> tracee(t).exec("x"));
        join(th); // would never finish if the barrier waited for its own callback
        assertEquals(Outcome.DONE, got.get());
    }

    @Test
    @DisplayName("R-BAR-2: waits while the engines callback runs then done")
    void R_BAR_2_waitsWhileTheEnginesCallbackRunsThenDone() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC);
        Blocked cb = new Blocked(t, a);
        AtomicReference<Outcome> got = new AtomicReference<>();
        AtomicReference<List<String>> seen = new AtomicReference<>();
        Thread b = start("barrier", () -> {
            got.set(utrace.barrier(t, e));
            seen.set(List.copyOf(log));
        });
        assertNull(got.get(), "reporting == engine: it must wait");
        cb.release();
        join(b);
        assertEquals(Outcome.DONE, got.get(), "attached and no callback running");
        assertEquals(List.of("A.exec", "A.exec.end"), seen.get());
    }

    @Test
    @DisplayName("R-BAR-2: done at once when another engines callback runs")
    void R_BAR_2_doneAtOnceWhenAnotherEnginesCallbackRuns() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        Engine ea = attach(t, a, EXEC);
        attach(t, b, EXEC);
        Blocked cb = new Blocked(t, b);
        try {
            assertEquals(Outcome.DONE, utrace.barrier(t, ea), "only this engine's callbacks count");
        } finally {
            cb.release();
        }
    }

    @Test
    @DisplayName("R-BAR-2: gone for a fully detached engine or a reaped task")
    void R_BAR_2_goneForAFullyDetachedEngineOrAReapedTask() {
        FakeTask t = newTask();
        Engine a = attach(t, rec("A"), EXEC);
        Engine b = attach(t, rec("B"), EXEC);
        Thread th = holdStopped(t, a);
        assertEquals(Outcome.DONE, utrace.control(t, a, ResumeAction.DETACH));
        join(th);
        assertEquals(Outcome.GONE, utrace.barrier(t, a), "fully detached");
        assertEquals(Outcome.DONE, utrace.barrier(t, b));
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(Outcome.GONE, utrace.barrier(t, b), "the task was reaped");
    }

    @Test
    @DisplayName("R-BAR-2: an interrupted caller gets interrupted and keeps its flag")
    void R_BAR_2_anInterruptedCallerGetsInterruptedAndKeepsItsFlag() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC);
        Blocked cb = new Blocked(t, a);
        try {
            Thread.currentThread().interrupt();
            assertEquals(Outcome.INTERRUPTED, utrace.barrier(t, e));
            assertTrue(Thread.interrupted(), "the interrupt flag is kept (and cleared here)");
        } finally {
            Thread.interrupted();
            cb.release();
        }
        assertEquals(Outcome.DONE, utrace.barrier(t, e), "call again later");
    }

    @Test
    @DisplayName("R-BAR-3: accepts a detached engine whatever task comes with it")
    void R_BAR_3_acceptsADetachedEngineWhateverTaskComesWithIt() {
        FakeTask t = newTask();
        FakeTask other = newTask();
        attach(other, rec("O"), EXEC);
        Engine e = attach(t, rec("A"), EXEC);
        Tracee.exitAndReap(t, core.hooks());
        tasks.remove(t.tid); // the tracer did not keep the task
        assertEquals(EngineState.DETACHED, e.state());
        assertEquals(Outcome.GONE, utrace.barrier(other, e), "the engine reference is enough");
        assertEquals(Outcome.GONE, utrace.barrier(t, e));
    }

    @Test
    @DisplayName("R-BAR-4: a done barrier means the last callbacks stop is in place")
    void R_BAR_4_aDoneBarrierMeansTheLastCallbacksStopIsInPlace() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC | QUIESCE);
        a.onExec = ResumeAction.STOP;
        Blocked cb = new Blocked(t, a);
        AtomicReference<Boolean> holdsAfterBarrier = new AtomicReference<>();
        Thread b = start("barrier", () -> {
            assertEquals(Outcome.DONE, utrace.barrier(t, e));
            holdsAfterBarrier.set(e.holdsStop());
        });
        assertFalse(e.holdsStop(), "the callback has not returned yet");
        // The tracee goes on to stop at its resume point; quiesce(0) keeps the stop.
        a.quiesce = ev -> ev == null ? ResumeAction.STOP : ResumeAction.RESUME;
        cb.goOn.countDown();
        join(b);
        assertEquals(Boolean.TRUE, holdsAfterBarrier.get(), "STOP returned by the callback is in place");
        await("stopped at the resume point", () -> t.utraceStopped);
        a.quiesce = ev -> ResumeAction.RESUME;
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME), "ordered after the callback");
        join(cb.tracee);
    }

    @Test
    @DisplayName("R-BAR-4: a callback that returned detach has really detached when the barrier returns")
    void R_BAR_4_aCallbackThatReturnedDetachHasReallyDetachedWhenTheBarrierReturns() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC);
        a.onExec = ResumeAction.DETACH;
        Blocked cb = new Blocked(t, a);
        AtomicReference<Outcome> got = new AtomicReference<>();
        AtomicReference<EngineState> state = new AtomicReference<>();
        Thread b = start("barrier", () -> {
            got.set(utrace.barrier(t, e));
            state.set(e.state());
        });
        cb.release();
        join(b);
        assertEquals(Outcome.GONE, got.get(), "never DONE for an engine that detached");
        assertEquals(EngineState.DETACHED, state.get());
    }

    @Test
    @DisplayName("R-BAR-5: after detach on a running task the barrier completes the detach and answers GONE")
    void R_BAR_5_afterDetachOnARunningTaskTheBarrierCompletesTheDetach() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, EXEC | QUIESCE);
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH));
        assertEquals(EngineState.DETACHING, e.state(), "marked; the kernel unlinks it at the task's next report point");
        // The task may not pass one for long (a job-control stop, a blocking syscall): the
        // barrier, which only has to wait for callbacks and none runs, finishes the detach.
        assertEquals(Outcome.GONE, utrace.barrier(t, e));
        assertEquals(EngineState.DETACHED, e.state());
        assertEquals(1, e.refCount(), "only our reference is left: the attached one was put");
        tracee(t).exec("p"); // the task's next event reaches no callback of the engine
        assertTrue(log.isEmpty(), log::toString);
        e.put();
    }

    @Test
    @DisplayName("R-BAR-5: after detach on a stopped task the barrier is gone at once")
    void R_BAR_5_afterDetachOnAStoppedTaskTheBarrierIsGoneAtOnce() {
        FakeTask t = newTask();
        Engine e = attach(t, rec("A"), EXEC);
        Thread th = holdStopped(t, e);
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH));
        assertEquals(Outcome.GONE, utrace.barrier(t, e));
        join(th);
    }

    @Test
    @DisplayName("R-BAR-6: after in progress detach the barrier makes freeing the data safe")
    void R_BAR_6_afterInProgressDetachTheBarrierMakesFreeingTheDataSafe() {
        FakeTask t = newTask();
        Rec a = rec("A");
        AtomicBoolean freed = new AtomicBoolean();
        AtomicBoolean usedAfterFree = new AtomicBoolean();
        Engine e = attach(utrace, t, a, EXEC, freed);
        CountDownLatch in = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        a.during = (c, engine) -> {
            in.countDown();
            awaitLatch(goOn);
            if (((AtomicBoolean) engine.data()).get()) usedAfterFree.set(true);
            return null;
        };
        Thread th = start("tracee", () -> tracee(t).exec("x"));
        awaitLatch(in);
        assertEquals(Outcome.IN_PROGRESS, utrace.control(t, e, ResumeAction.DETACH));
        Thread controller = start("controller", () -> {
            Outcome o = utrace.barrier(t, e);
            assertTrue(o == Outcome.DONE || o == Outcome.GONE, "barrier gave " + o);
            freed.set(true); // now free engine->data
        });
        goOn.countDown();
        join(controller);
        join(th);
        assertTrue(freed.get());
        assertFalse(usedAfterFree.get(), "the old callback never saw the freed data");
    }

    // ---- examine ------------------------------------------------------------------------

    @Test
    @DisplayName("R-EXAM-1: prepare needs a stop held by this engine")
    void R_EXAM_1_prepareNeedsAStopHeldByThisEngine() {
        FakeTask t = newTask();
        Engine a = attach(t, rec("A"), EXEC);
        Engine b = attach(t, rec("B"), EXEC);
        Examination exam = new Examination();
        assertEquals(Outcome.INVALID, utrace.prepareExamine(t, a, exam), "holds no stop");
        assertEquals(Outcome.IN_PROGRESS, utrace.control(t, a, ResumeAction.STOP));
        assertEquals(Outcome.AGAIN, utrace.prepareExamine(t, a, exam), "holds a stop but the task still runs");
        Thread th = holdStopped(t, a);
        assertEquals(Outcome.DONE, utrace.prepareExamine(t, a, exam));
        assertEquals(Outcome.INVALID, utrace.prepareExamine(t, b, new Examination()), "B holds no stop itself");
        assertEquals(Outcome.DONE, utrace.finishExamine(t, a, exam));
        assertEquals(Outcome.DONE, utrace.control(t, a, ResumeAction.RESUME));
        join(th);
    }

    @Test
    @DisplayName("R-EXAM-1: prepare on a dead task is gone and after sigkill again")
    void R_EXAM_1_prepareOnADeadTaskIsGoneAndAfterSigkillAgain() {
        FakeTask t = newTask();
        Engine e = attach(t, rec("A"), EXEC | REAP); // no death report: a DEATH callback's return would drop the stop
        Thread th = holdStopped(t, e);
        Tracee.kill(t, core.hooks());
        join(th); // SIGKILL woke it; the engine still holds its stop
        assertTrue(e.holdsStop());
        assertEquals(Outcome.AGAIN, utrace.prepareExamine(t, e, new Examination()), "running after SIGKILL");
        tracee(t).exit(9);
        assertTrue(e.holdsStop());
        assertEquals(Outcome.GONE, utrace.prepareExamine(t, e, new Examination()), "the task has an exit state");
        Tracee.reap(t, core.hooks());
    }

    @Test
    @DisplayName("R-EXAM-1: on the current task prepare and finish are done without a stop")
    void R_EXAM_1_onTheCurrentTaskPrepareAndFinishAreDoneWithoutAStop() {
        FakeTask t = newTask();
        Rec a = rec("A");
        attach(t, a, EXEC);
        AtomicReference<Outcome> prep = new AtomicReference<>();
        AtomicReference<Outcome> fin = new AtomicReference<>();
        a.during = (c, engine) -> {
            Examination x = new Examination();
            prep.set(utrace.prepareExamine(t, engine, x));
            fin.set(utrace.finishExamine(t, engine, x));
            return null;
        };
        join(start("tracee", () -> tracee(t).exec("x")));
        assertEquals(Outcome.DONE, prep.get());
        assertEquals(Outcome.DONE, fin.get(), "R-EXAM-2: 0 for current");
    }

    @Test
    @DisplayName("R-EXAM-2: finish is again when the task woke and stopped again meanwhile")
    void R_EXAM_2_finishIsAgainWhenTheTaskWokeAndStoppedAgainMeanwhile() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, QUIESCE);
        a.quiesce = ev -> ResumeAction.STOP; // every report keeps it stopped
        Thread th = holdStopped(t, e);
        UtraceTask u = Hooks.utraceOf(t);
        Examination exam = new Examination();
        assertEquals(Outcome.DONE, utrace.prepareExamine(t, e, exam));
        long gen = u.stopGeneration;
        // REPORT lets the task run to its report, where A says STOP again.
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.REPORT));
        await("stopped again", () -> u.stopGeneration != gen && t.utraceStopped && e.holdsStop());
        assertEquals(Outcome.AGAIN, utrace.finishExamine(t, e, exam), "it woke during the examination");
        assertEquals(Outcome.DONE, utrace.prepareExamine(t, e, exam), "a fresh examination works");
        assertEquals(Outcome.DONE, utrace.finishExamine(t, e, exam));
        a.quiesce = ev -> ResumeAction.RESUME;
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME));
        join(th);
    }

    @Test
    @DisplayName("R-EXAM-2: finish is again after sigkill and invalid without the stop")
    void R_EXAM_2_finishIsAgainAfterSigkillAndInvalidWithoutTheStop() {
        FakeTask t = newTask();
        Engine a = attach(t, rec("A"), EXEC);
        Engine b = attach(t, rec("B"), EXEC);
        Thread th = holdStopped(t, a, b);
        Examination ea = new Examination();
        Examination eb = new Examination();
        assertEquals(Outcome.DONE, utrace.prepareExamine(t, a, ea));
        assertEquals(Outcome.DONE, utrace.prepareExamine(t, b, eb));
        assertEquals(Outcome.DONE, utrace.control(t, a, ResumeAction.RESUME));
        assertTrue(t.utraceStopped, "B still holds it");
        assertEquals(Outcome.INVALID, utrace.finishExamine(t, a, ea), "A no longer holds a stop");
        Tracee.kill(t, core.hooks());
        join(th);
        assertEquals(Outcome.AGAIN, utrace.finishExamine(t, b, eb), "SIGKILL woke it: discard what was read");
    }

    @Test
    @DisplayName("R-EXAM-3: registers read between prepare and finish of a stopped task are valid")
    void R_EXAM_3_registersReadBetweenPrepareAndFinishOfAStoppedTaskAreValid() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, Event.SYSCALL_ENTRY.bit());
        a.onSyscallEntry = (action, unused) -> ResumeAction.STOP.code(); // stop at once, before the syscall
        Tracee tr = tracee(t);
        Thread th = start("tracee", () -> tr.syscall(60));
        await("stopped at syscall entry", () -> t.utraceStopped);
        Examination exam = new Examination();
        assertEquals(Outcome.DONE, utrace.prepareExamine(t, e, exam));
        long nr = t.register(Reg.ORIG_RAX);
        t.setRegister(Reg.RDI, 7);
        assertEquals(Outcome.DONE, utrace.finishExamine(t, e, exam), "what was read is valid");
        assertEquals(60, nr);
        a.onSyscallEntry = (action, unused) -> ResumeAction.RESUME.code();
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME));
        join(th);
        assertEquals(List.of(60L), tr.ran, "the syscall ran once the stop ended");
    }
}
