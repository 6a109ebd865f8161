package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.SyscallSet;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Task;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Per-engine syscall sets ({@code Utrace.setSyscalls}): what a pass does with them, the outcomes, the machine's union. */
class Syscall_SetsTest extends CoreFixture {

    /** Logs "name:entry(nr)", "name:exit(nr)", "name:quiesce(EVENT)"; runs {@link #during} in each callback. */
    static class NrRec implements EngineOps {
        final String name;
        final List<String> seen;
        volatile BiConsumer<String, Engine> during = (c, e) -> { };

        NrRec(String name, List<String> seen) {
            this.name = name;
            this.seen = seen;
        }

        @Override
        public ResumeAction reportQuiesce(ResumeAction action, Engine engine, Task task, Event event) {
            seen.add(name + ":quiesce(" + event + ")");
            during.accept("quiesce", engine);
            return ResumeAction.RESUME;
        }

        @Override
        public int reportSyscallEntry(int action, Engine engine, Task task) {
            seen.add(name + ":entry(" + task.register(Reg.ORIG_RAX) + ")");
            during.accept("entry", engine);
            return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
        }

        @Override
        public ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task task) {
            seen.add(name + ":exit(" + task.register(Reg.ORIG_RAX) + ")");
            during.accept("exit", engine);
            return ResumeAction.RESUME;
        }
    }

    private final List<String> seen = new CopyOnWriteArrayList<>();

    private Engine engine(FakeTask t, String name, long events, SyscallSet set) {
        Engine e = attach(t, new NrRec(name, seen), events);
        if (set != null) assertEquals(Outcome.DONE, utrace.setSyscalls(t, e, set));
        return e;
    }

    @Test
    @DisplayName("setSyscalls: a new engine wants every syscall; a set narrows its entry and exit reports only")
    void aSetNarrowsEntryAndExitReports() {
        FakeTask t = newTask();
        Engine all = engine(t, "ALL", Event.SYSCALL, null);
        Engine open = engine(t, "OPEN", Event.SYSCALL, SyscallSet.of(257));
        assertEquals(SyscallSet.ALL, all.syscalls());
        assertEquals(SyscallSet.of(257), open.syscalls());
        Tracee tr = tracee(t);
        tr.syscall(257);
        tr.syscall(39);
        assertEquals(List.of("OPEN:entry(257)", "ALL:entry(257)", "ALL:exit(257)", "OPEN:exit(257)",
                "ALL:entry(39)", "ALL:exit(39)"), seen, "entry in reverse order (R-EVT-ORD-1); 39 only to ALL");
        assertEquals(List.of(257L, 39L), tr.ran);
        assertEquals(Event.SYSCALL, open.events(), "the set is no event bit");
        assertTrue(utrace.engines(t).stream().anyMatch(i -> i.syscalls().equals(SyscallSet.of(257))), "engines() shows it");
    }

    @Test
    @DisplayName("setSyscalls: a syscall no engine wants makes no pass: no quiesce (R-EVT-5 only for reported events)")
    void aSyscallNobodyWantsMakesNoPass() {
        FakeTask t = newTask();
        engine(t, "OPEN", Event.SYSCALL, SyscallSet.of(257));
        engine(t, "Q", Event.mask(Event.QUIESCE, Event.SYSCALL_ENTRY), SyscallSet.of(42));
        Tracee tr = tracee(t);
        tr.syscall(39);
        assertEquals(List.of(), seen, "39 is in no set: nobody hears of it");
        tr.syscall(257);
        assertEquals(List.of("Q:quiesce(SYSCALL_ENTRY)", "OPEN:entry(257)", "OPEN:exit(257)", "Q:quiesce(SYSCALL_EXIT)"),
                seen, "Q's own set leaves 257 out: its quiesce comes (R-EVT-5), its entry report does not");
        seen.clear();
        tr.syscall(42);
        assertEquals(List.of("Q:quiesce(SYSCALL_ENTRY)", "Q:entry(42)"), seen, "42 only at entry: no engine wants its exit, so no quiesce there either");
        assertEquals(List.of(39L, 257L, 42L), tr.ran);
    }

    @Test
    @DisplayName("setSyscalls: the number entered with is tested at entry, the number that ran at exit")
    void theNumberEnteredWithIsTestedAtEntryTheOneThatRanAtExit() {
        FakeTask t = newTask();
        engine(t, "SEVEN", Event.SYSCALL, SyscallSet.of(7));
        engine(t, "EIGHT", Event.SYSCALL, SyscallSet.of(8));
        NrRec changer = new NrRec("CHANGER", seen);
        Engine c = attach(t, changer, SYSCALL_ENTRY); // attached last: called first at entry
        assertEquals(Outcome.DONE, utrace.setSyscalls(t, c, SyscallSet.of(7)));
        changer.during = (cb, e) -> t.setRegister(Reg.ORIG_RAX, 8);
        Tracee tr = tracee(t);
        tr.syscall(7);
        assertEquals(List.of("CHANGER:entry(7)", "SEVEN:entry(8)", "EIGHT:exit(8)"), seen,
                "SEVEN still gets the entry of 7 turned into 8, EIGHT does not; at exit 8 ran: EIGHT's");
        assertEquals(List.of(8L), tr.ran);
    }

    @Test
    @DisplayName("setSyscalls: entry and exit are tested apart; a change mid-syscall gives an entry without exit, or an exit without entry")
    void aChangeBetweenEntryAndExit() {
        FakeTask t = newTask();
        NrRec r = new NrRec("E", seen);
        Engine e = attach(t, r, Event.SYSCALL);
        assertEquals(Outcome.DONE, utrace.setSyscalls(t, e, SyscallSet.of(9)));
        r.during = (cb, en) -> assertEquals(Outcome.DONE, utrace.setSyscalls(t, en, SyscallSet.of(10)),
                "from its own callback: never IN_PROGRESS");
        tracee(t).syscall(9);
        assertEquals(List.of("E:entry(9)"), seen, "9 lost in its entry: no exit");

        seen.clear();
        FakeTask t2 = newTask();
        NrRec o = new NrRec("O", seen);
        attach(t2, o, SYSCALL_ENTRY); // attached first: called after E at entry (R-EVT-ORD-1)
        Engine e2 = engine(t2, "E2", Event.SYSCALL, SyscallSet.of(10));
        o.during = (cb, en) -> assertEquals(Outcome.DONE, utrace.setSyscalls(t2, e2, SyscallSet.of(10, 11)));
        tracee(t2).syscall(11);
        assertEquals(List.of("O:entry(11)", "E2:exit(11)"), seen, "11 gained between its entry and its exit: the exit alone");
    }

    @Test
    @DisplayName("setSyscalls: a change in reportQuiesce decides the report that follows it (R-EVT-4)")
    void aChangeInQuiesceDecidesTheFollowingReport() {
        FakeTask t = newTask();
        engine(t, "ANY", SYSCALL_ENTRY, null);
        NrRec q = new NrRec("Q", seen);
        Engine e = attach(t, q, Event.mask(Event.QUIESCE, Event.SYSCALL_ENTRY));
        assertEquals(Outcome.DONE, utrace.setSyscalls(t, e, SyscallSet.of(1)));
        q.during = (cb, en) -> {
            if (cb.equals("quiesce")) utrace.setSyscalls(t, en, SyscallSet.of(1, 2));
        };
        tracee(t).syscall(2);
        assertEquals(List.of("Q:quiesce(SYSCALL_ENTRY)", "Q:entry(2)", "ANY:entry(2)"), seen);
    }

    @Test
    @DisplayName("setSyscalls: the repeated entry pass (R-SYS-2) tests the number again")
    void theRepeatedEntryPassTestsTheNumberAgain() {
        FakeTask t = newTask();
        NrRec changer = new NrRec("S", seen);
        Engine s = attach(t, changer, Event.mask(Event.QUIESCE, Event.SYSCALL_ENTRY));
        changer.during = (cb, en) -> {
            if (cb.equals("entry") && t.register(Reg.ORIG_RAX) == 5) t.setRegister(Reg.ORIG_RAX, 6);
        };
        engine(t, "FIVE", SYSCALL_ENTRY, SyscallSet.of(5));
        EngineOps stopOnce = new NrRec("STOP", seen) {
            private volatile boolean once;

            @Override
            public int reportSyscallEntry(int action, Engine engine, Task task) {
                super.reportSyscallEntry(action, engine, task);
                if (once) return ResumeAction.RESUME.code();
                once = true;
                return ResumeAction.STOP.code();
            }
        };
        Engine st = attach(t, stopOnce, SYSCALL_ENTRY);
        Tracee tr = tracee(t);
        Thread th = start("tracee", () -> tr.syscall(5));
        await("stopped at entry", () -> t.utraceStopped);
        assertEquals(Outcome.DONE, utrace.control(t, s, ResumeAction.REPORT), "asks for the repeat (R-SYS-2)");
        assertEquals(Outcome.DONE, utrace.control(t, st, ResumeAction.RESUME));
        join(th);
        assertEquals(List.of("STOP:entry(5)", "FIVE:entry(5)", "S:quiesce(SYSCALL_ENTRY)", "S:entry(5)",
                "STOP:entry(6)", "S:quiesce(SYSCALL_ENTRY)", "S:entry(6)"), seen, "the repeat tests 6: not FIVE's");
        assertEquals(List.of(6L), tr.ran);
    }

    @Test
    @DisplayName("setSyscalls: GONE for a detached engine (as R-SET-2); null refused")
    void goneForADetachedEngine() {
        FakeTask t = newTask();
        Engine e = engine(t, "E", Event.SYSCALL, null);
        assertThrows(NullPointerException.class, () -> utrace.setSyscalls(t, e, null));
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH));
        assertEquals(Outcome.GONE, utrace.setSyscalls(t, e, SyscallSet.of(1)));
        assertEquals(Outcome.GONE, utrace.setSyscalls(999_999, e, SyscallSet.of(1)), "unknown pid");
    }

    @Test
    @DisplayName("setSyscalls: IN_PROGRESS when narrowing while the engine's callback runs on the running task (as R-SET-5); DONE when adding")
    void inProgressWhenNarrowingDuringACallback() {
        FakeTask t = newTask();
        NrRec r = new NrRec("E", seen);
        Engine e = attach(t, r, SYSCALL_EXIT);
        CountDownLatch inCallback = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        r.during = (cb, en) -> {
            inCallback.countDown();
            awaitLatch(release);
        };
        Thread th = start("tracee", () -> tracee(t).syscall(3));
        awaitLatch(inCallback);
        assertEquals(Outcome.DONE, utrace.setSyscalls(t, e, SyscallSet.ALL), "nothing removed");
        assertEquals(Outcome.IN_PROGRESS, utrace.setSyscalls(t, e, SyscallSet.of(4)), "3 removed while its exit runs");
        release.countDown();
        join(th);
        assertEquals(Outcome.DONE, utrace.barrier(t, e));
        assertEquals(Outcome.DONE, utrace.setSyscalls(t, e, SyscallSet.of(5)), "no callback runs now");
    }

    @Test
    @DisplayName("setSyscalls: the machine is told the union of the sets of the engines wanting syscall events, as it changes")
    void theMachineIsToldTheUnion() {
        FakeTask t = newTask();
        Engine a = attach(t, new NrRec("A", seen), Event.mask(Event.EXEC));
        assertEquals(List.of(), t.syscallsWanted, "no engine wants syscalls: nothing said (the machine starts at none)");
        assertEquals(Outcome.DONE, utrace.setSyscalls(t, a, SyscallSet.of(7)));
        assertEquals(List.of(), t.syscallsWanted, "A wants no syscall event: its set does not count");
        assertEquals(Outcome.DONE, utrace.setEvents(t, a, SYSCALL_ENTRY));
        assertEquals(List.of(SyscallSet.of(7)), t.syscallsWanted);
        Engine b = attach(t, new NrRec("B", seen), SYSCALL_EXIT);
        assertEquals(SyscallSet.ALL, t.syscallsWanted.getLast(), "B wants every syscall's exit");
        assertEquals(Outcome.DONE, utrace.setSyscalls(t, b, SyscallSet.of(8)));
        assertEquals(SyscallSet.of(7, 8), t.syscallsWanted.getLast(), "narrowed at once");
        assertEquals(Outcome.DONE, utrace.control(t, a, ResumeAction.DETACH));
        tracee(t).syscall(8); // the pass resets: the detached engine's set goes
        assertEquals(SyscallSet.of(8), t.syscallsWanted.getLast());
        assertEquals(Outcome.DONE, utrace.setEvents(t, b, 0));
        tracee(t).syscall(1); // spurious now: the reset narrows
        tracee(t).syscall(8);
        assertEquals(SyscallSet.NONE, t.syscallsWanted.getLast());
        for (int i = 1; i < t.syscallsWanted.size(); i++) {
            assertTrue(!t.syscallsWanted.get(i).equals(t.syscallsWanted.get(i - 1)), "told only of changes: " + t.syscallsWanted);
        }
    }
}
