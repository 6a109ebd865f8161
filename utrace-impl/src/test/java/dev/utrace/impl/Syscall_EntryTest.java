package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.api.Examination;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.task.Reg;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Section 5.4: syscall entry (R-SYS-*). */
class Syscall_EntryTest extends CoreFixture {

    /** Logs "name:RUN|ABORT[+RESUMED]/resume-action" for each entry callback and answers {@code answer}. */
    private Rec entryRec(String name, List<String> seen, int answer) {
        Rec r = rec(name);
        r.onSyscallEntry = (action, unused) -> {
            seen.add(name + ":" + SyscallAction.of(action) + (SyscallAction.isResumed(action) ? "+RESUMED" : "")
                    + "/" + ResumeAction.of(action));
            return answer;
        };
        return r;
    }

    @Test
    @DisplayName("R-SYS-1 the earliest attached engine has the last word on the syscall action")
    void R_SYS_1_theEarliestAttachedEngineHasTheLastWordOnTheSyscallAction() {
        List<String> seen = new CopyOnWriteArrayList<>();
        FakeTask t = newTask();
        attach(t, entryRec("A", seen, SyscallAction.ABORT.with(ResumeAction.RESUME)), Event.mask(Event.SYSCALL_ENTRY));
        attach(t, entryRec("B", seen, SyscallAction.RUN.with(ResumeAction.REPORT)), Event.mask(Event.SYSCALL_ENTRY));
        attach(t, entryRec("C", seen, SyscallAction.ABORT.with(ResumeAction.RESUME)), Event.mask(Event.SYSCALL_ENTRY));
        Tracee tr = tracee(t);
        assertFalse(tr.syscall(7), "A (first attached, called last) aborts");
        assertEquals(List.of("C:RUN/RESUME", "B:ABORT/RESUME", "A:RUN/REPORT"), seen,
                "each sees the previous engine's syscall action and the resume action so far");
        assertEquals(List.of(), tr.ran);

        FakeTask t2 = newTask();
        seen.clear();
        attach(t2, entryRec("A", seen, SyscallAction.RUN.with(ResumeAction.RESUME)), Event.mask(Event.SYSCALL_ENTRY));
        attach(t2, entryRec("B", seen, SyscallAction.ABORT.with(ResumeAction.RESUME)), Event.mask(Event.SYSCALL_ENTRY));
        Tracee tr2 = tracee(t2);
        assertTrue(tr2.syscall(8), "a later engine's ABORT is replaced by A's RUN");
        assertEquals(List.of("B:RUN/RESUME", "A:ABORT/RESUME"), seen);
        assertEquals(List.of(8L), tr2.ran);
    }

    @Test
    @DisplayName("R-SYS-2 stop with report repeats the entry pass with resumed")
    void R_SYS_2_stopWithReportRepeatsTheEntryPassWithResumed() {
        List<String> seen = new CopyOnWriteArrayList<>();
        FakeTask t = newTask();
        Rec a = rec("A");
        a.onSyscallEntry = (action, unused) -> {
            seen.add("A" + (SyscallAction.isResumed(action) ? "+RESUMED" : ""));
            return SyscallAction.isResumed(action) ? ResumeAction.RESUME.code() : ResumeAction.STOP.code();
        };
        Engine ea = attach(t, a, Event.mask(Event.SYSCALL_ENTRY));
        attach(t, entryRec("B", seen, SyscallAction.RUN.with(ResumeAction.REPORT)), Event.mask(Event.SYSCALL_ENTRY));
        Tracee tr = tracee(t);
        Thread th = start("tracee", () -> tr.syscall(9));
        await("stopped at entry", () -> t.utraceStopped);
        assertEquals(List.of("B:RUN/RESUME", "A"), seen);
        assertEquals(Outcome.DONE, utrace.control(t, ea, ResumeAction.RESUME));
        join(th);
        assertEquals(List.of("B:RUN/RESUME", "A", "B:RUN+RESUMED/RESUME", "A+RESUMED"), seen, "the whole pass again");
        assertEquals(List.of(9L), tr.ran);
    }

