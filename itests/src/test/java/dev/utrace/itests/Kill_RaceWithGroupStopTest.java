package dev.utrace.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SignalAction;
import dev.utrace.api.proc.TaskInfo;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.spi.TracedTask;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL from outside a two-thread process that keeps stopping its own group, while SIGCONT
 * keeps ending the group stop and engines keep adopting, holding and releasing stops on both
 * threads: whatever each thread is in when the kill comes (entering or leaving the group stop,
 * an adopted stop, a stop held at a signal or job-control report), the process ends (R-STOP-6).
 * The chaos soak's soak-groupstop, concentrated.
 */
class Kill_RaceWithGroupStopTest extends CoreOnSimFixture {

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
    @DisplayName("R-STOP-6, R-STOP-1: SIGKILL ends a process whose threads are stopping, continuing and held in"
            + " adopted group stops by engines, at any moment")
    void killRacesGroupStops() throws InterruptedException {
        program("stopper", """
                    thread spinner
                again:
                    raise SIGSTOP
                    yield
                    jmp again
                spinner:
                    getpid
                    yield
                    jmp spinner
                """);
        int rounds = Math.max(20, Integer.getInteger("race.iterations", 10_000) / 100);
        for (int round = 0; round < rounds; round++) {
            int pid = spawnStopped("stopper");
            Map<Integer, Engine> engines = new ConcurrentHashMap<>();
            attachTo(task(pid), engines);
            AtomicBoolean killed = new AtomicBoolean();
            Thread stirrer = Thread.ofPlatform().name("stirrer-" + pid).start(() -> stir(pid, engines, killed));
            sim.kill(pid, Signals.SIGCONT);
            await("its second thread", () -> threadsOf(pid).size() == 2);
            for (TaskInfo i : threadsOf(pid)) {
                TracedTask t = sim.findTask(i.tid());
                if (t != null && !engines.containsKey(i.tid())) attachTo(t, engines);
            }
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000)); // somewhere in the churn
            if (round % 2 == 0) {
                sim.kill(pid, Signals.SIGKILL);
            } else {
                List<TaskInfo> threads = threadsOf(pid); // SIGKILL to one thread ends them all
                sim.killThread(threads.get(ThreadLocalRandom.current().nextInt(threads.size())).tid(), Signals.SIGKILL);
            }
            WaitStatus s = waitExit(pid);
            killed.set(true);
            stirrer.join();
            assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), s, "round " + round);
            assertTrue(threadsOf(pid).isEmpty(), () -> "no thread of " + pid + " left: " + sim.tasks());
        }
    }

    private void attachTo(TracedTask t, Map<Integer, Engine> engines) {
        AttachResult r = utrace.attach(t, AttachFlags.CREATE, new RandomStops(), null);
        if (!r.ok()) return; // it may be dying already
        utrace.setEvents(t, r.engine(), Event.mask(Event.JCTL, Event.SIGNAL, Event.SIGNAL_STOP, Event.SIGNAL_IGN, Event.QUIESCE));
        engines.put(t.tid(), r.engine());
    }

    /** SIGCONT, adopting stops and letting them go, until the process is dead. */
    private void stir(int pid, Map<Integer, Engine> engines, AtomicBoolean killed) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        while (!killed.get()) {
            try {
                switch (rnd.nextInt(6)) {
                    case 0 -> sim.kill(pid, Signals.SIGCONT);
                    case 1 -> { // an engine goes and another comes, as debuggers do
                        for (Map.Entry<Integer, Engine> e : engines.entrySet()) {
                            TracedTask t = sim.findTask(e.getKey());
                            if (t == null || !rnd.nextBoolean()) continue;
                            utrace.control(t, e.getValue(), ResumeAction.DETACH);
                            engines.remove(e.getKey());
                            attachTo(t, engines);
                        }
                    }
                    default -> {
                        for (Map.Entry<Integer, Engine> e : engines.entrySet()) {
                            TracedTask t = sim.findTask(e.getKey());
                            if (t == null) continue;
                            utrace.control(t, e.getValue(), rnd.nextBoolean() ? ResumeAction.STOP : ResumeAction.RESUME);
                            if (rnd.nextInt(8) == 0) utrace.barrier(t, e.getValue());
                        }
                    }
                }
            } catch (RuntimeException gone) {
                // the process died under us (ProcessException for its pid): the kill came
            }
            Thread.onSpinWait();
        }
    }

    private List<TaskInfo> threadsOf(int pid) {
        return sim.tasks().stream().filter(i -> i.tgid() == pid && !i.state().hasExited()).toList();
    }
}
