package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineState;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Section 4 of the semantics reference: callback environment (R-EVT-1..5) and ordering (R-EVT-ORD-*). */
class Events_OrderTest extends CoreFixture {

    private static final long ALL_BUT_SIGNALS = Event.ALL & ~Event.SIGNAL_ALL;

    /** Records the thread of every callback and whether the task's lock was held then. */
    private Map<String, Thread> threadsOf(Rec r, UtraceTask[] u, List<String> lockedIn) {
        Map<String, Thread> m = new ConcurrentHashMap<>();
        r.during = (cb, e) -> {
            m.put(cb, Thread.currentThread());
            if (u[0] != null && u[0].lock.isLocked()) lockedIn.add(cb);
            return null;
        };
        return m;
    }

    @Test
    @DisplayName("R-EVT-1 callbacks run on the tracees thread with no lock held")
    void R_EVT_1_callbacksRunOnTheTraceesThreadWithNoLockHeld() {
        FakeTask t = newTask();
        Rec a = rec("A");
        attach(t, a, ALL_BUT_SIGNALS);
        UtraceTask[] u = {Hooks.utraceOf(t)};
        List<String> locked = new CopyOnWriteArrayList<>();
        Map<String, Thread> threads = threadsOf(a, u, locked);
        Thread tracee = start("tracee", () -> {
            Tracee tr = tracee(t);
            tr.exec("p");
            tr.syscall(1);
            tr.clone(0, newTask());
            tr.exit(0);
        });
        join(tracee);
        for (String cb : List.of("quiesce(EXEC)", "exec", "syscallEntry", "syscallExit", "clone", "exit", "death")) {
            assertSame(tracee, threads.get(cb), cb + " runs in the tracee's context");
        }
        assertEquals(List.of(), locked, "no core lock is held around a callback");
    }

    @Test
    @DisplayName("R-EVT-2 report reap runs in the reapers thread")
    void R_EVT_2_reportReapRunsInTheReapersThread() {
        FakeTask t = newTask();
        Rec a = rec("A");
        attach(t, a, Event.mask(Event.DEATH, Event.REAP));
        List<String> locked = new CopyOnWriteArrayList<>();
        Map<String, Thread> threads = threadsOf(a, new UtraceTask[] {Hooks.utraceOf(t)}, locked);
        Thread dying = start("dying", () -> tracee(t).exit(0));
        join(dying);
        Thread reaper = start("reaper", () -> Tracee.reap(t, core.hooks()));
        join(reaper);
        assertSame(dying, threads.get("death"));
        assertSame(reaper, threads.get("reap"), "the parent's wait, not the dead task");
        assertEquals(List.of(), locked);
    }

