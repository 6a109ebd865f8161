package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.SyscallSet;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Task;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * {@code setSyscalls} from another thread while the task runs syscalls, on real threads
 * ({@code race.iterations} rounds): once a narrowing answered DONE (or its barrier after
 * IN_PROGRESS returned), no report of a removed syscall starts; each outcome is counted.
 */
class Syscall_SetsRaceTest extends RaceFixture {

    /** Checks at the start of each syscall callback that its number is one the controller still allows. */
    static final class Checked implements EngineOps {
        /** Bit n: syscall n may be reported now; the controller narrows it only after its guarantee point. */
        volatile int allowed;
        final AtomicInteger reports = new AtomicInteger();
        volatile String violation;

        private void check(Task task, String where) {
            // A callback that began before the removal must be waited for (IN_PROGRESS, then the
            // barrier) before the controller narrows what it allows; so looking late is fair, and
            // it widens the window a removal can land in.
            for (int i = 0; i < 200; i++) Thread.onSpinWait();
            long nr = task.register(Reg.ORIG_RAX);
            if ((allowed & (1 << nr)) == 0 && violation == null) violation = where + " of " + nr + " after its removal";
            reports.incrementAndGet();
        }

        @Override
        public int reportSyscallEntry(int action, Engine engine, Task task) {
            check(task, "entry");
            return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
        }

        @Override
        public ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task task) {
            check(task, "exit");
            return ResumeAction.RESUME;
        }
    }

    @Test
    @DisplayName("setSyscalls races the running task: no report of a removed syscall starts after DONE, or after the barrier (as R-SET-6)")
    void setSyscallsRacesTheRunningTask(TestInfo info) {
        race(info, i -> {
            FakeTask t = newTask();
            Tracee tracee = tracee(t);
            Checked ops = new Checked();
            ops.allowed = 1 << 7;
            Engine e = attach(t, ops, Event.SYSCALL);
            assertEquals(Outcome.DONE, utrace.setSyscalls(t, e, SyscallSet.of(7)));
            return new RaceHarness.Round() {
                @Override public void sideA() {
                    RaceHarness.jitter(50);
                    for (int k = 0; k < 4; k++) {
                        tracee.syscall(7);
                        tracee.syscall(8);
                    }
                }

                @Override public void sideB() {
                    RaceHarness.jitter(200);
                    narrowTo(8);
                    RaceHarness.jitter(200);
                    narrowTo(7);
                }

                /** Allows both, sets {only}, and allows only it once no report of the other can start. */
                private void narrowTo(int only) {
                    ops.allowed = (1 << 7) | (1 << 8);
                    Outcome o = utrace.setSyscalls(t, e, SyscallSet.of(only));
                    count(o.name());
                    if (o == Outcome.IN_PROGRESS) {
                        Outcome b = utrace.barrier(t, e);
                        if (b != Outcome.DONE) ops.violation = "barrier after IN_PROGRESS gave " + b;
                    } else if (o != Outcome.DONE) {
                        ops.violation = "setSyscalls gave " + o;
                    }
                    ops.allowed = 1 << only;
                }

                @Override public void check(int iteration) {
                    if (ops.violation != null) fail("round " + iteration + ": " + ops.violation);
                    assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH));
                    e.put();
                    count(ops.reports.get() == 0 ? "no report" : "reports");
                }
            };
        });
    }
}
