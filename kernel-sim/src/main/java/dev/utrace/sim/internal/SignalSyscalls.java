package dev.utrace.sim.internal;

import static dev.utrace.api.task.Signals.bit;

import dev.utrace.api.task.MemoryFault;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.Signals;

/**
 * {@code rt_sigaction} and {@code rt_sigprocmask}: they read and write their structs in the
 * task's memory (outside any lock, so a fault is a plain -EFAULT) and change the signal state
 * under {@link Kernel#lock}.
 */
final class SignalSyscalls {
    private final Kernel k;

    SignalSyscalls(Kernel k) {
        this.k = k;
    }

    /** {@code rt_sigaction(sig, act, oldact)} with {@code struct k_sigaction {handler, flags, restorer, mask}}. */
    long sigaction(SimTask t, int sig, long act, long oldAct) {
        if (!Signals.valid(sig) || (act != 0 && Signals.unblockable(sig))) return -Errno.EINVAL;
        AddressSpace mm = t.proc.mm;
        SigAction neu = null;
        try {
            if (act != 0) neu = new SigAction(mm.read(act, 8), (int) mm.read(act + 8, 8), mm.read(act + 24, 8) & ~SignalPath.UNBLOCKABLE);
        } catch (MemoryFault f) {
            return -Errno.EFAULT;
        }
        SigAction old;
        k.lock.lock();
        try {
            Proc p = t.proc;
            old = p.actions == null ? new SigAction() : p.actions[sig].copy();
            if (neu != null) {
                p.action(sig).copyFrom(neu);
                if (SignalPath.ignoredBy(neu.handler, sig)) k.signals.flush(p, bit(sig));
            }
        } finally {
            k.lock.unlock();
        }
        try {
            if (oldAct != 0) {
                mm.store(oldAct, 8, old.handler);
                mm.store(oldAct + 8, 8, old.flags & 0xffffffffL);
                mm.store(oldAct + 16, 8, 0);
                mm.store(oldAct + 24, 8, old.mask);
            }
        } catch (MemoryFault f) {
            return -Errno.EFAULT;
        }
        return 0;
    }

    /** {@code rt_sigprocmask(how, set, oldset)}; SIGKILL and SIGSTOP stay unblocked. */
    long sigprocmask(SimTask t, int how, long setAddr, long oldAddr) {
        if (how < 0 || how > 2) return -Errno.EINVAL;
        long set;
        try {
            set = setAddr == 0 ? 0 : t.proc.mm.read(setAddr, 8);
        } catch (MemoryFault f) {
            return -Errno.EFAULT;
        }
        long old;
        Deferred d = new Deferred();
        k.lock.lock();
        try {
            old = t.blocked;
            if (setAddr != 0) {
                long b = how == 0 ? old | set : how == 1 ? old & ~set : set;
                k.signals.setBlocked(t, b, d);
            }
        } finally {
            k.lock.unlock();
            d.run();
        }
        try {
            if (oldAddr != 0) t.proc.mm.store(oldAddr, 8, old);
        } catch (MemoryFault f) {
            return -Errno.EFAULT;
        }
        return 0;
    }

}
