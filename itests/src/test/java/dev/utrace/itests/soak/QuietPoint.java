package dev.utrace.itests.soak;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.EngineInfo;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.ProcessException;
import dev.utrace.api.proc.TaskInfo;
import dev.utrace.spi.TracedTask;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The end of a round, with the controllers paused and every callback answering RESUME: each
 * engine lets go of its stops, then no task may stay TRACED without an engine holding it; the
 * engines are revoked, detached or left to the reap; every process is SIGKILLed and must end;
 * the soak drops its references, and every engine created in the round must have been released
 * exactly once.
 */
final class QuietPoint {
    private final SoakContext cx;
    private final Monitor monitor;
    private final int slot;
    private final SplittableRandom random;

    QuietPoint(SoakContext cx, Monitor monitor, int slot) {
        this.cx = cx;
        this.monitor = monitor;
        this.slot = slot;
        this.random = new SplittableRandom(cx.config.seed() * 31 + 7);
    }

    void run() throws InterruptedException {
        cx.benign = true;
        try {
            monitor.awaitKilled();
            if (random.nextBoolean() || cx.config.excludes(KnownFault.EXIT_STOP_KILL)) {
                for (EngineRecord r : cx.round) letGo(r, ResumeAction.RESUME);
                checkNoStrayStops();
                disposeOfEngines();
                killEverything();
            } else {
                // SIGKILL while the engines still hold their stops: every process must end anyway (R-STOP-6).
                if (!killEverything()) {
                    // A hang was reported; let go of every stop so the next round starts from a clean machine.
                    for (EngineRecord r : cx.round) letGo(r, ResumeAction.RESUME);
                    killEverything();
                }
                disposeOfEngines();
            }
            for (EngineRecord r : cx.held.drain()) cx.drop(r);
            checkReleased();
            cx.round.clear();
            cx.stats.rounds.increment();
        } finally {
            cx.benign = false;
        }
    }

    /** Revokes every owner, detaches every engine, or leaves them attached for the reap to tear down. */
    private void disposeOfEngines() {
        switch (random.nextInt(3)) {
            case 0 -> {
                for (int i = 0; i < SoakContext.OWNERS; i++) Revoker.revoke(cx, cx.replaceOwner(i));
            }
            case 1 -> {
                for (EngineRecord r : cx.round) letGo(r, ResumeAction.DETACH);
            }
            default -> { }
        }
    }

    /** Looks the engine up by its ops and data and tells it {@code action} (RESUME or DETACH). */
    private void letGo(EngineRecord r, ResumeAction action) {
        if (!r.created() || r.taskUncertain || r.releases.get() > 0 || r.owner.revokeStarted) return;
        monitor.calling(slot, "quiet point: lookup of " + r);
        try {
            AttachResult res = r.owner.facade.attach(r.task, AttachFlags.MATCH_OPS | AttachFlags.MATCH_DATA, r.ops, r);
            if (!res.ok()) return; // detached or reaped already
            r.soakRefs.incrementAndGet();
            if (res.engine() != r.engine) {
                cx.violations.add("R-ATT-1", "a MATCH_OPS|MATCH_DATA lookup found another engine than " + r.describe());
            }
            monitor.calling(slot, "quiet point: control(" + action + ") of " + r);
            Outcome o = r.owner.facade.control(r.task, r.engine, action);
            r.note("quiet point: control(" + action + ") = " + o);
            if (action == ResumeAction.DETACH && (o == Outcome.DONE || o == Outcome.IN_PROGRESS)) {
                r.detachAccepted = true;
                if (o == Outcome.DONE) r.detachDone = true;
            }
            cx.drop(r);
        } finally {
            monitor.returned(slot);
        }
    }

    /**
     * Every engine let go: a task may only stay TRACED while an engine still holds it (R-STOP-2);
     * one that stays TRACED held by nobody for the whole hang bound is a violation.
     */
    private void checkNoStrayStops() {
        long deadline = System.nanoTime() + cx.hangNanos();
        List<TaskInfo> stray;
        while (true) {
            stray = new ArrayList<>();
            List<TaskInfo> held = new ArrayList<>();
            for (TaskInfo i : cx.sim.tasks()) {
                if (i.state() != TaskState.TRACED) continue;
                TracedTask t = cx.sim.findTask(i.tid());
                if (t == null) continue;
                boolean holder = false;
                for (EngineInfo e : cx.owner(0).facade.engines(t)) holder |= e.holdsStop();
                (holder ? held : stray).add(i);
            }
            if (!held.isEmpty()) {
                for (EngineRecord r : cx.round) letGo(r, ResumeAction.RESUME); // attached during the last sweep
            }
            if (stray.isEmpty() && held.isEmpty()) return;
            if (System.nanoTime() > deadline) break;
            pause();
        }
        if (!stray.isEmpty()) {
            monitor.reportHang("R-STOP-2", "tasks stayed TRACED after every engine let go, with no engine holding a stop", stray);
        }
    }

    /** SIGKILLs every process until none is left; each must end and be reaped (R-STOP-6). False after a hang. */
    private boolean killEverything() {
        long deadline = System.nanoTime() + cx.hangNanos();
        List<TaskInfo> left;
        while (true) {
            left = new ArrayList<>();
            java.util.Set<Integer> groups = new java.util.TreeSet<>();
            for (TaskInfo i : cx.sim.tasks()) {
                if (i.tgid() == 1) continue;
                left.add(i);
                // A group with a live thread, whatever its leader's state (a zombie leader waits
                // for its threads), as kill -9 of the process id reaches them.
                if (!i.state().hasExited()) groups.add(i.tgid());
            }
            for (int tgid : groups) {
                try {
                    cx.sim.kill(tgid, Signals.SIGKILL);
                } catch (ProcessException gone) {
                    // reaped meanwhile
                }
            }
            if (left.isEmpty()) return true;
            if (System.nanoTime() > deadline) break;
            pause();
        }
        List<TaskInfo> alive = new ArrayList<>();
        for (TaskInfo i : left) if (!i.state().hasExited()) alive.add(i);
        if (!alive.isEmpty()) {
            monitor.reportHang("R-STOP-6", "tasks have not ended after SIGKILL at a quiet point", alive);
        } else {
            cx.violations.add("reaping", "tasks exited but were not reaped after SIGKILL at a quiet point: " + left);
        }
        return false;
    }

    /** Every engine created in this round has been released exactly once (R-REF-4, R-REF-5). */
    private void checkReleased() {
        // A death report still running when the reaper came tears the engines down after it: wait for it.
        await(() -> {
            for (EngineRecord r : cx.round) if (r.created() && r.releases.get() == 0) return false;
            return true;
        });
        for (EngineRecord r : cx.round) {
            if (r.created() && r.releases.get() != 1) {
                cx.violations.add("R-REF-5", "at the end of a round (task reaped, every reference dropped) release ran "
                        + r.releases.get() + " times: " + r.describe());
            }
        }
    }

    private void await(BooleanSupplier done) {
        long deadline = System.nanoTime() + cx.hangNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) pause();
    }

    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at a quiet point", e);
        }
    }
}
