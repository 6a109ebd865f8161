package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInfo;

/** What the lifetime race tests share: running a race, outcome counts, and the per-round checks. */
abstract class RaceFixture extends CoreFixture {
    static final long SYSCALL_EXIT = Event.mask(Event.SYSCALL_EXIT);

    final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    private long started;
    private String testName;

    void count(String outcome) {
        seen.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
    }

    void race(TestInfo info, java.util.function.IntFunction<RaceHarness.Round> setup) {
        testName = info.getDisplayName();
        started = System.nanoTime();
        try (RaceHarness h = new RaceHarness(info.getTestMethod().orElseThrow().getName())) {
            h.run(RaceHarness.iterations(), setup);
        }
    }

    @AfterEach
    void report() {
        if (testName == null) return;
        System.out.printf("[race] %s: %d iterations in %d ms; outcomes %s%n", testName, RaceHarness.iterations(),
                (System.nanoTime() - started) / 1_000_000, new TreeMap<>(seen));
    }

    /** The common end-of-round checks for one engine. */
    void checkEngine(int i, String what, RaceOps ops, RaceOps.Data data, int expectedReleases) {
        if (ops.violations.get() != 0) {
            fail("round " + i + " " + what + ": " + ops.why + "; in the end release ran " + ops.releases.get()
                    + " time(s)" + (ops.releaseThread == null ? "" : ", last in " + ops.releaseThread.getName()));
        }
        assertEquals(expectedReleases, ops.releases.get(), () -> "round " + i + " " + what + ": release count");
        if (data != null) {
            assertEquals(1, data.cleanups.get(), () -> "round " + i + " " + what + ": cleaned up by " + data.cleanedBy);
        }
    }

    void checkNoLeak(int i, UtraceFacade f) {
        assertEquals(0, f.liveEngines(), () -> "round " + i + ": engines leaked");
    }

    /**
     * After a controller's guarantee point: nothing of ours is running, and nothing may start.
     * Returns the entry count at that point, to compare with the final one.
     */
    static int guaranteePoint(RaceOps ops, String why) {
        ops.guard = true;
        if (ops.inCallback.get() != 0) ops.violation("a callback still runs after " + why);
        return ops.entries.get();
    }

    /**
     * One round of revoke() against a task running syscalls with 1 to 3 of the revoked
     * bundle's engines. With {@code keepRefs} the controller keeps its references until after
     * revoke() (ptrace-like, model B); without, it puts them right after attaching (passive,
     * model A), so the tracee's own reset can drop the last reference while revoke() runs.
     */
    RaceHarness.Round revokeRound(int i, boolean keepRefs) {
        UtraceFacade bundle = core.facade("bundle-" + i);
        FakeTask t = newTask();
        Tracee tracee = tracee(t);
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int n = 1 + rnd.nextInt(3);
                    List<RaceOps> opsList = new ArrayList<>();
        List<RaceOps.Data> dataList = new ArrayList<>();
        List<Engine> held = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            RaceOps ops = new RaceOps();
            RaceOps.Data data = new RaceOps.Data();
            ops.cleanInRelease = true;
            ops.callbackSpin = RaceOps.spin();
            Engine e = attach(bundle, t, ops, SYSCALL_EXIT | (rnd.nextBoolean() ? Event.QUIESCE.bit() : 0), data);
            if (keepRefs) held.add(e); else e.put();
            opsList.add(ops);
            dataList.add(data);
        }
        int[] atGuarantee = new int[n];
        return new RaceHarness.Round() {
            volatile boolean controllerDone;

            @Override public void sideA() {
                for (int s = 0; s < 100 && !controllerDone; s++) tracee.syscall(1);
                for (int s = 0; s < 3; s++) tracee.syscall(1);
            }

            @Override public void sideB() {
                RaceHarness.jitter(300);
                try {
                    long t0 = System.nanoTime();
                    int revoked = bundle.revoke();
                    long took = (System.nanoTime() - t0) / 1000;
                    count("revoke took " + (took < 100 ? "<100us" : took < 1000 ? "<1ms" : took < 10000 ? "<10ms" : ">=10ms"));
                    count("revoked " + revoked + (keepRefs ? " (refs held)" : ""));
                    if (revoked != n) opsList.get(0).violation("revoke() returned " + revoked + ", expected " + n);
                    for (int k = 0; k < n; k++) {
                        RaceOps ops = opsList.get(k);
                        atGuarantee[k] = guaranteePoint(ops, "revoke() returned");
                        if (ops.releases.get() != 1) {
                            ops.violation("release ran " + ops.releases.get() + " times by the end of revoke()"
                                    + (ops.releaseThread == null ? "" : "; it runs in " + ops.releaseThread.getName()));
                        }
                    }
                    if (bundle.liveEngines() != 0) opsList.get(0).violation("live engines right after revoke()");
                } finally {
                    controllerDone = true;
                    for (Engine e : held) {
                        Outcome o = bundle.control(t, e, ResumeAction.DETACH); // handles stay valid and answer GONE
                        if (o != Outcome.GONE) opsList.get(0).violation("DETACH after revoke gave " + o);
                        e.put();
                    }
                }
            }

            @Override public void check(int it) {
                Tracee.exitAndReap(t, core.hooks());
                for (int k = 0; k < n; k++) {
                    RaceOps ops = opsList.get(k);
                    if (ops.entries.get() != atGuarantee[k]) fail("round " + it + ": engine " + k + " called after revoke()");
                    checkEngine(it, "revoke engine " + k, ops, dataList.get(k), 1);
                }
                checkNoLeak(it, bundle);
                assertEquals(AttachResult.failed(Outcome.GONE).outcome(),
                        bundle.attach(t, AttachFlags.CREATE, new RaceOps(), null).outcome(), "attach after revoke");
                tasks.remove(t.tid);
            }
        };
    }
}
