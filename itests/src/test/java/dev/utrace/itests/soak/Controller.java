package dev.utrace.itests.soak;

import dev.utrace.api.Examination;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Signals;
import dev.utrace.api.proc.ProcessException;
import dev.utrace.api.proc.TaskInfo;
import dev.utrace.spi.TracedTask;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * One controller thread: random operations from its own seeded stream on random tasks and
 * engines, each checked against what the API promises for it.
 */
final class Controller {
    private static final ResumeAction[] ACTIONS = ResumeAction.values();
    private static final int[] SIGNALS = {Signals.SIGUSR1, Signals.SIGUSR2, Signals.SIGINT, Signals.SIGTERM, Signals.SIGALRM,
        Signals.SIGCHLD, Signals.SIGPIPE, Signals.SIGSTOP, Signals.SIGCONT, Signals.SIGTSTP, Signals.SIGQUIT, Signals.SIGHUP,
        Signals.SIGTRAP, Signals.SIGCONT, Signals.SIGUSR1, Signals.SIGKILL};

    /** A controller pauses this long before one operation in four, so programs run between operations. */
    private static final long PAUSE_NANOS = 100_000;

    private final SoakContext cx;
    private final Monitor monitor;
    private final int slot;
    private final SplittableRandom random;
    private final Dice dice;
    private final Spawner spawner;

    Controller(SoakContext cx, Monitor monitor, int slot) {
        this.cx = cx;
        this.monitor = monitor;
        this.slot = slot;
        this.random = new SplittableRandom(cx.config.seed() ^ (0x5DEECE66DL * (slot + 1)));
        this.dice = Dice.of(random);
        this.spawner = new Spawner(cx, dice);
    }

    /** Runs operations until the run's operation count reaches {@code limit}. */
    void runUntil(long limit) {
        while (true) {
            long n = cx.ops.get();
            if (n >= limit) return;
            if (!cx.ops.compareAndSet(n, n + 1)) continue;
            if (random.nextInt(4) == 0) LockSupport.parkNanos(PAUSE_NANOS); // leave the cores to the tasks now and then
            try {
                step();
            } catch (ProcessException expected) {
                // the target ended meanwhile
            } catch (RuntimeException | Error e) {
                boolean firstAttachRace = e instanceof IllegalStateException && String.valueOf(e.getMessage())
                        .contains("carries state of another utrace core");
                cx.violations.add("no exception escapes the core or the machine", "a controller operation threw "
                        + Violations.stackText(e), firstAttachRace ? KnownFault.FIRST_ATTACH_RACE : null);
            } finally {
                monitor.returned(slot);
            }
        }
    }

    private void step() {
        int k = random.nextInt(1000);
        if (k < 40) spawnOrSignal();
        else if (k < 180) attach();
        else if (k < 260) lookup();
        else if (k < 480) withHeld(this::control);
        else if (k < 560) withHeld(this::setEvents);
        else if (k < 610) withHeld(this::barrier);
        else if (k < 660) withHeld(this::examine);
        else if (k < 690) withHeld(this::getAnother);
        else if (k < 770) drop();
        else if (k < 890) signal(SIGNALS[random.nextInt(SIGNALS.length)]);
        else if (k < 935) signal(Signals.SIGCONT);
        else if (k < 955) signal(Signals.SIGKILL);
        else if (k < 995) spawnOrSignal();
        else revoke();
    }

    // ---- tasks ----------------------------------------------------------------------------

    private void spawnOrSignal() {
        if (!spawner.spawnIfRoom()) signal(SIGNALS[random.nextInt(SIGNALS.length)]);
    }

    /** A random live task; rarely init, which takes neither engines nor signals. */
    private TaskInfo randomTask() {
        List<TaskInfo> tasks = cx.sim.tasks();
        if (tasks.isEmpty()) return null;
        TaskInfo t = tasks.get(random.nextInt(tasks.size()));
        if (t.tid() == 1 && random.nextInt(20) != 0 && tasks.size() > 1) return randomTask();
        return t;
    }

    private void signal(int sig) {
        TaskInfo t = randomTask();
        if (t == null || t.tid() == 1) return;
        boolean thread = random.nextInt(4) == 0;
        if (sig == Signals.SIGKILL && cx.config.excludes(KnownFault.EXIT_STOP_KILL) && anyTraced(t.tgid())) return;
        monitor.calling(slot, "kill " + Signals.name(sig) + " to " + t);
        if (thread) cx.sim.killThread(t.tid(), sig);
        else cx.sim.kill(t.tgid(), sig);
        cx.stats.signals.increment();
        if (sig == Signals.SIGKILL) {
            cx.stats.kills.increment();
            // SIGKILL to a live thread kills its process; to one that has already exited (a zombie
            // leader whose threads run on) it does nothing, as on Linux: expect no end then.
            if (!thread || !exited(t.tid())) {
                monitor.killed(t.tgid(), "SIGKILL to " + (thread ? "thread " + t.tid() : "process " + t.tgid()) + " from outside");
            }
        }
    }

