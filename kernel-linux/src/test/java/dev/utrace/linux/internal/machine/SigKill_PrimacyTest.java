package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SignalAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** R-STOP-6 on real processes: SIGKILL ends a task an engine holds stopped, wherever it holds it. */
class SigKill_PrimacyTest extends MachineFixture {
    private static final int SYS_PAUSE = 34;

    /** Holds its task at the entry of pause(). */
    static final class HoldAtPause extends Recorder {
        @Override
        public int reportSyscallEntry(int action, Engine engine, Task task) {
            super.reportSyscallEntry(action, engine, task);
            boolean pause = task.register(Reg.ORIG_RAX) == SYS_PAUSE;
            return (action & SyscallAction.MASK) | (pause ? ResumeAction.STOP : ResumeAction.RESUME).code();
        }
    }

    /** Holds its task in its exit report. */
    static final class HoldAtExit extends Recorder {
        @Override
        public ResumeAction reportExit(ResumeAction action, Engine engine, Task task, long origCode, ExitCode code) {
            super.reportExit(action, engine, task, origCode, code);
            return ResumeAction.STOP;
        }
    }

    @Test
    @DisplayName("R-STOP-6 SIGKILL from another process (kill -9) ends a task held at a syscall entry; the syscall never runs")
    void killFromOutsideWhileHeld() throws Exception {
        int pid = spawnStopped("holder");
        HoldAtPause rec = new HoldAtPause();
        attach(task(pid), rec, Event.SYSCALL | Recorder.all(Event.EXIT, Event.DEATH, Event.REAP));
        cont(pid);
        await("held at pause", () -> rec.saw(pid + " entry " + SYS_PAUSE) && task(pid).state() == TaskState.TRACED);
        dev.utrace.linux.internal.sys.Signals.send(pid, Signals.SIGKILL);
        assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), waitExit(pid));
        await("reaped", () -> rec.saw(pid + " reap"));
        List<String> all = rec.all();
        assertEquals(List.of(pid + " entry " + SYS_PAUSE, pid + " exit-report 0x9", pid + " death group", pid + " reap"),
                all.subList(all.size() - 4, all.size()), "no exit of pause: it never ran");
    }

    @Test
    @DisplayName("R-STOP-6 SIGKILL through the machine ends a task held in its exit report (the exit status stays the one it had)")
    void killWhileHeldInExitReport() {
        int pid = spawnStopped("signals", "stop");
        HoldAtExit rec = new HoldAtExit();
        LinuxTask t = task(pid);
        attach(t, rec, Recorder.all(Event.EXIT, Event.DEATH, Event.REAP, Event.JCTL));
        cont(pid);
        await("stopped by its own SIGSTOP", () -> rec.saw(pid + " jctl 5 5") && machine.inGroupStop(t));
        cont(pid);
        await("held in its exit report", () -> rec.saw(pid + " exit-report 0x400") && t.state() == TaskState.TRACED);
        machine.kill(pid, Signals.SIGKILL);
        assertEquals(WaitStatus.exited(4), waitExit(pid));
        await("reaped", () -> rec.saw(pid + " reap"));
    }

    @Test
    @DisplayName("R-STOP-6 a task dying of SIGKILL is not held by an engine that answers STOP in its exit report")
    void killedTaskNotHeldInExitReport() {
        int pid = spawnStopped("holder");
        HoldAtExit rec = new HoldAtExit();
        attach(task(pid), rec, Recorder.all(Event.EXIT, Event.DEATH, Event.REAP));
        cont(pid);
        await("running", () -> machine.info(pid).state() == TaskState.SLEEPING);
        dev.utrace.linux.internal.sys.Signals.send(pid, Signals.SIGKILL);
        assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), waitExit(pid));
        await("reaped", () -> rec.saw(pid + " reap"));
        assertTrue(rec.saw(pid + " exit-report 0x9"), rec.all()::toString);
    }

    @Test
    @DisplayName("R-STOP-6 SIGKILL ends a task held in an adopted group stop")
    void killWhileHeldInGroupStop() {
        int pid = spawnStopped("holder");
        Recorder rec = new Recorder();
        LinuxTask t = task(pid);
        Engine e = attach(t, rec, Recorder.all(Event.DEATH, Event.REAP));
        assertEquals(dev.utrace.api.Outcome.DONE, utrace.control(t, e, ResumeAction.STOP));
        assertEquals(TaskState.TRACED, t.state());
        machine.kill(pid, Signals.SIGKILL);
        assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), waitExit(pid));
        await("reaped", () -> rec.saw(pid + " reap"));
    }

    /** Stops at a third of its reports, at random. */
    static final class RandomStops implements EngineOps {
        private static ResumeAction pick() {
            return ThreadLocalRandom.current().nextInt(3) == 0 ? ResumeAction.STOP : ResumeAction.RESUME;
        }

        @Override
        public ResumeAction reportQuiesce(ResumeAction action, Engine engine, Task task, Event event) {
            return pick();
        }

        @Override
        public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa, SigAction returnKa) {
            return (action & SignalAction.MASK) | pick().code();
        }

        @Override
        public ResumeAction reportJctl(ResumeAction action, Engine engine, Task task, int type, int notify) {
            return pick();
        }
    }

    @Test
    @DisplayName("R-STOP-6, R-STOP-1 SIGKILL (by the machine or from another process) ends a two-thread process stopping its"
            + " own group while SIGCONT, adopted stops, engines' random stops and detaches churn, at any moment")
    void killRacesGroupStops() throws Exception {
        int rounds = Math.max(6, Integer.getInteger("race.iterations", 2000) / 100);
        for (int round = 0; round < rounds; round++) {
            int pid = spawnStopped("stopper");
            Map<Integer, Engine> engines = new ConcurrentHashMap<>();
            attachRandom(task(pid), engines);
            AtomicBoolean over = new AtomicBoolean();
            Thread stirrer = Thread.ofPlatform().name("stirrer-" + pid).start(() -> stir(pid, engines, over));
            try {
                cont(pid);
                await("its second thread", () -> threadsOf(pid).size() == 2);
                for (LinuxTask t : threadsOf(pid)) {
                    if (!engines.containsKey(t.tid())) attachRandom(t, engines);
                }
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(5_000_000)); // somewhere in the churn
                if (round % 2 == 0) {
                    machine.kill(pid, Signals.SIGKILL);
                } else {
                    dev.utrace.linux.internal.sys.Signals.send(pid, Signals.SIGKILL); // as kill -9 from a shell
                }
                assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), waitExit(pid), "round " + round);
            } finally {
                over.set(true);
                stirrer.join();
            }
        }
    }

    private void attachRandom(LinuxTask t, Map<Integer, Engine> engines) {
        dev.utrace.api.AttachResult r = utrace.attach(t, dev.utrace.api.AttachFlags.CREATE, new RandomStops(), null);
        if (!r.ok()) return; // dying already
        utrace.setEvents(t, r.engine(), Event.mask(Event.JCTL, Event.SIGNAL, Event.SIGNAL_STOP, Event.SIGNAL_IGN, Event.QUIESCE));
        engines.put(t.tid(), r.engine());
    }

    /** SIGCONT, adopting stops, letting them go, engines leaving and coming, until the round is over. */
    private void stir(int pid, Map<Integer, Engine> engines, AtomicBoolean over) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        while (!over.get()) {
            try {
                int what = rnd.nextInt(6);
                if (what == 0) {
                    machine.kill(pid, Signals.SIGCONT);
                }
                for (Map.Entry<Integer, Engine> e : engines.entrySet()) {
                    Task t = machine.findTask(e.getKey());
                    if (t == null || what == 0) continue;
                    if (what == 1 && rnd.nextBoolean()) {
                        utrace.control(t, e.getValue(), ResumeAction.DETACH);
                        engines.remove(e.getKey());
                        if (t instanceof LinuxTask lt) attachRandom(lt, engines);
                    } else {
                        utrace.control(t, e.getValue(), rnd.nextBoolean() ? ResumeAction.STOP : ResumeAction.RESUME);
                    }
                }
            } catch (RuntimeException gone) {
                // the process died under us: the kill came
            }
            LockSupport.parkNanos(20_000);
        }
    }

    private List<LinuxTask> threadsOf(int pid) {
        return machine.tasks().stream().filter(i -> i.tgid() == pid && !i.state().hasExited())
                .map(i -> (LinuxTask) machine.findTask(i.tid())).filter(java.util.Objects::nonNull).toList();
    }
}
