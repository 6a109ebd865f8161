package dev.utrace.itests.engine;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.Task;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ops of one engine of the tally bundle ({@link TallyActivator}): one instance per engine,
 * so it knows whether its own release already ran. Counts into JDK objects the test put in
 * the system properties: syscall callbacks, callbacks that came after this engine's release
 * ({@code late}, must stay 0), releases, and releases that ran a second time (must stay 0).
 */
public final class TallyOps implements EngineOps {
    private final AtomicLong callbacks;
    private final AtomicLong late;
    private final AtomicInteger releases;
    private final AtomicInteger doubleReleases;
    private final AtomicBoolean released = new AtomicBoolean();

    public TallyOps(AtomicLong callbacks, AtomicLong late, AtomicInteger releases, AtomicInteger doubleReleases) {
        this.callbacks = callbacks;
        this.late = late;
        this.releases = releases;
        this.doubleReleases = doubleReleases;
    }

    private void called() {
        if (released.get()) late.incrementAndGet();
        callbacks.incrementAndGet();
    }

    @Override
    public int reportSyscallEntry(int action, Engine engine, Task task) {
        called();
        return EngineOps.super.reportSyscallEntry(action, engine, task);
    }

    @Override
    public ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task task) {
        called();
        return ResumeAction.RESUME;
    }

    @Override
    public void release(Object data) {
        if (!released.compareAndSet(false, true)) doubleReleases.incrementAndGet();
        releases.incrementAndGet();
    }
}
