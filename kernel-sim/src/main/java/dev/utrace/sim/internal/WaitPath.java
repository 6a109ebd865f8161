package dev.utrace.sim.internal;

import dev.utrace.api.task.MemoryFault;
import dev.utrace.api.task.TaskState;

/**
 * {@code wait4}: reaps a zombie child (the REAP hook runs on the waiter's thread), or reports a
 * stopped or continued child with WUNTRACED / WCONTINUED; sleeps interruptibly otherwise. Also
 * init's reaper loop, which adopts orphans' zombies.
 */
final class WaitPath {
    private final Kernel k;

    WaitPath(Kernel k) {
        this.k = k;
    }

    /** Returns the child's pid, 0 for WNOHANG with nothing to report, or -errno. */
    long wait4(SimTask t, int pid, long statusAddr, int options) {
        Proc me = t.proc;
        while (true) {
            int seen;
            Proc found = null;
            long status = 0;
            boolean reap = false;
            k.lock.lock();
            try {
                seen = me.childEvents;
                if (!hasChild(me, pid)) return -Errno.ECHILD;
                found = takeZombie(me, pid);
                if (found != null) {
                    reap = true;
                    status = found.exitStatus;
                    found.leader.setState(TaskState.DEAD);
                } else {
                    for (Proc c = me.firstChild; c != null && found == null; c = c.nextSibling) {
                        if (!matches(c, pid)) continue;
                        if ((options & SugarForms.WUNTRACED) != 0 && c.stopReportPending) {
                            c.stopReportPending = false;
                            status = ((c.groupStopSignal & 0xff) << 8) | 0x7f;
                            found = c;
                        } else if ((options & SugarForms.WCONTINUED) != 0 && c.continueReportPending) {
                            c.continueReportPending = false;
                            status = 0xffff;
                            found = c;
                        }
                    }
                }
            } finally {
                k.lock.unlock();
            }
            if (found != null) {
                if (reap) k.exits.release(found.leader);
                if (statusAddr != 0) {
                    try {
                        me.mm.store(statusAddr, 4, status);
                    } catch (MemoryFault f) {
                        return -Errno.EFAULT;
                    }
                }
                return found.tgid;
            }
            if ((options & SugarForms.WNOHANG) != 0) return 0;
            SimTask.Wake w = t.waitFor(() -> me.childEvents != seen, true, 0, TaskState.SLEEPING);
            if (w == SimTask.Wake.SIGNAL) return -Errno.ERESTARTSYS;
            if (w == SimTask.Wake.KILLED) return -Errno.EINTR;
        }
    }

    /** pid -1 or 0: any child (the machine has no process groups); pid > 0: that child. */
    private static boolean matches(Proc c, int pid) {
        return pid <= 0 || c.tgid == pid;
    }

    private static boolean hasChild(Proc me, int pid) {
        if (pid < -1) return false;
        for (Proc c = me.firstChild; c != null; c = c.nextSibling) {
            if (matches(c, pid)) return true;
        }
        return false;
    }

    private static Proc takeZombie(Proc me, int pid) {
        if (me.zombies == null || me.zombies.isEmpty()) return null;
        if (pid <= 0) return me.zombies.poll();
        for (Proc z : me.zombies) {
            if (z.tgid == pid) {
                me.zombies.remove(z);
                return z;
            }
        }
        return null;
    }

    /**
     * init's loop: reap every child that dies and sleep while there is none. After shutdown it
     * goes on reaping the killed processes and ends once it has no children left.
     */
    void initLoop(SimTask init) {
        while (true) {
            int seen = init.proc.childEvents;
            long r = wait4(init, -1, 0, 0);
            if (r != -Errno.ECHILD) continue;
            if (k.isShutdown()) return;
            init.waitFor(() -> init.proc.childEvents != seen || k.isShutdown(), false, 0, TaskState.SLEEPING);
        }
    }
}
