package dev.utrace.sim.internal;

import static dev.utrace.sim.internal.SyscallTable.*;

import dev.utrace.api.task.CloneFlags;
import dev.utrace.api.task.MemoryFault;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.TaskState;
import java.nio.charset.StandardCharsets;

/**
 * The syscall path: entry hook (the core may change the number and arguments, stop the task,
 * or abort the call), dispatch, exit hook. On entry rax is set to -ENOSYS, so an aborted call
 * returns that unless an engine stored another value.
 */
final class Syscalls {
    private static final int EBADF = 9;
    private static final int MAX_WRITE = 64 * 1024;

    private final Kernel k;

    Syscalls(Kernel k) {
        this.k = k;
    }

    void syscall(SimTask t) {
        long[] r = t.regs;
        r[Reg.ORIG_RAX.ordinal()] = r[Reg.RAX.ordinal()];
        r[Reg.RAX.ordinal()] = -Errno.ENOSYS;
        if (!k.syscallEntry(t)) {
            int nr = (int) r[Reg.ORIG_RAX.ordinal()];
            r[Reg.RAX.ordinal()] = dispatch(t, nr);
            t.syscallJustReturned = nr != RT_SIGRETURN && nr != EXECVE;
        } else {
            t.syscallJustReturned = false;
        }
        k.hooks().syscallExit(t);
    }

    private long dispatch(SimTask t, int nr) {
        long[] r = t.regs;
        long a0 = r[Reg.RDI.ordinal()], a1 = r[Reg.RSI.ordinal()], a2 = r[Reg.RDX.ordinal()];
        return switch (nr) {
            case WRITE -> write(t, (int) a0, a1, a2);
            case MMAP -> mmap(t, a0, a1);
            case MUNMAP -> t.proc.mm.unmap(a0, a1) ? 0 : -Errno.EINVAL;
            case RT_SIGACTION -> k.sigcalls.sigaction(t, (int) a0, a1, a2);
            case RT_SIGPROCMASK -> k.sigcalls.sigprocmask(t, (int) a0, a1, a2);
            case RT_SIGRETURN -> k.delivery.sigreturn(t);
            case SCHED_YIELD -> {
                Thread.yield();
                yield 0;
            }
            case PAUSE -> t.waitFor(() -> false, true, 0, TaskState.SLEEPING) == SimTask.Wake.KILLED ? -Errno.EINTR : -Errno.ERESTARTNOHAND;
            case NANOSLEEP -> sleep(t, a0);
            case GETPID -> t.tgid();
            case GETTID -> t.tid();
            case GETPPID -> ppid(t);
            case CLONE -> k.forks.clone(t, a0, a1);
            case FORK -> k.forks.clone(t, 0, 0);
            case VFORK -> k.forks.clone(t, CloneFlags.CLONE_VM | CloneFlags.CLONE_VFORK, 0);
            case EXECVE -> k.execs.execve(t, a0, a1);
            case EXIT -> {
                k.exits.doExit(t, (a0 & 0xff) << 8);
                yield 0;
            }
            case EXIT_GROUP -> {
                k.exits.doGroupExit(t, (a0 & 0xff) << 8);
                yield 0;
            }
            case WAIT4 -> k.waits.wait4(t, (int) a0, a1, (int) a2);
            case KILL -> k.signals.kill(t, (int) a0, (int) a1);
            case TKILL -> k.signals.tgkill(t, -1, (int) a0, (int) a1);
            case TGKILL -> k.signals.tgkill(t, (int) a0, (int) a1, (int) a2);
            default -> -Errno.ENOSYS;
        };
    }

    private long ppid(SimTask t) {
        k.lock.lock();
        try {
            Proc parent = t.proc.parent;
            return parent == null ? 0 : parent.tgid;
        } finally {
            k.lock.unlock();
        }
    }

    /** Writes to fd 1 or 2 go to the process console. */
    private static long write(SimTask t, int fd, long buf, long len) {
        if (fd != 1 && fd != 2) return -EBADF;
        if (len < 0 || len > MAX_WRITE) return -Errno.EINVAL;
        byte[] bytes = new byte[(int) len];
        try {
            for (int i = 0; i < len; i++) bytes[i] = (byte) t.proc.mm.read(buf + i, 1);
        } catch (MemoryFault f) {
            return -Errno.EFAULT;
        }
        t.proc.console().write(new String(bytes, StandardCharsets.UTF_8));
        return len;
    }

    /** mmap(addr, length): at {@code addr} if given (EINVAL if taken), else anywhere; memory reads as zeros. */
    private static long mmap(SimTask t, long addr, long len) {
        if (len <= 0 || len > (1L << 32) || (addr & (AddressSpace.PAGE - 1)) != 0) return -Errno.EINVAL;
        if (addr == 0) return t.proc.mm.mapAnywhere(len);
        return t.proc.mm.map(addr, len, null, "mmap") ? addr : -Errno.EINVAL;
    }

    /** Sleeps {@code ms} milliseconds; a signal interrupts it with the time left in rdi, to restart with. */
    private static long sleep(SimTask t, long ms) {
        if (ms < 0) return -Errno.EINVAL;
        long deadline = System.nanoTime() + Math.max(1, ms * 1_000_000L);
        SimTask.Wake w = t.waitFor(() -> false, true, deadline, TaskState.SLEEPING);
        return switch (w) {
            case TIMEOUT, DONE -> 0;
            case KILLED -> -Errno.EINTR;
            case SIGNAL -> {
                t.regs[Reg.RDI.ordinal()] = Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
                yield -Errno.ERESTARTNOHAND;
            }
        };
    }
}