    @Test
    @DisplayName("R-EVT-3 a callback may call the api on its own task")
    void R_EVT_3_aCallbackMayCallTheApiOnItsOwnTask() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Engine e = attach(t, a, Event.mask(Event.QUIESCE, Event.EXEC, Event.SYSCALL_EXIT));
        List<Outcome> got = new CopyOnWriteArrayList<>();
        a.during = (cb, engine) -> {
            if (cb.equals("exec")) {
                got.add(utrace.setEvents(t, engine, Event.mask(Event.QUIESCE, Event.EXEC))); // removes a bit
                got.add(utrace.barrier(t, engine));
                got.add(utrace.control(t, engine, ResumeAction.INTERRUPT));
            }
            return null;
        };
        tracee(t).exec("p");
        assertEquals(List.of(Outcome.DONE, Outcome.DONE, Outcome.DONE), got,
                "never IN_PROGRESS on current; the barrier returns at once");
        assertEquals(List.of("A.quiesce(EXEC)", "A.exec", "A.quiesce(0)"), log, "the INTERRUPT gave a report");
        assertEquals(Event.mask(Event.QUIESCE, Event.EXEC), e.events());
    }

    @Test
    @DisplayName("R-EVT-3 self detach via control from own callback is in progress")
    void R_EVT_3_selfDetachViaControlFromOwnCallbackIsInProgress() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        Engine e = attach(t, a, Event.mask(Event.QUIESCE, Event.EXEC));
        attach(t, b, Event.mask(Event.EXEC));
        AtomicReference<Outcome> got = new AtomicReference<>();
        a.during = (cb, engine) -> {
            if (cb.equals("quiesce(EXEC)")) got.set(utrace.control(t, engine, ResumeAction.DETACH));
            return null;
        };
        tracee(t).exec("p");
        assertEquals(Outcome.IN_PROGRESS, got.get(), "reporting == engine");
        assertEquals(List.of("A.quiesce(EXEC)", "B.exec"), log, "no further callback to A after the detach");
        assertEquals(EngineState.DETACHED, e.state());
    }

    @Test
    @DisplayName("R-EVT-4 adding the event in report quiesce gives the callback for this occurrence")
    void R_EVT_4_addingTheEventInReportQuiesceGivesTheCallbackForThisOccurrence() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        Engine ea = attach(t, a, Event.mask(Event.QUIESCE));
        attach(t, b, Event.mask(Event.EXEC));
        a.during = (cb, e) -> {
            if (cb.equals("quiesce(EXEC)")) assertEquals(Outcome.DONE, utrace.setEvents(t, e, Event.mask(Event.QUIESCE, Event.EXEC)));
            return null;
        };
        tracee(t).exec("p");
        assertEquals(List.of("A.quiesce(EXEC)", "A.exec", "B.exec"), log, "flags are re-read after quiesce");
        assertTrue(Event.EXEC.in(ea.events()));
    }

    @Test
    @DisplayName("R-EVT-5 a quiesce engine hears of every event some other engine wants")
    void R_EVT_5_aQuiesceEngineHearsOfEveryEventSomeOtherEngineWants() {
        FakeTask t = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        attach(t, a, Event.mask(Event.QUIESCE));
        Engine eb = attach(t, b, Event.mask(Event.EXEC));
        Tracee tr = tracee(t);
        tr.exec("p");
        tr.syscall(1); // nobody wants syscalls: no pass at all
        assertEquals(List.of("A.quiesce(EXEC)", "B.exec"), log);
        assertEquals(Outcome.DONE, utrace.setEvents(t, eb, Event.mask(Event.CLONE)));
        log.clear();
        tr.clone(0, newTask());
        assertEquals(List.of("A.quiesce(CLONE)", "B.clone"), log);
    }

    @Test
    @DisplayName("R-EVT-ORD-1 syscall entry visits engines in reverse quiesce included others forward")
    void R_EVT_ORD_1_syscallEntryVisitsEnginesInReverseQuiesceIncludedOthersForward() {
        FakeTask t = newTask();
        long m = Event.mask(Event.QUIESCE, Event.SYSCALL_ENTRY, Event.SYSCALL_EXIT, Event.EXEC);
        attach(t, rec("A"), m);
        attach(t, rec("B"), m);
        attach(t, rec("C"), m);
        Tracee tr = tracee(t);
        tr.syscall(1);
        assertEquals(List.of(
                "C.quiesce(SYSCALL_ENTRY)", "C.syscallEntry",
                "B.quiesce(SYSCALL_ENTRY)", "B.syscallEntry",
                "A.quiesce(SYSCALL_ENTRY)", "A.syscallEntry",
                "A.quiesce(SYSCALL_EXIT)", "A.syscallExit",
                "B.quiesce(SYSCALL_EXIT)", "B.syscallExit",
                "C.quiesce(SYSCALL_EXIT)", "C.syscallExit"), log);
        log.clear();
        tr.exec("p");
        assertEquals(List.of("A.quiesce(EXEC)", "A.exec", "B.quiesce(EXEC)", "B.exec", "C.quiesce(EXEC)", "C.exec"), log);
    }

    @Test
    @DisplayName("R-EVT-ORD-2 calls are interleaved per engine not all quiesces first")
    void R_EVT_ORD_2_callsAreInterleavedPerEngineNotAllQuiescesFirst() {
        FakeTask t = newTask();
        attach(t, rec("E1"), Event.mask(Event.QUIESCE, Event.EXEC));
        attach(t, rec("E2"), Event.mask(Event.QUIESCE, Event.EXEC));
        attach(t, rec("E3"), Event.mask(Event.EXEC)); // no quiesce for it
        tracee(t).exec("p");
        assertEquals(List.of("E1.quiesce(EXEC)", "E1.exec", "E2.quiesce(EXEC)", "E2.exec", "E3.exec"), log);
    }

    @Test
    @DisplayName("R-EVT-ORD-3 exit then death then reap each per engine")
    void R_EVT_ORD_3_exitThenDeathThenReapEachPerEngine() {
        FakeTask t = newTask();
        long all = Event.mask(Event.QUIESCE, Event.EXIT, Event.DEATH, Event.REAP);
        attach(t, rec("A"), all);
        attach(t, rec("B"), all);
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(List.of(
                "A.quiesce(EXIT)", "A.exit", "B.quiesce(EXIT)", "B.exit",
                "A.quiesce(DEATH)", "A.death", "B.quiesce(DEATH)", "B.death",
                "A.reap", "B.reap"), log, "no quiesce before reap");
    }

    @Test
    @DisplayName("R-EVT-ORD-3 a detach from report death means no report reap")
    void R_EVT_ORD_3_aDetachFromReportDeathMeansNoReportReap() {
        FakeTask t = newTask();
        Rec a = rec("A");
        a.onDeath = e -> ResumeAction.DETACH;
        attach(t, a, Event.mask(Event.DEATH, Event.REAP));
        attach(t, rec("B"), Event.mask(Event.DEATH, Event.REAP));
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(List.of("A.death", "B.death", "B.reap"), log);
    }

    @Test
    @DisplayName("R-EVT-ORD-3 report reap comes after report death returned even when the parent reaps meanwhile")
    void R_EVT_ORD_3_reportReapComesAfterReportDeathReturnedEvenWhenTheParentReapsMeanwhile() {
        FakeTask t = newTask();
        Rec a = rec("A");
        attach(t, a, Event.mask(Event.DEATH, Event.REAP));
        AtomicReference<Thread> reapThread = new AtomicReference<>();
        a.during = (cb, e) -> {
            if (cb.equals("death")) {
                Thread parent = start("parent", () -> Tracee.reap(t, core.hooks()));
                join(parent); // the parent's release_task returns: it must not run report_reap now
                log.add("parent reaped");
            } else {
                reapThread.set(Thread.currentThread());
            }
            return null;
        };
        Thread dying = start("dying", () -> tracee(t).exit(0));
        join(dying);
        assertEquals(List.of("A.death", "parent reaped", "A.reap"), log);
        assertSame(dying, reapThread.get(), "the dying thread tears down after its death report");
    }

    @Test
    @DisplayName("R-EVT-ORD-4 a quiesce zero or report signal is the last callback before user mode")
    void R_EVT_ORD_4_aQuiesceZeroOrReportSignalIsTheLastCallbackBeforeUserMode() {
        FakeTask t = newTask();
        Rec a = rec("A");
        a.onExec = ResumeAction.REPORT;
        attach(t, a, Event.mask(Event.QUIESCE, Event.EXEC));
        tracee(t).exec("p");
        assertEquals(List.of("A.quiesce(EXEC)", "A.exec", "A.quiesce(0)"), log);

        FakeTask t2 = newTask();
        SigRec s = sigRec("S");
        s.onExec = ResumeAction.INTERRUPT;
        attach(t2, s, Event.mask(Event.QUIESCE, Event.EXEC));
        log.clear();
        tracee(t2).exec("p");
        assertEquals(List.of("S.quiesce(EXEC)", "S.exec", "S.signal(REPORT,0)"), log);
    }

    @Test
    @DisplayName("R-EVT-ORD-5 the exec pass sees the new image and precedes the return to user")
    void R_EVT_ORD_5_theExecPassSeesTheNewImageAndPrecedesTheReturnToUser() {
        FakeTask t = newTask();
        AtomicReference<String> seen = new AtomicReference<>();
        Rec a = new Rec("A", log) {
            @Override
            public ResumeAction reportExec(ResumeAction action, Engine engine, Task task, String format, ExecInfo exec) {
                seen.set(exec.filename());
                return super.reportExec(action, engine, task, format, exec);
            }
        };
        a.onExec = ResumeAction.REPORT;
        attach(t, a, Event.mask(Event.QUIESCE, Event.EXEC));
        tracee(t).exec("/bin/new");
        assertEquals("/bin/new", seen.get());
        assertEquals(List.of("A.quiesce(EXEC)", "A.exec", "A.quiesce(0)"), log, "exec first, then the resume point");
    }

    @Test
    @DisplayName("R-EVT-ORD-6 multithreaded exec by a non leader")
    void R_EVT_ORD_6_multithreadedExecByANonLeader() {
        FakeTask leader = newTask();
        FakeTask execer = newTask();
        FakeTask sibling = newTask();
        execer.tgid = leader.tid;
        sibling.tgid = leader.tid;
        long life = Event.mask(Event.EXIT, Event.DEATH, Event.REAP);
        Rec l = rec("L");
        Rec x = rec("X");
        Rec s = rec("S");
        s.onExit = ResumeAction.STOP; // cannot hold a thread that SIGKILL is zapping
        Map<String, Thread> reapedIn = new ConcurrentHashMap<>();
        for (Rec r : List.of(l, s)) r.during = (cb, e) -> {
            if (cb.equals("reap")) reapedIn.put(r.name, Thread.currentThread());
            return null;
        };
        attach(leader, l, life);
        Engine ex = attach(execer, x, Event.mask(Event.EXEC));
        attach(sibling, s, life);

        Thread execThread = start("exec'ing thread", () -> {
            // 1. zap_other_threads: the sibling dies and self-reaps in its own context.
            Thread sib = start("sibling", () -> {
                Tracee.kill(sibling, core.hooks());
                Tracee st = tracee(sibling);
                st.task.state = TaskState.EXITING;
                core.hooks().exit(sibling, new dev.utrace.api.task.ExitCode(Signals.SIGKILL));
                sibling.state = TaskState.DEAD;
                core.hooks().death(sibling, false, -1);
                core.hooks().releaseTask(sibling);
            });
            join(sib);
            // The old leader dies too and becomes a zombie.
            Thread lead = start("leader", () -> {
                Tracee.kill(leader, core.hooks());
                tracee(leader).exit(Signals.SIGKILL);
            });
            join(lead);
            // 2. The exec'ing thread reaps the old leader and takes over its pid.
            Tracee.reap(leader, core.hooks());
            tasks.put(leader.tid, execer);
            // 3. The exec'ing thread's own engines see the exec.
            tracee(execer).exec("/bin/new");
        });
        join(execThread);
        assertEquals(List.of("S.exit", "S.death", "S.reap", "L.exit", "L.death", "L.reap", "X.exec"), log);
        assertFalse(sibling.utraceStopped, "STOP from report_exit did not hold a killed thread");
        assertEquals("sibling", reapedIn.get("S").getName(), "a non-leader self-reaps");
        assertSame(execThread, reapedIn.get("L"), "the old leader's report_reap runs in the exec'ing thread");
        // 4. Engines belong to tasks: a pid lookup on the leader's pid finds the exec'ing thread's engine.
        Engine byPid = utrace.attach(leader.tid, AttachFlags.MATCH_OPS, x, null).engine();
        assertSame(ex, byPid);
        assertEquals(Outcome.NOT_FOUND, utrace.attach(leader.tid, AttachFlags.MATCH_OPS, l, null).outcome());
    }

    @Test
    @DisplayName("R-EVT-ORD-7 the parents report clone finishes first and a child engine sees the childs first event")
    void R_EVT_ORD_7_theParentsReportCloneFinishesFirstAndAChildEngineSeesTheChildsFirstEvent() {
        FakeTask parent = newTask();
        FakeTask child = newTask();
        Rec a = rec("A");
        Rec b = rec("B");
        Rec c = rec("C");
        attach(parent, a, Event.mask(Event.CLONE));
        attach(parent, b, Event.mask(Event.CLONE));
        a.during = (cb, e) -> {
            attach(child, c, Event.mask(Event.SYSCALL_ENTRY, Event.EXEC));
            return null;
        };
        tracee(parent).clone(0, child);
        log.add("child runs");
        Tracee ct = tracee(child);
        ct.syscall(5);
        assertEquals(List.of("A.clone", "B.clone", "child runs", "C.syscallEntry"), log);
        assertNotSame(Hooks.utraceOf(parent), Hooks.utraceOf(child));
    }
}
