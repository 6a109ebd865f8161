package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.fail;

import dev.utrace.api.proc.WaitStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** A machine for one test: recording hooks, a programs folder for the test's own programs, and waits with a safety net. */
final class Sim implements AutoCloseable {
    /** How long a wait may take before the test fails; a safety net, never asserted on. */
    static final Duration PATIENCE = Duration.ofSeconds(20);

    final RecordingHooks hooks;
    final Path folder;
    final SimKernel machine;
    final Kernel kernel;

    Sim() {
        this(new RecordingHooks());
    }

    Sim(RecordingHooks hooks) {
        this.hooks = hooks;
        try {
            folder = Files.createTempDirectory("sim-programs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        machine = new SimKernel(hooks, folder);
        kernel = machine.kernel();
    }

    static int iterations(int divisor) {
        return Math.max(1, Integer.getInteger("race.iterations", 10000) / divisor);
    }

    /** Writes a program into the folder. */
    Sim program(String name, String... lines) {
        try {
            Files.writeString(folder.resolve(name + ".prog"), String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    int spawn(String program, String... args) {
        return machine.spawn(program, List.of(args));
    }

    SimTask task(int tid) {
        SimTask t = kernel.find(tid);
        if (t == null) fail("no task " + tid);
        return t;
    }

    /** The task that first reported an event under {@code tid} (it may be gone by now). */
    SimTask firstWithTid(int tid) {
        return (SimTask) hooks.events().stream().filter(e -> e.tid() == tid).findFirst()
                .orElseThrow(() -> new AssertionError("no event from " + tid)).task();
    }

    WaitStatus waitExit(int pid) {
        try {
            return machine.waitExit(pid, PATIENCE).orElseThrow(() -> new AssertionError("pid " + pid + " did not exit; "
                    + stuck(pid)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * What a process that did not exit is doing: each of its tasks with its machine state, its
     * Java thread's state (BLOCKED, WAITING, ...; read without disturbing the thread) and its events.
     */
    private String stuck(int pid) {
        SimTask found = kernel.find(pid);
        if (found == null) return "no task " + pid + " any more";
        List<SimTask> tasks = new ArrayList<>();
        kernel.lock.lock();
        try {
            for (SimTask q = found.proc.firstThread; q != null; q = q.groupNext) tasks.add(q);
        } finally {
            kernel.lock.unlock();
        }
        StringBuilder sb = new StringBuilder("its tasks:");
        for (SimTask q : tasks) {
            Thread th = q.thread;
            sb.append("\n  ").append(q).append(" fatal=").append(q.fatal).append(" thread=")
                    .append(th == null ? "none" : th.getState()).append(' ').append(hooks.of(q));
        }
        return sb.toString();
    }

    /**
     * The death events once there are {@code n}: a parent may reap (and waitExit return) while
     * the last death hook is still being called, as on Linux.
     */
    List<RecordingHooks.Event> deaths(int n) {
        await(n + " death reports", () -> hooks.of("death").size() >= n);
        return hooks.of("death");
    }

    static void await(String what, BooleanSupplier cond) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting until " + what);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Override
    public void close() {
        hooks.releaseStops();
        machine.close();
    }
}
