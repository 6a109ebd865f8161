package dev.utrace.watchpoint.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.utrace.api.EngineInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.impl.UtraceCore;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.sim.internal.SimKernel;
import dev.utrace.spi.TraceHooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchpoint engine over the real core on the real simulated machine, wired as DS would,
 * without OSGi; its DebugSlots counts every claim and remove. Test programs map a page at
 * {@link #PAGE} to watch.
 */
abstract class WatchFixture {
    static final long PAGE = 0x1000_0000L;
    static final String ENGINE = "watch";

    @TempDir
    Path programs;
    SimKernel sim;
    UtraceCore core;
    CountingSlots slots;
    WatchpointsImpl watch;

    @BeforeEach
    void boot() {
        sim = new SimKernel(TraceHooks.NONE, programs);
        core = new UtraceCore(sim);
        sim.setStopsHeldByMachine("machine".equals(System.getProperty("sim.stops"))); // see CoreOnSimFixture
        sim.setHooks(core.hooks());
        slots = new CountingSlots(sim);
        watch = new WatchpointsImpl(new AttachRecorder(core.facade(ENGINE), engines::add), slots);
    }

    @AfterEach
    void shutdown() {
        watch.deactivate();
        sim.close();
    }

    /** A program {@code name}: maps {@link #PAGE}, then {@code body}; it ends with {@code exit 0} unless the body ends itself. */
    void program(String name, String... body) {
        List<String> lines = new ArrayList<>();
        lines.add("    mmap " + PAGE + ", 4096");
        lines.addAll(List.of(body));
        lines.add("    exit 0");
        try {
            Files.writeString(programs.resolve(name + ".prog"), String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Spawns held in a job-control stop before its first instruction; {@link #cont} lets it run. */
    int spawnStopped(String program, String... args) {
        int pid = sim.spawn(program, List.of(args), true);
        await("process " + pid + " stopped", () -> sim.info(pid).state() == TaskState.STOPPED);
        return pid;
    }

    void cont(int pid) {
        sim.kill(pid, Signals.SIGCONT);
    }

    Task task(int tid) {
        Task t = sim.findTask(tid);
        if (t == null) fail("no task " + tid);
        return t;
    }

    WaitStatus waitExit(int pid) {
        try {
            Optional<WaitStatus> s = sim.waitExit(pid, Duration.ofSeconds(20));
            return s.orElseThrow(() -> new AssertionError("process " + pid + " did not end: " + sim.tasks()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The engines of this engine's owner on {@code t}. */
    List<EngineInfo> ours(Task t) {
        return core.facade("probe").engines(t).stream().filter(e -> e.owner().equals(ENGINE)).toList();
    }

    /** Every engine's data, as attached. */
    final List<TaskWatch> engines = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Every claim was removed by exactly one call (R-HBP-1/2), and every engine released exactly once. */
    void assertCleanedUp() {
        await("every engine released", () -> watch.released() == watch.attaches.get());
        assertEquals("", slots.problems(), "each claim removed by one call answering true");
        for (TaskWatch tw : engines) assertEquals(1, tw.releases.get(), () -> "release of " + tw);
        assertEquals(watch.attaches.get(), watch.released(), "release once per engine");
    }

    /** Bounded wait for something another thread brings about; fails after 20 s. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting until " + what);
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