    /** Whether thread {@code tid} has exited (or is gone). */
    private boolean exited(int tid) {
        try {
            return cx.sim.info(tid).state().hasExited();
        } catch (ProcessException gone) {
            return true;
        }
    }

    /** Whether a task of process {@code pid} is held by utrace now (it might be in its EXIT stop). */
    private boolean anyTraced(int pid) {
        for (TaskInfo i : cx.sim.tasks()) {
            if (i.tgid() == pid && i.state() == dev.utrace.api.task.TaskState.TRACED) return true;
        }
        return false;
    }

    // ---- engines --------------------------------------------------------------------------

    private SoakOwner randomOwner() {
        return cx.owner(random.nextInt(SoakContext.OWNERS));
    }

    private void attach() {
        TaskInfo info = randomTask();
        if (info == null) return;
        TracedTask t = cx.sim.findTask(info.tid());
        if (t == null) return;
        SoakOwner o = randomOwner();
        monitor.calling(slot, "attach to " + info + " by " + o);
        EngineRecord r = cx.attacher.create(o, t, dice, random.nextInt(5) == 0);
        if (r != null) cx.keepOrDrop(r, dice);
    }

    private void lookup() {
        EngineRecord byData = null;
        TracedTask t;
        if (random.nextInt(3) == 0) {
            byData = cx.held.claim(random); // look up an engine the soak knows, by its data
            if (byData == null) return;
            t = byData.taskUncertain ? null : byData.task;
            cx.keepOrDrop(byData, dice);
            if (t == null) return;
        } else {
            TaskInfo info = randomTask();
            if (info == null) return;
            t = cx.sim.findTask(info.tid());
            if (t == null) return;
        }
        SoakOwner o = byData != null ? byData.owner : randomOwner();
        monitor.calling(slot, "lookup on task " + t.tid() + " by " + o);
        EngineRecord found = cx.attacher.lookup(o, t, dice, byData);
        if (found != null) cx.keepOrDrop(found, dice);
    }

    /** Claims a held reference, uses it, and keeps or drops it afterwards. */
    private void withHeld(java.util.function.Consumer<EngineRecord> use) {
        EngineRecord r = cx.held.claim(random);
        if (r == null) {
            attach();
            return;
        }
        try {
            use.accept(r);
        } finally {
            monitor.returned(slot);
            cx.keepOrDrop(r, dice);
        }
    }

    private void control(EngineRecord r) {
        ResumeAction a = ACTIONS[random.nextInt(ACTIONS.length)];
        if (random.nextInt(4) == 0) a = random.nextBoolean() ? ResumeAction.DETACH : ResumeAction.RESUME;
        boolean revoked = r.owner.revokeReturned;
        monitor.calling(slot, "control(" + a + ") of " + r);
        Outcome o = r.owner.facade.control(r.task, r.engine, a);
        cx.stats.controls.increment();
        r.note("control(" + a + ") = " + o);
        String bad = null;
        switch (o) {
            case IN_PROGRESS -> { if (a != ResumeAction.STOP && a != ResumeAction.DETACH) bad = "IN_PROGRESS is only for STOP and DETACH"; }
            case ALREADY -> { if (a != ResumeAction.DETACH) bad = "ALREADY is only for DETACH"; }
            case INVALID -> { if (!CallbackChaos.needsQuiesce(a)) bad = "INVALID is only for REPORT, SINGLESTEP, BLOCKSTEP without QUIESCE"; }
            case DONE, GONE -> { }
            default -> bad = "control never answers " + o + " on a machine that can single-step";
        }
        if (bad != null) cx.violations.add("R-CTL", "control(" + a + ") answered " + o + ": " + bad + "; " + r.describe());
        if (revoked && o != Outcome.GONE && o != Outcome.INVALID) {
            cx.violations.add("revocation", "control(" + a + ") on an engine of revoked " + r.owner + " answered " + o
                    + " (a revoked engine's handle answers GONE): " + r.describe());
        }
        if (a != ResumeAction.DETACH || (o != Outcome.DONE && o != Outcome.IN_PROGRESS)) return;
        r.detachAccepted = true;
        if (o == Outcome.DONE) {
            r.detachDone = true;
            String running = r.runningCallback;
            if (r.inCallback.get() > 0) {
                cx.violations.add("R-CTL-DETACH", "control(DETACH) answered DONE while " + running
                        + " of the engine was running (IN_PROGRESS is owed): " + r.describe(), CallbackChaos.jctl(running));
            }
        } else if (random.nextBoolean()) {
            barrier(r);
        }
    }

