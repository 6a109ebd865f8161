package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import java.util.concurrent.CountDownLatch;
import dev.utrace.spi.Machine;
import dev.utrace.spi.TracedTask;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** A core on a fake machine, with helpers to make tasks, attach engines and wait for states. */
class CoreFixture {
    final Map<Integer, FakeTask> tasks = new ConcurrentHashMap<>();
    final AtomicInteger nextTid = new AtomicInteger(100);
    volatile boolean canStep = true;
    final Machine machine = new Machine() {
        @Override public String name() { return "fake"; }
        @Override public TracedTask findTask(int tid) { return tasks.get(tid); }
        @Override public boolean canSingleStep() { return canStep; }
        @Override public boolean canBlockStep() { return false; }
    };
    final UtraceCore core = new UtraceCore(machine);
    final UtraceFacade utrace = core.facade("test");
    final List<String> log = new CopyOnWriteArrayList<>();

    static final long QUIESCE = Event.QUIESCE.bit();
    static final long EXEC = Event.EXEC.bit();
    static final long DEATH = Event.DEATH.bit();
    static final long REAP = Event.REAP.bit();
    static final long EXIT = Event.EXIT.bit();
    static final long CLONE = Event.CLONE.bit();
    static final long SYSCALL_ENTRY = Event.SYSCALL_ENTRY.bit();
    static final long SYSCALL_EXIT = Event.SYSCALL_EXIT.bit();

    /** Makes the running task stop at its next resume point, held by {@code engines}; returns its thread. */
    Thread holdStopped(FakeTask t, Engine... engines) {
        for (Engine e : engines) {
            Outcome o = utrace.control(t, e, ResumeAction.STOP);
            assertTrue(o == Outcome.IN_PROGRESS || o == Outcome.DONE, "control(STOP) gave " + o);
        }
        Thread th = start("tracee-" + t.tid, () -> tracee(t).returnToUser());
        await("task " + t.tid + " is utrace-stopped", () -> t.utraceStopped);
        return th;
    }

    static void awaitLatch(CountDownLatch l) {
        try {
            if (!l.await(20, TimeUnit.SECONDS)) throw new AssertionError("latch timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    FakeTask newTask() {
        FakeTask t = new FakeTask(nextTid.getAndIncrement());
        tasks.put(t.tid, t);
        return t;
    }

    Tracee tracee(FakeTask t) {
        return new Tracee(t, core.hooks());
    }

    Rec rec(String name) {
        return new Rec(name, log);
    }

    SigRec sigRec(String name) {
        return new SigRec(name, log);
    }

    /** CREATE + set events; the caller keeps its reference. */
    Engine attach(FakeTask t, EngineOps ops, long events) {
        return attach(utrace, t, ops, events, null);
    }

    Engine attach(UtraceFacade via, FakeTask t, EngineOps ops, long events, Object data) {
        AttachResult r = via.attach(t, AttachFlags.CREATE, ops, data);
        assertTrue(r.ok(), () -> "attach failed: " + r);
        Engine e = r.engine();
        Outcome o = via.setEvents(t, e, events);
        if (o != Outcome.DONE) fail("setEvents gave " + o);
        return e;
    }

    /** Bounded wait for a condition another thread brings about; fails the test after 20 s. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting until " + what);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    static Thread start(String name, Runnable r) {
        Thread t = Thread.ofPlatform().name(name).daemon().start(r);
        return t;
    }

    static void join(Thread t) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(20));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        if (t.isAlive()) fail("thread " + t.getName() + " did not finish");
    }
}
