package dev.utrace.sim.internal;

import dev.utrace.api.task.TaskState;
import dev.utrace.api.task.MemoryFault;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.spi.StepMode;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a task's program on its thread: fetch, execute, traps (single-step, watchpoints,
 * faults), and before every instruction the return-to-user work loop
 * ({@code exit_to_user_mode_loop}): signal delivery while a signal is owed, the core's resume
 * hook while notify-resume is set, then the step mode. A task gives its carrier away every
 * {@link #SLICE} instructions, since virtual threads are not preempted.
 */
final class Cpu {
    static final int SLICE = 1024;
    /** SIGSEGV si_code: a write to memory mapped without write access (the text). */
    static final int SEGV_ACCERR = 2;
    /** SIGILL si_code: an illegal operand, what x86 gives for bytes that are no instruction. */
    static final int ILL_ILLOPN = 2;
    private static final long SLICE_PAUSE_NANOS = 1_000;
    private static final System.Logger LOG = System.getLogger(Cpu.class.getName());

    private final Kernel k;

    Cpu(Kernel k) {
        this.k = k;
    }

    /** The thread body of a clone/fork child: it returns from the syscall first ({@code ret_from_fork}). */
    void runChild(SimTask t) {
        run(t, true);
    }

    /** The thread body of a spawned process: it starts at its program's first instruction. */
    void runSpawned(SimTask t) {
        run(t, false);
    }

    private void run(SimTask t, boolean forked) {
        try {
            body(t, forked);
        } finally {
            // Every way out of a task's thread goes through do_exit; anything else leaves a task
            // behind that nobody runs (say so, with the state it was left in).
            TaskState s = t.rawState();
            if (!s.hasExited()) {
                LOG.log(System.Logger.Level.ERROR, "internal error: the thread of " + t + " ended without exiting (state "
                        + s + ", fatal " + t.fatal + ", in job-control stop " + t.inJobctlStop + ")", new IllegalStateException());
            }
        }
    }

    private void body(SimTask t, boolean forked) {
        try {
            if (forked) {
                k.hooks().syscallExit(t);
                t.syscallJustReturned = true;
            }
            loop(t);
        } catch (TaskDied died) {
            return;
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "internal error in " + t + "; killing it", e);
            try {
                // As SIGKILL: made pending first, so that no engine can hold the dying task (R-STOP-6).
                Deferred d = new Deferred();
                k.lock.lock();
                try {
                    k.signals.killThread(t, d);
                } finally {
                    k.lock.unlock();
                    d.run();
                }
                k.exits.doExit(t, Signals.SIGKILL);
            } catch (TaskDied died) {
                return;
            } catch (RuntimeException | Error again) {
                LOG.log(System.Logger.Level.ERROR, "could not finish the exit of " + t, again);
            }
        }
    }

    private void loop(SimTask t) {
        long n = 0;
        while (true) {
            if (t.work() != 0 || t.fatal) returnToUser(t);
            step(t);
            if ((++n & (SLICE - 1)) == 0) endSlice();
        }
    }

    /**
     * Gives the carrier away at the end of a time slice. {@code Thread.yield()} is not enough:
     * the scheduler may run the yielding thread again at once, and two busy loops on two carriers
     * then starve everyone else, including a task that was just handed the kernel lock. A timed
     * park re-queues the task behind the runnable ones. It may consume a pending unpark, which
     * is harmless: every wait re-checks its condition before parking.
     */
    private static void endSlice() {
        LockSupport.parkNanos(SLICE_PAUSE_NANOS);
    }

    /** {@code exit_to_user_mode_loop}; the step mode takes effect as the next instruction starts (EFLAGS.TF). */
    void returnToUser(SimTask t) {
        while (true) {
            int w = t.work();
            if (t.fatal || (w & SimTask.W_SIGPENDING) != 0) {
                k.delivery.doSignal(t);
            } else if ((w & SimTask.W_NOTIFY_RESUME) != 0) {
                t.clearWork(SimTask.W_NOTIFY_RESUME);
                k.resume(t);
            } else {
                break;
            }
        }
        HwSlots.trapReported(t);
    }

    /** Executes one instruction, then raises the traps it caused. */
    private void step(SimTask t) {
        long rip = t.regs[Reg.RIP.ordinal()];
        Instr in;
        if (t.proc.mm.textChanged()) {
            in = decode(t, rip); // raised its own fault or trap when null
            if (in == null) return;
        } else {
            in = t.proc.program.at(rip);
            if (in == null) {
                fault(t, Signals.SIGSEGV, Signals.SEGV_MAPERR, rip);
                return;
            }
        }
        t.syscallJustReturned = false;
        boolean stepping = t.stepMode() != StepMode.NONE;
        long flags = t.regs[Reg.EFLAGS.ordinal()];
        t.regs[Reg.EFLAGS.ordinal()] = stepping ? flags | Reg.EFLAGS_TF : flags & ~Reg.EFLAGS_TF;
        HwSlots.WatchedAccess watched;
        try {
            watched = execute(t, in, rip);
        } catch (MemoryFault f) {
            fault(t, Signals.SIGSEGV, t.proc.mm.isText(f.address()) ? SEGV_ACCERR : Signals.SEGV_MAPERR, f.address());
            return;
        }
        // A syscall that enabled stepping (the core at syscall entry) traps on its return, as
        // Linux's syscall-exit step report does. Traps report the next instruction, as x86 does.
        if (in instanceof Instr.Syscall) stepping = t.stepMode() != StepMode.NONE;
        long after = t.regs[Reg.RIP.ordinal()];
        // One #DB for both, as on x86: a watchpoint trap while stepping also sets DR6.BS.
        if (watched != null && HwSlots.trap(t, watched, after)) {
            if (stepping) t.debug.noteSingleStep();
        } else if (stepping) {
            t.debug.noteSingleStep();
            fault(t, Signals.SIGTRAP, Signals.TRAP_TRACE, after);
        }
    }

    /**
     * The instruction the text's bytes at {@code rip} encode, once a tracer changed the text
     * (TextCode); null after raising the fault or trap it makes: SIGSEGV outside the
     * program's instructions or where the text is unmapped, x86's int3 trap (SIGTRAP, rip past
     * the int3 byte) for a breakpoint, SIGILL for a word that encodes no instruction.
     */
    private Instr decode(SimTask t, long rip) {
        int word = 0;
        boolean mapped = t.proc.program.at(rip) != null; // an instruction's address, as without written text
        if (mapped) {
            try {
                word = (int) t.proc.mm.read(rip, Program.INSTR_SIZE);
            } catch (MemoryFault unmapped) {
                mapped = false;
            }
        }
        if (!mapped) {
            fault(t, Signals.SIGSEGV, Signals.SEGV_MAPERR, rip);
            return null;
        }
        if ((word & 0xff) == TextCode.INT3) {
            t.regs[Reg.RIP.ordinal()] = rip + 1;
            fault(t, Signals.SIGTRAP, Signals.SI_KERNEL, 0);
            return null;
        }
        Instr in = TextCode.decode(t.proc.program.code(), word);
        if (in == null) fault(t, Signals.SIGILL, ILL_ILLOPN, rip);
        return in;
    }

    private void fault(SimTask t, int sig, int code, long addr) {
        SignalInfo info = new SignalInfo(sig, code);
        info.addr = addr;
        k.signals.force(t, info);
    }

    /**
     * Returns the access an armed watchpoint may have seen (null almost always); the trap is
     * taken once the instruction is complete. The instruction changes nothing if it faults.
     */
    private HwSlots.WatchedAccess execute(SimTask t, Instr in, long rip) {
        long[] r = t.regs;
        long next = rip + Program.INSTR_SIZE;
        HwSlots.WatchedAccess watched = null;
        switch (in) {
            case Instr.Mov m -> r[m.dst().ordinal()] = value(t, m.src());
            case Instr.Arith a -> r[a.dst().ordinal()] += a.subtract() ? -value(t, a.src()) : value(t, a.src());
            case Instr.Load l -> {
                long addr = value(t, l.address());
                long v = t.proc.mm.read(addr, l.size());
                watched = HwSlots.before(t, addr, l.size(), false, 0);
                r[l.dst().ordinal()] = v;
            }
            case Instr.Store s -> {
                long addr = value(t, s.address());
                long v = value(t, s.src());
                HwSlots.WatchedAccess w = HwSlots.before(t, addr, s.size(), true, v); // old values, before the write
                t.proc.mm.store(addr, s.size(), v);
                watched = w;
            }
            case Instr.Jump j -> next = jump(r, j, next);
            case Instr.Format f -> format(t, f);
            case Instr.Syscall s -> {
                r[Reg.RIP.ordinal()] = next;
                k.syscalls.syscall(t);
                return null;
            }
            case Instr.Nop n -> { }
        }
        r[Reg.RIP.ordinal()] = next;
        return watched;
    }

    private static long jump(long[] r, Instr.Jump j, long next) {
        return switch (j.kind()) {
            case ALWAYS -> j.target();
            case IF_ZERO -> r[j.reg().ordinal()] == 0 ? j.target() : next;
            case IF_NOT_ZERO -> r[j.reg().ordinal()] != 0 ? j.target() : next;
            case LOOP -> --r[j.reg().ordinal()] != 0 ? j.target() : next;
        };
    }

    static long value(SimTask t, Operand o) {
        return switch (o) {
            case Operand.Imm i -> i.value();
            case Operand.RegVal v -> t.regs[v.reg().ordinal()] + v.offset();
        };
    }

    /** Formats into the 512 bytes below rsp and points rsi/rdx at the text, for the write that follows. */
    private static void format(SimTask t, Instr.Format f) {
        StringBuilder sb = new StringBuilder();
        for (Object part : f.parts()) {
            if (part instanceof Reg reg) sb.append(t.regs[reg.ordinal()]);
            else sb.append(part);
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        int len = Math.min(bytes.length, 512);
        long buf = (t.regs[Reg.RSP.ordinal()] - 1024) & -16;
        for (int i = 0; i < len; i++) t.proc.mm.store(buf + i, 1, bytes[i]);
        t.regs[Reg.RSI.ordinal()] = buf;
        t.regs[Reg.RDX.ordinal()] = len;
    }
}