    @Test
    @DisplayName("R-SYS-2 a report asked while stopped repeats the pass a plain resume does not")
    void R_SYS_2_aReportAskedWhileStoppedRepeatsThePassAPlainResumeDoesNot() {
        for (ResumeAction wake : List.of(ResumeAction.REPORT, ResumeAction.RESUME)) {
            List<String> seen = new CopyOnWriteArrayList<>();
            FakeTask t = newTask();
            Rec a = rec("A");
            a.onSyscallEntry = (action, unused) -> {
                seen.add("A" + (SyscallAction.isResumed(action) ? "+RESUMED" : ""));
                return SyscallAction.isResumed(action) ? ResumeAction.RESUME.code() : ResumeAction.STOP.code();
            };
            Engine ea = attach(t, a, Event.mask(Event.QUIESCE, Event.SYSCALL_ENTRY));
            Tracee tr = tracee(t);
            Thread th = start("tracee", () -> tr.syscall(10));
            await("stopped at entry", () -> t.utraceStopped);
            if (wake == ResumeAction.REPORT) a.quiesce = ev -> ResumeAction.RESUME;
            assertEquals(Outcome.DONE, utrace.control(t, ea, wake));
            join(th);
            assertEquals(wake == ResumeAction.REPORT ? List.of("A", "A+RESUMED") : List.of("A"), seen, "woken with " + wake);
            assertEquals(List.of(10L), tr.ran);
        }
    }

    @Test
    @DisplayName("R-SYS-2 a fatal signal on wake up aborts the syscall")
    void R_SYS_2_aFatalSignalOnWakeUpAbortsTheSyscall() {
        FakeTask t = newTask();
        Rec a = rec("A");
        a.onSyscallEntry = (action, unused) -> ResumeAction.STOP.code();
        attach(t, a, Event.mask(Event.SYSCALL_ENTRY));
        Tracee tr = tracee(t);
        Thread th = start("tracee", () -> tr.syscall(11));
        await("stopped at entry", () -> t.utraceStopped);
        Tracee.kill(t, core.hooks());
        join(th);
        assertEquals(List.of(), tr.ran, "skipped");
        assertEquals(List.of("A.syscallEntry"), log, "not repeated");
    }

    @Test
    @DisplayName("R-SYS-3 the syscall is skipped iff the final action is abort")
    void R_SYS_3_theSyscallIsSkippedIffTheFinalActionIsAbort() {
        for (SyscallAction act : SyscallAction.values()) {
            FakeTask t = newTask();
            Rec a = rec("A");
            a.onSyscallEntry = (action, unused) -> act.with(ResumeAction.RESUME);
            attach(t, a, Event.mask(Event.SYSCALL_ENTRY));
            Tracee tr = tracee(t);
            assertEquals(act == SyscallAction.RUN, tr.syscall(12));
            assertEquals(act == SyscallAction.RUN ? List.of(12L) : List.of(), tr.ran, act.name());
            assertEquals(act == SyscallAction.ABORT, core.hooks().syscallEntry(t), "the hook's answer for " + act);
        }
    }

    @Test
    @DisplayName("R-SYS-4 syscall info is usable during entry while stopped after it and at exit")
    void R_SYS_4_syscallInfoIsUsableDuringEntryWhileStoppedAfterItAndAtExit() {
        FakeTask t = newTask();
        Rec a = rec("A");
        AtomicLong atEntry = new AtomicLong();
        AtomicLong atExit = new AtomicLong();
        a.onSyscallEntry = (action, unused) -> {
            atEntry.set(t.register(Reg.ORIG_RAX));
            t.setRegister(Reg.ORIG_RAX, 60); // engines may change the number
            return ResumeAction.STOP.code();
        };
        a.onSyscallExit = ResumeAction.RESUME;
        a.during = (cb, e) -> {
            if (cb.equals("syscallExit")) atExit.set(t.register(Reg.ORIG_RAX));
            return null;
        };
        Engine ea = attach(t, a, Event.mask(Event.SYSCALL_ENTRY, Event.SYSCALL_EXIT));
        Tracee tr = tracee(t);
        Thread th = start("tracee", () -> tr.syscall(13));
        await("stopped after entry", () -> t.utraceStopped);
        Examination ex = new Examination();
        assertEquals(Outcome.DONE, utrace.prepareExamine(t, ea, ex));
        assertEquals(60, t.register(Reg.ORIG_RAX), "a controller sees the entry state while the task is stopped");
        assertEquals(Outcome.DONE, utrace.finishExamine(t, ea, ex));
        assertEquals(Outcome.DONE, utrace.control(t, ea, ResumeAction.RESUME));
        join(th);
        assertEquals(13, atEntry.get());
        assertEquals(List.of(60L), tr.ran, "the changed number ran");
        assertEquals(60, atExit.get());
    }
}
