package dev.utrace.itests;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Outcome;
import dev.utrace.impl.UtraceCore;
import dev.utrace.impl.UtraceFacade;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.sim.internal.SimKernel;
import dev.utrace.spi.TraceHooks;
import dev.utrace.spi.TracedTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The real core on the real simulated kernel, wired as DS would wire them, without OSGi. */
abstract class CoreOnSimFixture {
    @TempDir
    Path programs;
    SimKernel sim;
    UtraceCore core;
    UtraceFacade utrace;

    @BeforeEach
    void boot() {
        sim = new SimKernel(TraceHooks.NONE, programs);
        // -Dsim.stops=machine: the machine holds utrace stops itself and the core never parks a
        // task's thread (the Linux machine's model); the default lets the core park it.
        sim.setStopsHeldByMachine("machine".equals(System.getProperty("sim.stops")));
        core = new UtraceCore(sim);
        sim.setHooks(core.hooks());
        utrace = core.facade("itest");
    }

    @AfterEach
    void shutdown() {
        sim.close();
    }

    void program(String name, String text) {
        try {
            Files.writeString(programs.resolve(name + ".prog"), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TracedTask task(int tid) {
        TracedTask t = sim.findTask(tid);
        if (t == null) fail("no task " + tid);
        return t;
    }

    Engine attach(TracedTask t, EngineOps ops, long events) {
        AttachResult r = utrace.attach(t, AttachFlags.CREATE, ops, null);
        assertTrue(r.ok(), () -> "attach: " + r);
        Engine e = r.engine();
        Outcome o = utrace.setEvents(t, e, events);
        if (o != Outcome.DONE) fail("setEvents: " + o);
        return e;
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

    /** Spawns in the start stop and waits until it is in force, so a SIGCONT sent next cannot race it. */
    int spawnStopped(String program, String... args) {
        int pid = sim.spawn(program, List.of(args), true);
        await("process " + pid + " in its start stop", () -> sim.info(pid).state() == dev.utrace.api.task.TaskState.STOPPED);
        return pid;
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
