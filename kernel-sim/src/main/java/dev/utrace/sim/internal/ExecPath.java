package dev.utrace.sim.internal;

import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.MemoryFault;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.TaskState;
import dev.utrace.spi.StepMode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code execve}: the new program is loaded (and must parse) before anything changes, so a bad
 * exec returns an error to a process that goes on as before. Then {@code de_thread} as Linux
 * does it (R-EVT-ORD-6): every other thread gets SIGKILL; a non-leader waits for them to be
 * released and for the old leader to be a zombie, takes the leader's tid, marks the old leader
 * DEAD and releases it on its own thread (so the REAP hook for the old leader runs here). Then
 * the image is installed and the core hears EXEC.
 */
final class ExecPath {
    /** The {@code linux_binfmt} name reported to the core. */
    static final String FORMAT = "sim";
    private static final int MAX_ARGS = 64;
    private static final int MAX_STRING = 4096;

    private final Kernel k;

    ExecPath(Kernel k) {
        this.k = k;
    }

    long execve(SimTask t, long pathAddr, long argvAddr) {
        AddressSpace mm = t.proc.mm;
        String name;
        List<String> argv = new ArrayList<>();
        try {
            name = mm.readString(pathAddr, MAX_STRING);
            for (int i = 0; argvAddr != 0; i++) {
                if (i >= MAX_ARGS) return -Errno.EINVAL;
                long ptr = mm.read(argvAddr + 8L * i, 8);
                if (ptr == 0) break;
                argv.add(mm.readString(ptr, MAX_STRING));
            }
        } catch (MemoryFault f) {
            return -Errno.EFAULT;
        }
        Program prog;
        try {
            prog = k.library.find(name);
        } catch (ProgramSyntaxException e) {
            return -Errno.ENOEXEC;
        }
        if (prog == null) return -Errno.ENOENT;
        if (!deThread(t)) return -Errno.EINTR;
        install(t, prog, argv.size() > 1 ? argv.subList(1, argv.size()) : List.of());
        // Still inside execve, as Linux's pt_regs are: a tracer at its exit sees orig_rax execve (rax 0, its result).
        t.regs[Reg.ORIG_RAX.ordinal()] = SyscallTable.EXECVE;
        k.exits.releaseVfork(t);
        k.hooks().exec(t, FORMAT, new ExecInfo(name, argv.isEmpty() ? List.of(name) : argv, FORMAT));
        return 0;
    }

    /**
     * Makes {@code t} the only thread of its group. Returns false if the task is being killed
     * meanwhile (the exec is abandoned; the task dies on its way out).
     */
    private boolean deThread(SimTask t) {
        Proc p = t.proc;
        Deferred d = new Deferred();
        k.lock.lock();
        try {
            if (p.groupExit || t.fatal) return false;
            if (p.threads == 1) return true;
            p.execer = t;
            for (SimTask q = p.firstThread; q != null; q = q.groupNext) {
                if (q != t && !q.rawState().hasExited()) k.signals.killThread(q, d);
            }
        } finally {
            k.lock.unlock();
            d.run();
        }
        SimTask.Wake w = t.waitFor(() -> othersGone(t), false, 0, TaskState.SLEEPING);
        SimTask oldLeader = null;
        k.lock.lock();
        try {
            p.execer = null;
            if (w != SimTask.Wake.DONE) return false;
            if (t != p.leader) {
                oldLeader = p.leader;
                int leaderTid = oldLeader.tid();
                int myTid = t.tid();
                t.setTid(leaderTid);
                oldLeader.setTid(myTid);
                k.rehash(t, oldLeader);
                p.leader = t;
                k.links.breakLink(oldLeader);
                oldLeader.setState(TaskState.DEAD);
            }
        } finally {
            k.lock.unlock();
        }
        if (oldLeader != null) k.exits.release(oldLeader);
        return true;
    }

    /** Only {@code t} is left, except a non-leader also needs the old leader, which must be a zombie. */
    private boolean othersGone(SimTask t) {
        k.lock.lock();
        try {
            Proc p = t.proc;
            if (t == p.leader) return p.threads == 1;
            return p.threads == 2 && p.leader.rawState().hasExited();
        } finally {
            k.lock.unlock();
        }
    }

    /**
     * Installs {@code prog} as {@code t}'s image (fresh address space, text and data segments, stack,
     * registers, handlers reset to SIG_DFL except ignored ones); used by exec and by spawn.
     */
    void install(SimTask t, Program prog, List<String> args) {
        AddressSpace mm = AddressSpace.forProgram(prog);
        t.stackTop = mm.newStack();
        long[] r = t.regs;
        java.util.Arrays.fill(r, 0);
        r[Reg.RIP.ordinal()] = Program.CODE_BASE;
        r[Reg.RSP.ordinal()] = t.stackTop;
        r[Reg.CS.ordinal()] = 0x33;
        r[Reg.SS.ordinal()] = 0x2b;
        r[Reg.EFLAGS.ordinal()] = 0x202 | (t.stepMode() != StepMode.NONE ? Reg.EFLAGS_TF : 0);
        r[Reg.ORIG_RAX.ordinal()] = -1;
        for (int i = 0; i < Math.min(args.size(), Reg.SYSCALL_ARGS.length); i++) {
            r[Reg.SYSCALL_ARGS[i].ordinal()] = number(args.get(i));
        }
        HwSlots.execd(t);
        t.frames = null;
        k.lock.lock();
        try {
            Proc p = t.proc;
            p.mm = mm;
            p.program = prog;
            p.comm = prog.name();
            if (p.actions != null) {
                for (int s = 1; s < p.actions.length; s++) {
                    SigAction a = p.actions[s];
                    if (a.handler != SigAction.SIG_IGN) a.handler = SigAction.SIG_DFL;
                    a.flags = 0;
                    a.mask = 0;
                }
            }
        } finally {
            k.lock.unlock();
        }
    }

    /** A decimal or 0x-hex argument's value (64 bits, two's complement); other text is 0 (it still reaches argv). */
    static long number(String s) {
        String t = s.strip();
        try {
            if (t.startsWith("0x")) return Long.parseUnsignedLong(t.substring(2), 16);
            return t.startsWith("-") ? Long.parseLong(t) : Long.parseUnsignedLong(t);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Whether a decimal or 0x-hex numeral fits in 64 bits (signed if negative, else unsigned). */
    static boolean fits64(String numeral) {
        String t = numeral.strip();
        try {
            if (t.startsWith("0x")) Long.parseUnsignedLong(t.substring(2), 16);
            else if (t.startsWith("-")) Long.parseLong(t);
            else Long.parseUnsignedLong(t);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
