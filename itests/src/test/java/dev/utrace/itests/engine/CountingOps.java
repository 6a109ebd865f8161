package dev.utrace.itests.engine;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.Task;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ops of the test engine bundle: counts syscall exits and releases into counters the test
 * put in the system properties (JDK classes, so both bundles see the same objects).
 */
public final class CountingOps implements EngineOps {
    private final AtomicLong callbacks;
    private final AtomicInteger releases;

    public CountingOps(AtomicLong callbacks, AtomicInteger releases) {
        this.callbacks = callbacks;
        this.releases = releases;
    }

    @Override
    public ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task task) {
        callbacks.incrementAndGet();
        return ResumeAction.RESUME;
    }

    @Override
    public void release(Object data) {
        releases.incrementAndGet();
    }
}
