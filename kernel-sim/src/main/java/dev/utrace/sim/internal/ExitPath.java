package dev.utrace.sim.internal;

import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.spi.TraceHooks;

/**
 * {@code do_exit}, {@code do_group_exit}, {@code exit_notify} and {@code release_task}.
 *
 * <p>Order, as the core relies on it: the EXIT hook first (engines may change the code or stop
 * the task); teardown; then the state becomes ZOMBIE, or DEAD for a self-reap, before the DEATH
 * hook; a reaper sets DEAD, calls the REAP hook on its own thread, and only then unhashes the
 * task. A group leader whose threads still run stays a zombie the parent cannot see until the
 * last thread is released ({@code delay_group_leader}); that last thread notifies the parent,
 * and reaps the leader itself if the parent ignores SIGCHLD.
 */
final class ExitPath {
    private final Kernel k;

    ExitPath(Kernel k) {
        this.k = k;
    }

    /** {@code exit_group} or a fatal signal: the whole group exits with {@code code} (a wait status). */
    void doGroupExit(SimTask t, long code) {
        Deferred d = new Deferred();
        k.lock.lock();
        try {
            Proc p = t.proc;
            if (p.groupExit || p.execer != null) {
                code = p.groupExitCode;
            } else {
                p.groupExit = true;
                p.groupExitCode = code;
                p.groupStopCount = 0;
                for (SimTask q = p.firstThread; q != null; q = q.groupNext) {
                    q.jobctlStopPending = false;
                    if (q != t && !q.rawState().hasExited()) k.signals.killThread(q, d);
                }
            }
        } finally {
            k.lock.unlock();
            d.run();
        }
        doExit(t, code);
    }

    /** {@code do_exit} on the task's own thread; never returns (throws {@link TaskDied}). */
    void doExit(SimTask t, long code) {
        TraceHooks h = k.hooks();
        t.setState(TaskState.EXITING);
        ExitCode ec = new ExitCode(code);
        k.exit(t, ec);
        code = ec.get();
        HwSlots.exited(t);
        t.frames = null;
        releaseVfork(t);
        Proc p = t.proc;
        if (t.stackTop != 0) p.mm.releaseStack(t.stackTop);
        boolean groupDead;
        boolean autoreap;
        boolean stopCompleted = false;
        Deferred d = new Deferred();
        k.lock.lock();
        try {
            if (t.jobctlStopPending) {
                t.jobctlStopPending = false;
                if (--p.groupStopCount == 0 && !p.groupExit) {
                    p.groupStopped = true;
                    p.stopReportPending = true;
                    stopCompleted = true;
                }
            }
            t.exitCode = code;
            groupDead = --p.live == 0;
            if (groupDead) reparentChildren(p, d);
            // A traced thread stays a zombie for its tracer, who unlinks it (TraceLinks).
            autoreap = t.traceLink == null && (t != p.leader || (p.threads == 1 && notifyParent(p, d)));
            t.setState(autoreap ? TaskState.DEAD : TaskState.ZOMBIE);
            if (p.execer != null) d.wake(p.execer);
        } finally {
            k.lock.unlock();
            d.run();
        }
        if (stopCompleted) k.delivery.notifyParentCldStop(p, Signals.CLD_STOPPED);
        h.death(t, groupDead, autoreap ? -1 : Signals.SIGCHLD);
        if (autoreap) release(t);
        throw TaskDied.INSTANCE;
    }

    /** Wakes a parent waiting in vfork for this child (it exec'd or is exiting). */
    void releaseVfork(SimTask child) {
        SimTask parent = child.vforkParent;
        if (parent != null) {
            child.vforkParent = null;
            parent.wake();
        }
    }

    /**
     * {@code do_notify_parent} for a dead group: fixes the wait status, and either makes the
     * group the parent's zombie (with SIGCHLD) or, if the parent ignores SIGCHLD, says to self-reap.
     */
    boolean notifyParent(Proc p, Deferred d) {
        assert k.lock.isHeldByCurrentThread();
        Proc parent = p.parent;
        p.exitStatus = p.groupExit ? p.groupExitCode : p.leader.exitCode;
        if (parent.ignoresChildren()) return true;
        parent.queueZombie(p);
        for (SimTask q = parent.firstThread; q != null; q = q.groupNext) d.wake(q);
        if (!parent.kernel && parent.leader != null) {
            SignalInfo info = new SignalInfo(Signals.SIGCHLD, childCode(p.exitStatus));
            info.pid = p.tgid;
            info.status = (int) p.exitStatus;
            SimTask to = parent.leader;
            d.later(() -> k.signals.send(to, info, true));
        }
        return false;
    }

    private static int childCode(long status) {
        if ((status & 0x7f) == 0) return Signals.CLD_EXITED;
        return (status & 0x80) != 0 ? Signals.CLD_DUMPED : Signals.CLD_KILLED;
    }

    /** Gives a dead group's children to init ({@code forget_original_parent}). */
    private void reparentChildren(Proc p, Deferred d) {
        Proc init = k.initProc;
        boolean moved = false;
        while (p.firstChild != null) {
            Proc c = p.firstChild;
            boolean zombie = p.zombies != null && p.zombies.contains(c);
            p.removeChild(c);
            init.addChild(c);
            if (zombie) init.queueZombie(c);
            moved = true;
        }
        if (moved) d.wake(k.init);
    }

    /**
     * {@code release_task} on the reaper's thread; {@code t} is already DEAD. Calls the REAP
     * hook, unhashes the task, and, if that leaves only a zombie leader, finishes the group.
     */
    void release(SimTask t) {
        k.hooks().releaseTask(t);
        SimTask zap = null;
        Deferred d = new Deferred();
        k.lock.lock();
        try {
            Proc p = t.proc;
            k.unhash(t);
            p.removeThread(t);
            if (p.execer != null) d.wake(p.execer);
            SimTask leader = p.leader;
            if (t == leader) {
                processGone(p, d);
            } else if (p.threads == 1 && leader.rawState() == TaskState.ZOMBIE && leader.traceLink == null
                    && notifyParent(p, d)) {
                leader.setState(TaskState.DEAD);
                zap = leader;
            }
        } finally {
            k.lock.unlock();
            d.run();
        }
        if (zap != null) release(zap);
    }

    private void processGone(Proc p, Deferred d) {
        if (p.parent != null) {
            p.parent.removeChild(p);
            for (SimTask q = p.parent.firstThread; q != null; q = q.groupNext) d.wake(q);
        }
        p.parent = null;
        k.records.add(p.tgid, p.exitStatus, p.consoleText());
    }
}
