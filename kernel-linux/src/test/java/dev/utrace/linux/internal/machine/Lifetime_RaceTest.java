package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.Task;
import dev.utrace.impl.UtraceFacade;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The core's lifetime races on real threads: many short-lived threads of one process (the
 * {@code threads} workload), an engine on each from its parent's CLONE report, and a controller
 * thread that acts on each engine at a random moment of the thread's life. Rounds:
 * {@code race.iterations / 100} threads (at least 40). Each test prints how often each outcome
 * occurred, so a run shows the race really overlapped.
 */
class Lifetime_RaceTest extends MachineFixture {
    private static final int PER_ROUND = 4;

    private static int threads() {
        return Math.max(40, Integer.getInteger("race.iterations", 10_000) / 100);
    }

    /** Per engine: its callbacks, the point after which none may start, its releases. */
    static final class Life {
        final AtomicInteger releases = new AtomicInteger();
        final AtomicInteger deaths = new AtomicInteger();
        final AtomicInteger reaps = new AtomicInteger();
        final AtomicBoolean closed = new AtomicBoolean();
        final ConcurrentLinkedQueue<String> violations;

        Life(ConcurrentLinkedQueue<String> violations) {
            this.violations = violations;
        }

        void callback(String what) {
            if (closed.get()) violations.add(what + " after the controller's guarantee point");
        }
    }

    static final class LifeOps implements EngineOps {
        @Override
        public ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task task) {
            Life l = (Life) engine.data();
            l.callback("syscall exit");
            spin(ThreadLocalRandom.current().nextInt(20_000));
            return ResumeAction.RESUME;
        }

        @Override
        public ResumeAction reportExit(ResumeAction action, Engine engine, Task task, long origCode, ExitCode code) {
            ((Life) engine.data()).callback("exit");
            return ResumeAction.RESUME;
        }

        @Override
        public ResumeAction reportDeath(Engine engine, Task task, boolean groupDead, int signal) {
            Life l = (Life) engine.data();
            l.callback("death");
            l.deaths.incrementAndGet();
            return ResumeAction.RESUME;
        }

        @Override
        public void reportReap(Engine engine, Task task) {
            Life l = (Life) engine.data();
            l.callback("reap");
            l.reaps.incrementAndGet();
        }

        @Override
        public void release(Object data) {
            ((Life) data).releases.incrementAndGet();
        }
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) Thread.onSpinWait();
    }

    /** Follows the leader's threads: attaches {@link LifeOps} to each child in the CLONE report and hands it to the controller. */
    private final class Follower implements EngineOps {
        final UtraceFacade owner;
        final LinkedBlockingQueue<Object[]> born = new LinkedBlockingQueue<>();
        final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        final List<Life> lives = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** Set just before the owner is revoked. */
        volatile boolean revoking;

        Follower(UtraceFacade owner) {
            this.owner = owner;
        }

        @Override
        public ResumeAction reportClone(ResumeAction action, Engine engine, Task parent, long cloneFlags, Task child) {
            Life l = new Life(violations);
            AttachResult r = owner.attach(child, AttachFlags.CREATE, new LifeOps(), l);
            if (!r.ok()) {
                // A callback in flight when its owner is revoked may still attach, and is refused (GONE).
                if (!(revoking && r.outcome() == Outcome.GONE)) violations.add("attach to a new thread: " + r);
                return ResumeAction.RESUME;
            }
            lives.add(l);
            owner.setEvents(child, r.engine(), Event.mask(Event.SYSCALL_EXIT, Event.EXIT, Event.DEATH, Event.REAP));
            born.add(new Object[] {child, r.engine(), l});
            return ResumeAction.RESUME;
        }
    }

    @Test
    @DisplayName("R-CTL-3, R-CTL-DETACH, R-REAP-2 on real threads: control(DETACH) races the thread's exit, death and reap")
    void detachVersusDeath() throws Exception {
        int n = threads();
        int pid = spawnStopped("threads", Integer.toString(n / PER_ROUND), Integer.toString(PER_ROUND));
        Follower f = new Follower(utrace);
        attach(task(pid), f, Event.mask(Event.CLONE));
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        Thread controller = Thread.ofPlatform().name("race-controller").start(() -> {
            for (int i = 0; i < n; i++) {
                Object[] b;
                try {
                    b = f.born.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (b == null) return;
                Task t = (Task) b[0];
                Engine e = (Engine) b[1];
                Life l = (Life) b[2];
                spin(ThreadLocalRandom.current().nextInt(300_000));
                Outcome o = utrace.control(t, e, ResumeAction.DETACH);
                String seen = o.name();
                switch (o) {
                    case DONE -> l.closed.set(true);
                    case IN_PROGRESS -> {
                        Outcome bar = utrace.barrier(t, e);
                        seen += "+barrier " + bar;
                        if (bar != Outcome.GONE && bar != Outcome.DONE) f.violations.add("barrier after DETACH gave " + bar);
                        l.closed.set(true);
                    }
                    case ALREADY, GONE -> { } // the death report runs or ran: the reap follows
                    default -> f.violations.add("DETACH gave " + o);
                }
                outcomes.computeIfAbsent(seen, k -> new AtomicInteger()).incrementAndGet();
                e.put();
            }
        });
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        controller.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        System.out.println("detach vs death on " + n + " real threads: " + outcomes);
        assertEquals(n, f.lives.size());
        assertEquals(List.of(), List.copyOf(f.violations));
        for (Life l : f.lives) {
            await("every engine released", () -> l.releases.get() == 1);
            assertTrue(l.reaps.get() <= 1 && l.deaths.get() <= 1, "one death and one reap at most");
            if (l.reaps.get() == 1) assertEquals(1, l.deaths.get(), "a reap follows a death (R-EVT-ORD-3)");
        }
        assertEquals(0, utrace.liveEngines() - 1, "only the follower is left");
    }

    @Test
    @DisplayName("R-BAR-6, R-REL-1 on real threads: revoke() of an owner races its engines' running callbacks")
    void revokeVersusCallbacks() throws Exception {
        int n = threads();
        int pid = spawnStopped("threads", Integer.toString(n / PER_ROUND), Integer.toString(PER_ROUND));
        UtraceFacade revokee = core.facade("revokee");
        Follower f = new Follower(revokee);
        attach(revokee, task(pid), f, Event.mask(Event.CLONE));
        cont(pid);
        // Revoke once some threads have engines whose callbacks run (they spin in syscall exits).
        await("engines on new threads", () -> f.lives.size() >= Math.min(n, 2 * PER_ROUND));
        f.revoking = true;
        int revoked = revokee.revoke();
        for (Life l : f.lives) l.closed.set(true); // no callback of a revoked engine starts after revoke() returned
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        System.out.println("revoke vs callbacks on real threads: " + revoked + " engines revoked while "
                + f.lives.size() + " were attached");
        assertTrue(revoked >= 2, "revoked the follower and at least one thread's engine: " + revoked);
        assertEquals(List.of(), List.copyOf(f.violations));
        for (Life l : f.lives) await("every engine released once", () -> l.releases.get() == 1);
        assertEquals(0, revokee.liveEngines());
        assertEquals("threads " + (n / PER_ROUND * PER_ROUND) + "\n", console(pid, "threads"));
    }
}
