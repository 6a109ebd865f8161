package dev.utrace.itests.soak;

import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.impl.UtraceCore;
import dev.utrace.sim.internal.SimKernel;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** What the threads of one soak run share. */
final class SoakContext {
    static final int OWNERS = 3;

    final SoakConfig config;
    final SimKernel sim;
    final UtraceCore core;
    final AtomicLong ops = new AtomicLong();
    final Violations violations;
    final SoakStats stats = new SoakStats();
    final AtomicLong serials = new AtomicLong();
    /** Every attach attempt since the last quiet point. */
    final ConcurrentLinkedQueue<EngineRecord> round = new ConcurrentLinkedQueue<>();
    final HeldRefs held = new HeldRefs(96);
    final CallbackChaos chaos;
    final Attacher attacher;
    final TaskThreads taskThreads = new TaskThreads();
    /** A facade that attaches nothing, for reading engine lists in reports. */
    final dev.utrace.impl.UtraceFacade probe;
    private final AtomicReferenceArray<SoakOwner> owners = new AtomicReferenceArray<>(OWNERS);
    private final AtomicInteger ownerSerial = new AtomicInteger();
    /** At quiet points: callbacks answer RESUME and do nothing else. */
    volatile boolean benign;
    /** Set once a hang was reported: later hang bounds shrink, so a broken build fails in minutes, not hours. */
    volatile boolean hangReported;

    SoakContext(SoakConfig config, SimKernel sim, UtraceCore core) {
        this.config = config;
        this.sim = sim;
        this.core = core;
        this.probe = core.facade("soak-probe");
        this.violations = new Violations(config, ops::get);
        this.chaos = new CallbackChaos(this);
        this.attacher = new Attacher(this);
        for (int i = 0; i < OWNERS; i++) owners.set(i, newOwner());
    }

    /** The hang bound: the configured one until a first hang was reported, then at most 3 s. */
    long hangNanos() {
        long full = java.util.concurrent.TimeUnit.SECONDS.toNanos(config.hangSeconds());
        return hangReported ? Math.min(full, java.util.concurrent.TimeUnit.SECONDS.toNanos(3)) : full;
    }

    SoakOwner newOwner() {
        String name = "owner-" + ownerSerial.incrementAndGet();
        return new SoakOwner(name, core.facade(name), chaos);
    }

    SoakOwner owner(int i) {
        return owners.get(i);
    }

    /** Puts a new owner in slot {@code i}; returns the one it replaced. */
    SoakOwner replaceOwner(int i) {
        return owners.getAndSet(i, newOwner());
    }

    /** A random event mask; JCTL left out while that known fault is excluded. */
    long randomMask(Dice d) {
        long m = 0;
        for (Event e : Event.values()) {
            if (d.chance(0.35)) m |= e.bit();
        }
        if (d.chance(0.3)) m |= Event.SIGNAL_ALL;
        if (d.chance(0.15)) m |= Event.SYSCALL;
        if (d.chance(0.05)) m = 0;
        if (config.excludes(KnownFault.JCTL_ADOPTED_EARLY)) m &= ~Event.JCTL.bit();
        return m;
    }

    /** Drops one reference the soak holds. */
    void drop(EngineRecord r) {
        Engine e = r.engine;
        r.soakRefs.decrementAndGet();
        r.note("put");
        try {
            e.put();
        } catch (RuntimeException x) {
            violations.add("R-REF-3", "put of a reference the soak holds threw " + x + ": " + r.describe());
        }
    }

    /** Keeps a reference the soak holds for later operations, or drops it at once (the passive style). */
    void keepOrDrop(EngineRecord r, Dice d) {
        if (d.chance(0.6) && held.offer(r, d.nextInt(1 << 16))) return;
        drop(r);
    }
}
