package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Outcome;
import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.task.Task;
import dev.utrace.impl.UtraceCore;
import dev.utrace.impl.UtraceFacade;
import dev.utrace.linux.internal.trace.LeakGuard;
import dev.utrace.linux.internal.trace.Workloads;
import dev.utrace.spi.TraceHooks;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The real core on the real Linux machine, wired as Declarative Services would wire them,
 * without OSGi (as CoreOnSimFixture does for the simulated machine). Every process a test
 * starts or adopts is tracked; at teardown, after the machine let everything go, each must be
 * gone (a process left behind is killed and fails the test).
 */
abstract class MachineFixture {
    static final long TIMEOUT_SECONDS = 20;

    final LeakGuard guard = new LeakGuard();
    LinuxMachine machine;
    UtraceCore core;
    UtraceFacade utrace;

    @BeforeEach
    void boot() {
        try {
            machine = new LinuxMachine(TraceHooks.NONE);
        } catch (IllegalStateException e) {
            assumeTrue(false, "ptrace is not available here: " + e.getMessage());
        }
        core = new UtraceCore(machine);
        machine.setHooks(core.hooks());
        utrace = core.facade("test");
    }

    @AfterEach
    void shutdown() throws Exception {
        if (machine != null) machine.close();
        guard.assertNoneLeft();
    }

    /** Starts workload {@code name} (built from src/test/resources/workloads) running. */
    int spawn(String name, String... args) {
        int pid = machine.spawn(SpawnRequest.of(Workloads.path(name), List.of(args)));
        guard.track(pid);
        return pid;
    }

    /** Starts workload {@code name} held in a job-control stop before its first instruction; SIGCONT lets it run. */
    int spawnStopped(String name, String... args) {
        int pid = machine.spawn(SpawnRequest.of(Workloads.path(name), List.of(args)).withStopped(true));
        guard.track(pid);
        return pid;
    }

    LinuxTask task(int tid) {
        LinuxTask t = (LinuxTask) machine.findTask(tid);
        if (t == null) fail("no task " + tid + " on the machine: " + machine.tasks());
        return t;
    }

    Engine attach(Task t, EngineOps ops, long events) {
        return attach(utrace, t, ops, events);
    }

    static Engine attach(UtraceFacade u, Task t, EngineOps ops, long events) {
        AttachResult r = u.attach(t, AttachFlags.CREATE, ops, null);
        assertTrue(r.ok(), () -> "attach: " + r);
        Engine e = r.engine();
        Outcome o = u.setEvents(t, e, events);
        if (o != Outcome.DONE) fail("setEvents: " + o);
        return e;
    }

    void cont(int pid) {
        machine.kill(pid, dev.utrace.api.task.Signals.SIGCONT);
    }

    WaitStatus waitExit(int pid) {
        return waitExit(pid, Duration.ofSeconds(TIMEOUT_SECONDS));
    }

    /** {@link #waitExit(int)} for a workload that runs longer than the usual bound (a watchdog against a hang, not a speed check). */
    WaitStatus waitExit(int pid, Duration bound) {
        try {
            return machine.waitExit(pid, bound)
                    .orElseThrow(() -> new AssertionError("process " + pid + " did not end: " + machine.tasks()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** What {@code pid} wrote, once it contains {@code expected} (the pipe may still be read after the exit). */
    String console(int pid, String expected) {
        await("console of " + pid + " shows " + expected, () -> machine.console(pid).contains(expected));
        return machine.console(pid);
    }

    /** Bounded wait for something another thread brings about; fails after {@link #TIMEOUT_SECONDS}. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting until " + what);
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
