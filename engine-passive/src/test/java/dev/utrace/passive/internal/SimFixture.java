package dev.utrace.passive.internal;

import static org.junit.jupiter.api.Assertions.fail;

import dev.utrace.api.task.Signals;
import dev.utrace.impl.UtraceCore;
import dev.utrace.passive.Kind;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.sim.internal.SimKernel;
import dev.utrace.spi.TraceHooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The passive tracer over the real core on the real simulated machine, wired as DS would, without OSGi. */
abstract class SimFixture {
    @TempDir
    Path programs;
    SimKernel sim;
    UtraceCore core;
    PassiveTracerImpl tracer;
    /** The core as {@link #tracer} sees it, with hooks for tests to step in (see {@link SeamedUtrace}). */
    SeamedUtrace seams;

    @BeforeEach
    void boot() {
        sim = new SimKernel(TraceHooks.NONE, programs);
        core = new UtraceCore(sim);
        sim.setStopsHeldByMachine("machine".equals(System.getProperty("sim.stops"))); // see CoreOnSimFixture
        sim.setHooks(core.hooks());
        tracer = newTracer("passive", Settings.DEFAULT);
    }

    /** A tracer of its own owner; {@link #seams} becomes its way to the core. */
    PassiveTracerImpl newTracer(String name, Settings settings) {
        seams = new SeamedUtrace(core.facade(name));
        return new PassiveTracerImpl(seams, sim, settings);
    }

    @AfterEach
    void shutdown() {
        tracer.deactivate();
        sim.close();
    }

    void program(String name, String text) {
        try {
            Files.writeString(programs.resolve(name + ".prog"), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Spawns stopped, so a trace can begin before the first instruction; {@link #cont} lets it run. */
    int spawnStopped(String program, String... args) {
        int pid = sim.spawn(program, List.of(args), true);
        await("process " + pid + " stopped", () -> sim.info(pid).state() == dev.utrace.api.task.TaskState.STOPPED);
        return pid;
    }

    void cont(int pid) {
        await("process " + pid + " stopped", () -> sim.info(pid).state() == dev.utrace.api.task.TaskState.STOPPED);
        sim.kill(pid, Signals.SIGCONT);
    }

    static Set<Kind> kinds(String text) {
        return Kind.parse(text);
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

    /** Bounded wait for something another thread brings about; fails after 20 s. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting until " + what);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** Waits until the trace of {@code pid} has ended and its data was released. */
    void awaitReleased(int pid) {
        await("the trace of " + pid + " is released", () -> tracer.list().stream()
                .anyMatch(i -> i.tid() == pid && !i.active() && i.ended().length() > 0)
                && !tracer.tracing(pid));
    }
}