    private void setEvents(EngineRecord r) {
        long mask = cx.randomMask(dice);
        boolean revoked = r.owner.revokeReturned;
        monitor.calling(slot, "setEvents of " + r);
        Outcome o = r.owner.facade.setEvents(r.task, r.engine, mask);
        cx.stats.setEvents.increment();
        r.note("setEvents(" + dev.utrace.api.Event.format(mask) + ") = " + o);
        if (o != Outcome.DONE && o != Outcome.IN_PROGRESS && o != Outcome.ALREADY && o != Outcome.GONE) {
            cx.violations.add("R-SET", "setEvents answered " + o + ": " + r.describe());
        }
        if (revoked && o != Outcome.GONE) {
            cx.violations.add("revocation", "setEvents on an engine of revoked " + r.owner + " answered " + o + ": " + r.describe());
        }
    }

    /** R-BAR-4, R-BAR-5: after an accepted DETACH never DONE; GONE means every callback is over. */
    private void barrier(EngineRecord r) {
        boolean afterDetach = r.detachAccepted || r.owner.revokeReturned;
        monitor.calling(slot, "barrier of " + r);
        Outcome o = r.owner.facade.barrier(r.task, r.engine);
        monitor.returned(slot);
        cx.stats.barriers.increment();
        r.note("barrier = " + o);
        if (o == Outcome.INTERRUPTED) return;
        if (o != Outcome.DONE && o != Outcome.GONE) {
            cx.violations.add("R-BAR-2", "barrier answered " + o + ": " + r.describe());
        } else if (afterDetach && o == Outcome.DONE) {
            cx.violations.add("R-BAR-5", "barrier answered DONE after the engine was detached or revoked: " + r.describe());
        } else if (afterDetach) {
            r.detachComplete = true;
            String running = r.runningCallback;
            if (r.inCallback.get() > 0) {
                cx.violations.add("R-BAR-5", "barrier answered GONE after a DETACH while " + running + " of the engine was"
                        + " still running: " + r.describe(), CallbackChaos.jctl(running));
            }
        }
    }

    /** R-EXAM-1, R-EXAM-2: registers read between a DONE prepare and a DONE finish are stable and allowed. */
    private void examine(EngineRecord r) {
        Examination exam = new Examination();
        monitor.calling(slot, "prepareExamine of " + r);
        Outcome prepared = r.owner.facade.prepareExamine(r.task, r.engine, exam);
        cx.stats.examines.increment();
        if (prepared != Outcome.DONE) {
            if (prepared != Outcome.INVALID && prepared != Outcome.GONE && prepared != Outcome.AGAIN) {
                cx.violations.add("R-EXAM-1", "prepareExamine answered " + prepared + ": " + r.describe());
            }
            return;
        }
        String readFailure = null;
        long rip = 0;
        long again = 0;
        try {
            rip = r.task.register(Reg.RIP);
            again = r.task.register(Reg.RIP);
        } catch (IllegalStateException e) {
            readFailure = e.getMessage();
        }
        Outcome finished = r.owner.facade.finishExamine(r.task, r.engine, exam);
        r.note("examine: prepare DONE, finish " + finished + (readFailure != null ? ", read refused" : ""));
        if (finished == Outcome.DONE) {
            cx.stats.examinesDone.increment();
            if (readFailure != null) {
                cx.violations.add("R-EXAM-3", "registers could not be read between a DONE prepareExamine and a DONE"
                        + " finishExamine: " + readFailure + "; " + r.describe(), KnownFault.EXAMINE_BEFORE_STOP);
            } else if (rip != again) {
                cx.violations.add("R-EXAM-2", "rip changed between two reads of a held task (" + rip + ", " + again
                        + ") and finishExamine answered DONE: " + r.describe());
            }
        } else if (finished != Outcome.AGAIN && finished != Outcome.INVALID) {
            cx.violations.add("R-EXAM-2", "finishExamine answered " + finished + ": " + r.describe());
        }
    }

    private void getAnother(EngineRecord r) {
        monitor.calling(slot, "get of " + r);
        r.engine.get();
        r.soakRefs.incrementAndGet();
        r.note("get");
        cx.keepOrDrop(r, dice);
    }

    private void drop() {
        EngineRecord r = cx.held.claim(random);
        if (r == null) return;
        monitor.calling(slot, "put of " + r);
        cx.drop(r);
    }

    // ---- owners ---------------------------------------------------------------------------

    /** The owning bundle goes away: its facade is revoked and a new owner takes its slot. */
    private void revoke() {
        int i = random.nextInt(SoakContext.OWNERS);
        SoakOwner old = cx.replaceOwner(i);
        monitor.calling(slot, "revoke of " + old);
        Revoker.revoke(cx, old);
    }
}
