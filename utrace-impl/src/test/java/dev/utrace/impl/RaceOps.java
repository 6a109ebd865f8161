package dev.utrace.impl;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.Task;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An engine for the race tests. It never asserts inside a callback: it counts, and records
 * violations for the test thread to report. One instance per engine, so the counts are the
 * engine's.
 */
final class RaceOps implements EngineOps {
    /** The engine's data: who cleaned it up (section 10.3: exactly one side must). */
    static final class Data {
        final AtomicInteger cleanups = new AtomicInteger();
        volatile String cleanedBy = "nobody";

        void clean(String who) {
            if (cleanups.incrementAndGet() == 1) {
                cleanedBy = who;
            } else {
                cleanedBy = cleanedBy + "+" + who;
            }
        }
    }

    final AtomicInteger releases = new AtomicInteger();
    final AtomicInteger entries = new AtomicInteger();
    final AtomicInteger inCallback = new AtomicInteger();
    final AtomicInteger deaths = new AtomicInteger();
    final AtomicInteger reaps = new AtomicInteger();
    final AtomicInteger violations = new AtomicInteger();
    final Queue<String> why = new ConcurrentLinkedQueue<>();

    volatile Thread releaseThread;
    /** Set by a controller at its guarantee point: no callback may start after it. */
    volatile boolean guard;
    /** Set while release must not run yet (an attacher still holds its reference). */
    volatile boolean releaseForbidden;
    /** reportDeath cleans the data and detaches (R-REAP-2). */
    volatile boolean cleanInDeath;
    /** reportReap cleans the data. */
    volatile boolean cleanInReap;
    /** release cleans the data. */
    volatile boolean cleanInRelease;
    /** Up to this many spin hints inside each callback, to widen the window a controller can hit. */
    volatile int callbackSpin;

    void violation(String what) {
        violations.incrementAndGet();
        if (why.size() < 8) why.add(what + " [" + Thread.currentThread().getName() + "]");
    }

    private void enter(String cb) {
        if (guard) violation(cb + " started after the guarantee point");
        inCallback.incrementAndGet();
        entries.incrementAndGet();
        int spin = callbackSpin;
        if (spin > 0) RaceHarness.jitter(spin);
    }

    private void leave() {
        inCallback.decrementAndGet();
    }

    @Override
    public ResumeAction reportQuiesce(ResumeAction action, Engine engine, Task task, Event event) {
        enter("reportQuiesce(" + event + ")");
        leave();
        return ResumeAction.RESUME;
    }

    @Override
    public ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task task) {
        enter("reportSyscallExit");
        leave();
        return ResumeAction.RESUME;
    }

    @Override
    public ResumeAction reportExit(ResumeAction action, Engine engine, Task task, long origCode, ExitCode code) {
        enter("reportExit");
        leave();
        return ResumeAction.RESUME;
    }

    @Override
    public ResumeAction reportDeath(Engine engine, Task task, boolean groupDead, int signal) {
        enter("reportDeath");
        deaths.incrementAndGet();
        ResumeAction r = ResumeAction.RESUME;
        if (cleanInDeath) {
            ((Data) engine.data()).clean("reportDeath");
            r = ResumeAction.DETACH;
        }
        leave();
        return r;
    }

    @Override
    public void reportReap(Engine engine, Task task) {
        enter("reportReap");
        if (reaps.incrementAndGet() > 1) violation("reportReap twice");
        if (cleanInReap) ((Data) engine.data()).clean("reportReap");
        leave();
    }

    @Override
    public void release(Object data) {
        releaseThread = Thread.currentThread();
        if (releaseForbidden) violation("release ran while the attacher still held its reference");
        if (releases.incrementAndGet() > 1) violation("release ran twice");
        if (inCallback.get() != 0) violation("release ran while a callback was running");
        if (cleanInRelease && data instanceof Data d) d.clean("release");
    }

    static int spin() {
        return ThreadLocalRandom.current().nextInt(4) == 0 ? 0 : 1 + ThreadLocalRandom.current().nextInt(200);
    }
}
