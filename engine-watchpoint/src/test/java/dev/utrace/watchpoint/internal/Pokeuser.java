package dev.utrace.watchpoint.internal;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SignalAction;
import dev.utrace.api.Utrace;
import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.hw.WatchHit;
import dev.utrace.api.hw.Watchpoint;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A second owner of debug slots, standing in for the ptrace engine's PTRACE_POKEUSER of
 * DR0-DR3/DR7: a per-tracee context owns its claims, its signal report takes its own hits and
 * consumes the SIGTRAP when it had any (ptrace would report it to its tracer), and its exit
 * callback removes its claims.
 */
final class Pokeuser implements EngineOps {
    /** The per-tracee context, owner of the claims. */
    static final class Ctx {
        final Task task;
        final List<Watchpoint> claims = new CopyOnWriteArrayList<>();
        final List<WatchHit> hits = new CopyOnWriteArrayList<>();

        Ctx(Task task) {
            this.task = task;
        }

        @Override
        public String toString() {
            return "ptrace of " + task.tid();
        }
    }

    private final Utrace utrace;
    private final DebugSlots slots;

    Pokeuser(Utrace utrace, DebugSlots slots) {
        this.utrace = utrace;
        this.slots = slots;
    }

    Ctx attach(Task t) {
        Ctx ctx = new Ctx(t);
        AttachResult r = utrace.attach(t, AttachFlags.CREATE, this, ctx);
        Engine e = r.engine();
        if (utrace.setEvents(t, e, Event.SIGNAL_ALL | Event.EXIT.bit()) != Outcome.DONE) throw new AssertionError("set events");
        e.put();
        return ctx;
    }

    Watchpoint poke(Ctx ctx, long address, int length, Access access) {
        Watchpoint w = slots.install(ctx.task, ctx, address, length, access);
        ctx.claims.add(w);
        return w;
    }

    @Override
    public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa, SigAction returnKa) {
        int unchanged = (action & SignalAction.MASK) | ResumeAction.RESUME.code();
        if (origKa == null || info.signo != Signals.SIGTRAP) return unchanged;
        Ctx ctx = (Ctx) engine.data();
        List<WatchHit> mine = slots.takeHits(task, ctx);
        if (mine.isEmpty()) return unchanged;
        ctx.hits.addAll(mine);
        return SignalAction.IGN.with(ResumeAction.RESUME);
    }

    @Override
    public ResumeAction reportExit(ResumeAction action, Engine engine, Task task, long origCode, ExitCode code) {
        Ctx ctx = (Ctx) engine.data();
        for (Watchpoint w : ctx.claims) slots.remove(w);
        return ResumeAction.DETACH;
    }
}
