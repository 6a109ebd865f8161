package dev.utrace.itests.soak;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineState;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.spi.TracedTask;

/** Creating engines (CREATE with random EXCLUSIVE/MATCH bits) and looking them up, with the checks on what attach answers. */
final class Attacher {
    private final SoakContext cx;

    Attacher(SoakContext cx) {
        this.cx = cx;
    }

    /**
     * Attaches a new engine of {@code owner} to {@code t} and sets random events. Returns its
     * record holding one soak reference, or null if the attach failed (or the engine's task is
     * uncertain and the reference was dropped at once).
     */
    EngineRecord create(SoakOwner owner, TracedTask t, Dice d, boolean byPid) {
        int flags = AttachFlags.CREATE;
        double x = d.nextDouble();
        if (x < 0.25) flags |= AttachFlags.EXCLUSIVE | AttachFlags.MATCH_OPS;
        else if (x < 0.32) flags |= AttachFlags.EXCLUSIVE; // fails whenever the task has an engine (R-ATT-1)
        else if (x < 0.4) flags |= AttachFlags.EXCLUSIVE | AttachFlags.MATCH_DATA; // the data is new: never matches
        SoakOps ops = owner.ops.get(d.nextInt(owner.ops.size()));
        EngineRecord r = new EngineRecord(cx.serials.incrementAndGet(), owner, ops, t, cx.config.seed());
        cx.round.add(r);
        owner.records.add(r);
        boolean revokedBefore = owner.revokeReturned;
        int tid = t.tid();
        AttachResult res = byPid ? owner.facade.attach(tid, flags, ops, r) : owner.facade.attach(t, flags, ops, r);
        r.note("attach 0x" + Integer.toHexString(flags) + (byPid ? " by pid " + tid : "") + " = " + res);
        if (!res.ok()) {
            r.attachOutcome = res.outcome();
            cx.stats.attachFailures.increment();
            checkFailure(r, flags, res.outcome(), t);
            return null;
        }
        Engine e = res.engine();
        r.engine = e;
        r.soakRefs.incrementAndGet();
        r.attachOutcome = Outcome.DONE;
        cx.stats.attaches.increment();
        if (revokedBefore) {
            cx.violations.add("revocation", "attach through the facade of " + owner + " succeeded after its revoke() returned: "
                    + r.describe());
        }
        if (byPid && cx.sim.findTask(tid) != t) {
            // The pid changed hands meanwhile (a multithreaded exec): which task the engine is on is not certain.
            r.taskUncertain = true;
            cx.drop(r);
            return null;
        }
        long mask = cx.randomMask(d);
        Outcome o = owner.facade.setEvents(t, e, mask);
        r.note("setEvents(" + Event.format(mask) + ") = " + o);
        if (o == Outcome.INVALID || o == Outcome.NOT_FOUND || o == Outcome.EXISTS || o == Outcome.AGAIN) {
            cx.violations.add("R-SET-2..6", "setEvents answered " + o + ", which it never does: " + r.describe());
        }
        return r;
    }

    private void checkFailure(EngineRecord r, int flags, Outcome o, TracedTask t) {
        boolean ok = switch (o) {
            case EXISTS -> (flags & AttachFlags.EXCLUSIVE) != 0 && (flags & AttachFlags.MATCH_DATA) == 0;
            case GONE -> true; // reaping has begun, the pid is gone, or the owner was revoked
            case NOT_PERMITTED -> t.isKernelThread();
            default -> false;
        };
        if (!ok) {
            cx.violations.add("R-ATT-1..5", "attach with flags 0x" + Integer.toHexString(flags) + " answered " + o
                    + (o == Outcome.EXISTS ? " though nothing could match its new data" : "") + ": " + r.describe());
        }
    }

    /**
     * Looks an engine up (no CREATE): the first engine, or by ops, data or both. Returns the
     * record of the engine found, holding one more soak reference, or null.
     */
    EngineRecord lookup(SoakOwner owner, TracedTask t, Dice d, EngineRecord byData) {
        int flags = 0;
        SoakOps ops = owner.ops.get(d.nextInt(owner.ops.size()));
        Object data = null;
        if (byData != null) {
            flags |= AttachFlags.MATCH_DATA;
            data = byData;
            if (d.chance(0.5)) {
                flags |= AttachFlags.MATCH_OPS;
                ops = byData.ops;
            }
        } else if (d.chance(0.7)) {
            flags |= AttachFlags.MATCH_OPS;
        }
        AttachResult res = owner.facade.attach(t, flags, ops, data);
        cx.stats.lookups.increment();
        if (!res.ok()) {
            if (res.outcome() != Outcome.NOT_FOUND) {
                cx.violations.add("R-ATT-3", "a lookup (flags 0x" + Integer.toHexString(flags) + ") answered " + res.outcome()
                        + "; a lookup answers an engine or NOT_FOUND");
            }
            return null;
        }
        Engine e = res.engine();
        Object found = e.data();
        if (!(found instanceof EngineRecord r)) {
            // Its owner was revoked since the lookup found it: revocation forgets the data after release.
            if (e.state() == EngineState.ATTACHED) {
                cx.violations.add("R-ATT-3", "a lookup found " + e + ", still attached, whose data is " + found);
            }
            e.put();
            return null;
        }
        r.soakRefs.incrementAndGet();
        r.note("found by a lookup with flags 0x" + Integer.toHexString(flags) + " of " + owner);
        if (r.engine == null) r.engine = e; // found before its attach returned: the same handle (R-REF-2)
        if (r.engine != e) {
            cx.violations.add("R-ATT-3", "a lookup returned a handle other than attach's for " + r.describe());
        }
        if (r.releases.get() > 0 && !r.owner.revokeStarted) { // revocation releases whatever references are held
            cx.violations.add("R-REF-5", "a lookup found an engine whose release already ran: " + r.describe());
        }
        if ((flags & AttachFlags.MATCH_OPS) != 0 && r.ops != ops || (flags & AttachFlags.MATCH_DATA) != 0 && r != data) {
            cx.violations.add("R-ATT-1", "a lookup with flags 0x" + Integer.toHexString(flags) + " found a non-matching " + r.describe());
        }
        if (r.task != t) {
            cx.violations.add("R-ATT-3", "a lookup on task " + t.tid() + " found an engine of task " + r.taskLabel + ": " + r.describe());
        }
        return r;
    }
}
