package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Revocation waits for a callback in flight for as long as it runs: {@code release} never runs
 * under a callback of its engine, however long the callback takes (R-BAR-6, R-REF-5; the seed's
 * unload rule). An overrun is reported with engine, task and the callback's stack.
 */
class Revoke_OverrunningCallbackTest extends CoreFixture {
    private final long savedWarnAfter = Revocation.warnAfterNanos;

    @AfterEach
    void restore() {
        Revocation.warnAfterNanos = savedWarnAfter;
    }

    /** Parks its first syscall-entry callback until told; counts releases and notes one under the callback. */
    static final class Parker implements EngineOps {
        final CountDownLatch parked = new CountDownLatch(1);
        final CountDownLatch go = new CountDownLatch(1);
        final AtomicBoolean inCallback = new AtomicBoolean();
        final AtomicBoolean releasedUnderCallback = new AtomicBoolean();
        final AtomicInteger releases;
        private final AtomicBoolean first = new AtomicBoolean(true);

        Parker(AtomicInteger releases) {
            this.releases = releases;
        }

        @Override
        public int reportSyscallEntry(int action, Engine engine, Task task) {
            if (!first.getAndSet(false)) return dev.utrace.api.ResumeAction.RESUME.code();
            inCallback.set(true);
            parked.countDown();
            awaitLatch(go);
            inCallback.set(false);
            return dev.utrace.api.ResumeAction.RESUME.code();
        }

        @Override
        public void release(Object data) {
            if (inCallback.get()) releasedUnderCallback.set(true);
            releases.incrementAndGet();
        }
    }

    @Test
    @DisplayName("R-BAR-6, R-REF-5: 1000 engines on 100 tasks, one callback parked across the owner's revoke: "
            + "revoke waits for it, reports it, and releases that engine only after it returned")
    void revokeWaitsForAnOverrunningCallback() throws Exception {
        Revocation.warnAfterNanos = TimeUnit.MILLISECONDS.toNanos(20);
        List<String> warnings = captureWarnings();
        UtraceFacade owner = core.facade("unloading bundle");
        AtomicInteger releases = new AtomicInteger();
        List<FakeTask> tasks = new ArrayList<>();
        Parker parker = new Parker(new AtomicInteger());
        for (int t = 0; t < 100; t++) {
            FakeTask task = newTask();
            tasks.add(task);
            for (int i = 0; i < 10; i++) {
                EngineOps ops = t == 0 && i == 0 ? parker : new EngineOps() {
                    @Override
                    public void release(Object data) {
                        releases.incrementAndGet();
                    }
                };
                attach(owner, task, ops, SYSCALL_ENTRY, null).put(); // passive: only the attached reference
            }
        }
        Thread tracee = start("tracee", () -> tracee(tasks.get(0)).syscall(39));
        awaitLatch(parker.parked);

        CompletableFuture<Integer> revoke = CompletableFuture.supplyAsync(owner::revoke);
        await("the overrun is reported", () -> warnings.stream().anyMatch(w -> w.contains("a callback still runs")));
        // Many warning intervals later: nothing of the parked engine is released, revoke has not returned.
        Thread.sleep(200);
        assertFalse(revoke.isDone(), "revoke returned while a callback of its engines still runs");
        assertEquals(0, parker.releases.get(), "the parked engine's release waits for its callback");
        assertFalse(parker.releasedUnderCallback.get());

        parker.go.countDown();
        assertEquals(1000, revoke.get(20, TimeUnit.SECONDS));
        join(tracee);
        assertEquals(1, parker.releases.get(), "released once, after its callback returned");
        assertFalse(parker.releasedUnderCallback.get());
        assertEquals(999, releases.get(), "every other engine released once");
        String report = warnings.stream().filter(w -> w.contains("a callback still runs")).findFirst().orElseThrow();
        assertTrue(report.contains("Parker") && report.contains("task 100"), report);
        assertTrue(report.contains("reportSyscallEntry"), () -> "the report shows the callback's stack: " + report);
        assertEquals(0, owner.liveEngines());
    }

    /** Captures WARNING records of the core's logger (System.Logger maps to java.util.logging here). */
    private List<String> captureWarnings() {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("dev.utrace.impl");
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) seen.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(h);
        cleanups.add(() -> jul.removeHandler(h));
        return seen;
    }

    private final List<Runnable> cleanups = new ArrayList<>();

    @AfterEach
    void cleanup() {
        cleanups.forEach(Runnable::run);
    }
}
