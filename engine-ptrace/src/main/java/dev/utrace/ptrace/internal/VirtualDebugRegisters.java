package dev.utrace.ptrace.internal;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.hw.Watchpoint;
import dev.utrace.api.hw.WatchpointException;
import dev.utrace.api.task.Reg;
import dev.utrace.ptrace.PtraceException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The tracer's view of a tracee's debug registers (x86 {@code thread->ptrace_bps} and the
 * virtual DR6/DR7). Each enabled virtual slot is a claim on the machine's {@link DebugSlots},
 * owned by the tracee's context, so another owner's watchpoints on the same thread are never
 * touched and the machine's slot numbers need not match ours. Called with the session lock
 * held; {@link DebugSlots} never calls back.
 */
final class VirtualDebugRegisters {
    /** How long a detach waits for our signal callback to take hits it is about to see (it runs at once unless another engine's callback blocks). */
    private static final long HIT_SETTLE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Supplier<DebugSlots> slots;

    VirtualDebugRegisters(Supplier<DebugSlots> slots) {
        this.slots = slots;
    }

    long peek(PtraceContext ctx, Reg reg) {
        return switch (reg) {
            case DR0, DR1, DR2, DR3 -> ctx.dr[reg.ordinal() - Reg.DR0.ordinal()];
            case DR6 -> ctx.dr6;
            case DR7 -> ctx.dr7;
            default -> throw new IllegalArgumentException(reg + " is not a debug register");
        };
    }

    /** Writes one virtual register; a DR7 or enabled-address change claims or frees slots now. */
    void poke(PtraceContext ctx, Reg reg, long value) {
        switch (reg) {
            case DR6 -> ctx.dr6 = value;
            case DR7 -> setControl(ctx, value);
            case DR0, DR1, DR2, DR3 -> {
                int i = reg.ordinal() - Reg.DR0.ordinal();
                long old = ctx.dr[i];
                ctx.dr[i] = value;
                try {
                    if (enabled(ctx.dr7, i)) reclaim(ctx, i, ctx.dr7);
                } catch (PtraceException e) {
                    ctx.dr[i] = old;
                    throw e;
                }
            }
            default -> throw new IllegalArgumentException(reg + " is not a debug register");
        }
    }

    /** All of the new control word's claims are made before any old one is dropped, so a refusal changes nothing. */
    private void setControl(PtraceContext ctx, long dr7) {
        for (int i = 0; i < 4; i++) {
            if (enabled(dr7, i)) decode(dr7, i); // validates the whole word first
        }
        Watchpoint[] made = new Watchpoint[4];
        try {
            for (int i = 0; i < 4; i++) {
                if (enabled(dr7, i) && !sameClaim(ctx, i, dr7)) made[i] = claim(ctx, i, dr7);
            }
        } catch (PtraceException e) {
            for (Watchpoint w : made) {
                if (w != null) slots().remove(w);
            }
            throw e;
        }
        for (int i = 0; i < 4; i++) {
            if (made[i] != null || !enabled(dr7, i)) {
                if (ctx.claims[i] != null) slots().remove(ctx.claims[i]);
                ctx.claims[i] = made[i];
            }
        }
        ctx.dr7 = dr7;
    }

    private void reclaim(PtraceContext ctx, int i, long dr7) {
        Watchpoint w = claim(ctx, i, dr7);
        if (ctx.claims[i] != null) slots().remove(ctx.claims[i]);
        ctx.claims[i] = w;
    }

    private boolean sameClaim(PtraceContext ctx, int i, long dr7) {
        Watchpoint w = ctx.claims[i];
        if (w == null || !w.installed()) return false;
        Spec s = decode(dr7, i);
        return w.address() == ctx.dr[i] && w.length() == s.length && w.access() == s.access;
    }

    private Watchpoint claim(PtraceContext ctx, int i, long dr7) {
        Spec s = decode(dr7, i);
        try {
            return slots().install(ctx.task, ctx, ctx.dr[i], s.length, s.access);
        } catch (WatchpointException e) {
            throw new PtraceException(e.errno(), "DR" + i + ": " + e.getMessage());
        }
    }

    /** Drops every claim and clears DR0-DR7 (exec, exit, detach: the owner's clean-up, R-HBP-1/2). */
    void dropAll(PtraceContext ctx) {
        ctx.session.lock.lock();
        try {
            DebugSlots d = slots.get();
            for (int i = 0; i < 4; i++) {
                if (ctx.claims[i] != null && d != null) d.remove(ctx.claims[i]);
                ctx.claims[i] = null;
                ctx.dr[i] = 0; // all of it reads 0 afterwards, as after Linux's flush_ptrace_hw_breakpoint
            }
            ctx.dr6 = 0;
            ctx.dr7 = 0;
        } finally {
            ctx.session.lock.unlock();
        }
    }

    /**
     * For a tracer letting go of a tracee (detach, its exit, unload), after {@link #dropAll}:
     * gives up the hits our claims took but no one reported yet, so their SIGTRAP, still
     * pending, is withdrawn rather than delivered to a program that never asked for a
     * watchpoint (it would die of it). If that SIGTRAP is being reported right now, our signal
     * callback is about to take the hits and consume it (holding it for the tracer, or dropping
     * it when {@code ctx.detaching}), so this waits for that, with a bound, before the caller
     * detaches the engine and the callback can no longer run. Call it before anything can detach
     * the engine, with no lock held.
     */
    void discardHits(PtraceContext ctx) {
        discardHits(ctx, HIT_SETTLE_NANOS);
    }

    /** {@link #discardHits(PtraceContext)} waiting at most {@code waitNanos} (0 once the engine is gone: no callback will come). */
    void discardHits(PtraceContext ctx, long waitNanos) {
        DebugSlots d = slots.get();
        if (d == null) return;
        long deadline = System.nanoTime() + waitNanos;
        while (!d.discardHits(ctx.task, ctx) && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(20_000);
        }
    }

    private DebugSlots slots() {
        DebugSlots d = slots.get();
        if (d == null) throw new PtraceException("EIO", "this machine offers no debug slots; debug registers cannot be set");
        return d;
    }

    static boolean enabled(long dr7, int i) {
        return ((dr7 >>> (2 * i)) & 3) != 0;
    }

    private record Spec(int length, Access access) {
    }

    private static Spec decode(long dr7, int i) {
        int rw = (int) ((dr7 >>> (16 + 4 * i)) & 3);
        int len = switch ((int) ((dr7 >>> (18 + 4 * i)) & 3)) {
            case 0 -> 1;
            case 1 -> 2;
            case 3 -> 4;
            default -> 8;
        };
        Access access = switch (rw) {
            case 1 -> Access.WRITE;
            case 3 -> Access.READ_WRITE;
            default -> throw new PtraceException("EINVAL", "DR7 slot " + i + " asks for "
                    + (rw == 0 ? "an execution breakpoint" : "an I/O breakpoint")
                    + ", which this machine does not support; use R/W 01 (write) or 11 (read/write)");
        };
        return new Spec(len, access);
    }
}
