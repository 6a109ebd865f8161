package dev.utrace.sim.internal;

import static dev.utrace.api.task.CloneFlags.CLONE_PARENT;
import static dev.utrace.api.task.CloneFlags.CLONE_SIGHAND;
import static dev.utrace.api.task.CloneFlags.CLONE_THREAD;
import static dev.utrace.api.task.CloneFlags.CLONE_VFORK;
import static dev.utrace.api.task.CloneFlags.CLONE_VM;

import dev.utrace.api.task.Reg;
import dev.utrace.api.task.TaskState;

/**
 * {@code clone}, {@code fork} and {@code vfork}: the child is built whole (registers, signal
 * state, place in the process tree, hashed so its pid resolves) but not started; the parent
 * reports CLONE to the core, and only then does the child's thread start (R-EVT-ORD-7). With
 * CLONE_VFORK the parent then reports the vfork stop point and waits, killably, until the child
 * execs or exits.
 */
final class ForkPath {
    private final Kernel k;

    ForkPath(Kernel k) {
        this.k = k;
    }

    /**
     * @param start for a thread, the code address it starts at (0: the parent's next instruction)
     * @return the child's tid in the parent, or -errno
     */
    long clone(SimTask parent, long flags, long start) {
        if ((flags & CLONE_THREAD) != 0 && (flags & CLONE_SIGHAND) == 0) return -Errno.EINVAL;
        if ((flags & CLONE_SIGHAND) != 0 && ((flags & CLONE_VM) == 0 || (flags & CLONE_THREAD) == 0)) return -Errno.EINVAL;
        boolean thread = (flags & CLONE_THREAD) != 0;
        boolean vfork = (flags & CLONE_VFORK) != 0;
        Proc pp = parent.proc;
        int tid = k.allocPid();
        Proc p = thread ? pp : newProcess(pp, tid, flags);
        SimTask child = new SimTask(k, p, tid, false);
        System.arraycopy(parent.regs, 0, child.regs, 0, parent.regs.length);
        child.regs[Reg.RAX.ordinal()] = 0;
        child.regs[Reg.EFLAGS.ordinal()] &= ~Reg.EFLAGS_TF;
        if (thread) {
            child.stackTop = p.mm.newStack();
            child.regs[Reg.RSP.ordinal()] = child.stackTop;
            if (start != 0) child.regs[Reg.RIP.ordinal()] = start;
        } else if (!vfork) {
            child.stackTop = parent.stackTop;
        }
        child.thread = k.newThread(child, () -> k.cpu.runChild(child));
        k.lock.lock();
        try {
            if (parent.fatal || pp.groupExit) {
                if (thread) p.mm.releaseStack(child.stackTop);
                return -Errno.ERESTARTNOINTR;
            }
            child.blocked = parent.blocked;
            k.hash(child);
            p.addThread(child);
            p.live++;
            if (thread) {
                if (p.groupStopCount > 0) {
                    child.jobctlStopPending = true;
                    p.groupStopCount++;
                    child.setWork(SimTask.W_SIGPENDING);
                }
            } else {
                p.leader = child;
                Proc parentProc = (flags & CLONE_PARENT) != 0 && pp.parent != null ? pp.parent : pp;
                parentProc.addChild(p);
                parentProc.childEvents++;
                p.actions = pp.copyActions();
            }
            if (vfork) child.vforkParent = parent;
        } finally {
            k.lock.unlock();
        }
        k.hooks().clone(parent, flags, child);
        child.thread.start();
        if (vfork) {
            k.finishVfork(parent);
            parent.waitFor(() -> child.vforkParent == null, false, 0, TaskState.SLEEPING);
        }
        return tid;
    }

    private static Proc newProcess(Proc pp, int tgid, long flags) {
        AddressSpace mm = (flags & CLONE_VM) != 0 ? pp.mm : pp.mm.copy();
        Proc p = new Proc(tgid, false, pp.program, mm);
        p.comm = pp.comm;
        p.inheritConsole(pp.console());
        return p;
    }
}
