package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SignalAction;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Signals and job control on real processes, through the core's signal pass. */
class Signals_JobControlTest extends MachineFixture {

    @Test
    @DisplayName("R-SIG-8 a handled signal: SIGNAL report, then a HANDLER report at the handler's entry, before its first instruction")
    void handlerReport() {
        int pid = spawnStopped("signals", "handler");
        Recorder rec = new Recorder() {
            @Override
            public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa, SigAction returnKa) {
                super.reportSignal(action, engine, task, info, origKa, returnKa);
                // More than RESUME asks for a report once the handler frame is set up (R-SIG-8).
                return (action & SignalAction.MASK) | (info.signo == Signals.SIGUSR1 && origKa != null
                        ? ResumeAction.SINGLESTEP : ResumeAction.RESUME).code();
            }
        };
        attach(task(pid), rec, Event.SIGNAL_ALL | Event.SYSCALL | Recorder.all(Event.QUIESCE));
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertEquals("handled 1 code 0 value 0\n", console(pid, "handled"));
        List<String> all = rec.all();
        int signal = all.indexOf(pid + " signal SIGUSR1");
        assertTrue(signal > 0, all::toString);
        assertEquals(pid + " handler", all.get(signal + 1), all::toString);
        assertEquals(pid + " entry 15", all.get(signal + 2), () -> "the handler's first syscall is its return: " + all);
    }

    @Test
    @DisplayName("an engine that ignores a signal (IGN): the program never gets it")
    void ignoredByEngine() {
        int pid = spawnStopped("signals", "handler");
        Recorder rec = new Recorder() {
            @Override
            public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa, SigAction returnKa) {
                super.reportSignal(action, engine, task, info, origKa, returnKa);
                return info.signo == Signals.SIGUSR1 ? SignalAction.IGN.with(ResumeAction.RESUME) : action;
            }
        };
        attach(task(pid), rec, Event.SIGNAL_ALL);
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertEquals("handled 0 code 0 value 0\n", console(pid, "handled"));
    }

    @Test
    @DisplayName("R-SIG-5 an engine holds a signal (IGN|HOLD): it is reported again, then delivered with its siginfo")
    void heldSignalReportedAgain() {
        int pid = spawnStopped("signals", "handler");
        java.util.concurrent.atomic.AtomicInteger reports = new java.util.concurrent.atomic.AtomicInteger();
        Recorder rec = new Recorder() {
            @Override
            public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa, SigAction returnKa) {
                super.reportSignal(action, engine, task, info, origKa, returnKa);
                if (info.signo != Signals.SIGUSR1 || origKa == null) return action;
                return reports.incrementAndGet() == 1 ? SignalAction.IGN.with(ResumeAction.RESUME) | SignalAction.HOLD
                        : SignalAction.DELIVER.with(ResumeAction.RESUME);
            }
        };
        attach(task(pid), rec, Event.SIGNAL_ALL);
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertEquals(2, reports.get(), rec.all()::toString);
        assertEquals("handled 1 code 0 value 0\n", console(pid, "handled"), "delivered once, as sent by kill (SI_USER)");
    }

    @Test
    @DisplayName("R-SIG-3 a signal an engine makes up in a REPORT pass where none can be handed over reaches the handler with the engine's siginfo")
    void signalMadeUpAtASyscallExit() {
        int pid = spawnStopped("signals", "handler");
        Engine[] self = new Engine[1];
        Recorder rec = new Recorder() {
            @Override
            public int reportSyscallEntry(int action, Engine engine, Task task) {
                if (task.register(dev.utrace.api.task.Reg.ORIG_RAX) != 62) return (action & dev.utrace.api.SyscallAction.MASK)
                        | ResumeAction.RESUME.code();
                utrace.control(task, self[0], ResumeAction.INTERRUPT); // a REPORT pass before it returns to user mode
                return dev.utrace.api.SyscallAction.ABORT.with(ResumeAction.RESUME); // the program's own kill never runs
            }

            @Override
            public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa, SigAction returnKa) {
                super.reportSignal(action, engine, task, info, origKa, returnKa);
                if (origKa != null || info.signo == Signals.SIGUSR1) return action;
                info.clear();
                info.signo = Signals.SIGUSR1;
                info.code = -1; // SI_QUEUE, as sigqueue sends it
                info.pid = 4242;
                returnKa.copyFrom(machine.disposition(task, Signals.SIGUSR1));
                return SignalAction.DELIVER.with(ResumeAction.RESUME);
            }
        };
        self[0] = attach(task(pid), rec, Event.SIGNAL_ALL | Recorder.all(Event.SYSCALL_ENTRY, Event.QUIESCE));
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertEquals("handled 1 code -1 value 0\n", console(pid, "handled"), rec.all()::toString);
        assertTrue(rec.saw(pid + " report"), rec.all()::toString);
    }

    @Test
    @DisplayName("SIGSTOP and SIGCONT: a group stop with its JCTL reports (the last to stop notifies), the continue reported, the program goes on")
    void groupStop() {
        int pid = spawnStopped("signals", "stop");
        Recorder rec = new Recorder();
        attach(task(pid), rec, Event.SIGNAL_ALL | Recorder.all(Event.JCTL));
        cont(pid);
        await("stopped by its own SIGSTOP", () -> rec.saw(pid + " jctl " + Signals.CLD_STOPPED + " " + Signals.CLD_STOPPED));
        await("in the group stop", () -> machine.info(pid).state() == TaskState.STOPPED);
        assertTrue(machine.inGroupStop(task(pid)));
        assertEquals(Signals.SIGSTOP, machine.groupStopSignal(task(pid)));
        assertEquals("before\n", console(pid, "before"));
        cont(pid);
        assertEquals(WaitStatus.exited(4), waitExit(pid));
        assertEquals("before\nafter\n", console(pid, "after"));
        List<String> all = rec.all();
        int stop = all.indexOf(pid + " jctl " + Signals.CLD_STOPPED + " " + Signals.CLD_STOPPED);
        assertTrue(all.indexOf(pid + " signal SIGSTOP") < stop && all.indexOf(pid + " signal SIGSTOP") >= 0, all::toString);
        assertTrue(all.lastIndexOf(pid + " jctl " + Signals.CLD_CONTINUED + " " + Signals.CLD_CONTINUED) > stop, all::toString);
    }

    @Test
    @DisplayName("R-STOP-1 an engine that adopted the group stop holds the task after SIGCONT until it lets go")
    void adoptedStopHeldAfterContinue() {
        int pid = spawnStopped("signals", "stop");
        Recorder rec = new Recorder();
        LinuxTask t = task(pid);
        Engine e = attach(t, rec, Recorder.all(Event.JCTL));
        cont(pid);
        await("in its own group stop", () -> t.isJobControlStopped() && rec.saw(pid + " jctl 5 5"));
        assertEquals(dev.utrace.api.Outcome.DONE, utrace.control(t, e, ResumeAction.STOP));
        assertEquals(TaskState.TRACED, t.state());
        cont(pid);
        await("out of the group stop (SIGCONT came)", () -> !t.isJobControlStopped());
        // Held: the program does not go on to print "after".
        assertEquals(TaskState.TRACED, t.state());
        assertEquals("before\n", console(pid, "before"));
        String continued = pid + " jctl 6 6";
        assertEquals(1, rec.matching(continued::equals).size(), () -> "only the start's continue so far: " + rec.all());
        assertEquals(dev.utrace.api.Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME));
        assertEquals(WaitStatus.exited(4), waitExit(pid));
        assertEquals(2, rec.matching(continued::equals).size(), () -> "reported once the engine let go: " + rec.all());
        assertEquals("before\nafter\n", console(pid, "after"));
    }

    @Test
    @DisplayName("R-STOP-1 a leave of the group stop asked while SIGCONT ends it applies to that stop only: the next SIGSTOP"
            + " stops the thread again (raced: the leave and the SIGCONT from two threads)")
    void leaveAskedAsTheStopEndsIsForgotten() throws Exception {
        int rounds = Math.max(4, Integer.getInteger("race.iterations", 2000) / 200);
        for (int i = 0; i < rounds; i++) {
            int pid = spawnStopped("spin");
            LinuxTask t = task(pid);
            await("in the group stop it was spawned in", () -> t.state() == TaskState.STOPPED && machine.inGroupStop(t));
            CyclicBarrier start = new CyclicBarrier(2);
            Thread leave = Thread.ofPlatform().start(() -> {
                awaitQuietly(start);
                machine.leaveGroupStop(t);
            });
            awaitQuietly(start);
            cont(pid);
            leave.join();
            await("running after SIGCONT", () -> t.state() == TaskState.RUNNING && !machine.inGroupStop(t));
            machine.kill(pid, Signals.SIGSTOP);
            await("stopped again by SIGSTOP", () -> t.state() == TaskState.STOPPED && machine.inGroupStop(t));
            Thread.sleep(20); // a stale leave would have let it run at once, in the same handling of the stop
            assertEquals(TaskState.STOPPED, t.state(), "round " + i + ": the SIGSTOP's group stop holds the thread");
            assertTrue(machine.inGroupStop(t), "round " + i);
            machine.kill(pid, Signals.SIGKILL);
            assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), waitExit(pid));
        }
    }

    private static void awaitQuietly(CyclicBarrier b) {
        try {
            b.await();
        } catch (InterruptedException | java.util.concurrent.BrokenBarrierException e) {
            throw new AssertionError(e);
        }
    }
}
