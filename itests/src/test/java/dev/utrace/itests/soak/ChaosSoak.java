package dev.utrace.itests.soak;

import dev.utrace.impl.UtraceCore;
import dev.utrace.api.proc.TaskInfo;
import dev.utrace.sim.internal.SimKernel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A randomized soak of the utrace core on the simulated machine, driven by a seed: controller
 * threads attach, look up, control, examine, revoke and kill at random while programs clone,
 * exec and signal and engines answer at random; rounds end in quiet points that check that every
 * task can run on or end and every engine is released exactly once. See {@link SoakConfig}.
 *
 * <p>Replaying a seed repeats every thread's choices, but not how the threads interleave, so a
 * replay is approximate: it reproduces the mix, not the schedule.
 */
public final class ChaosSoak {
    private final SoakContext cx;

    public ChaosSoak(SoakConfig config, SimKernel sim, UtraceCore core) {
        this.cx = new SoakContext(config, sim, core);
    }

    /** Writes the soak's programs into the machine's programs folder. */
    public static void installPrograms(Path folder) {
        for (String name : Spawner.SOAK_PROGRAMS) {
            try (InputStream in = ChaosSoak.class.getResourceAsStream(name + ".prog")) {
                if (in == null) throw new IllegalStateException("missing test resource " + name + ".prog");
                Files.writeString(folder.resolve(name + ".prog"), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public Result run() throws InterruptedException {
        SoakConfig config = cx.config;
        long started = System.nanoTime();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> cx.violations.add("no exception escapes the core or the machine",
                "uncaught in thread " + t.getName() + ": " + Violations.stackText(e)));
        ExecutorService pool = Executors.newFixedThreadPool(config.controllers(), Thread.ofPlatform().name("soak-controller-", 0).factory());
        LogWatch logs = new LogWatch(cx.violations);
        Monitor monitor = new Monitor(cx, config.controllers() + 1);
        try {
            List<Controller> controllers = new ArrayList<>();
            for (int i = 0; i < config.controllers(); i++) controllers.add(new Controller(cx, monitor, i));
            QuietPoint quiet = new QuietPoint(cx, monitor, config.controllers());
            for (long limit = Math.min(config.ops(), config.roundOps()); ; limit = Math.min(config.ops(), limit + config.roundOps())) {
                long roundLimit = limit;
                List<Future<?>> running = new ArrayList<>();
                for (Controller c : controllers) running.add(pool.submit(() -> c.runUntil(roundLimit)));
                for (Future<?> f : running) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        cx.violations.add("soak", "a controller failed: " + Violations.stackText(e.getCause()));
                    }
                }
                quiet.run();
                if (limit >= config.ops()) break;
            }
            checkNothingLeft();
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
            monitor.close();
            logs.close();
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        return new Result(config, cx.ops.get(), seconds, cx.violations, cx.stats.describe()
                + ", contained callback faults logged " + logs.containedCallbackFaults + ", warnings logged " + logs.warnings
                + ", machine internal errors " + logs.internalErrors);
    }

    /** At the end: only init is left, and no task thread other than init's still runs. */
    private void checkNothingLeft() {
        List<TaskInfo> left = new ArrayList<>();
        for (TaskInfo t : cx.sim.tasks()) if (t.tid() != 1) left.add(t);
        if (!left.isEmpty()) cx.violations.add("reaping", "tasks left after the last quiet point: " + left);
        long deadline = System.nanoTime() + cx.hangNanos();
        while (!cx.taskThreads.alive().isEmpty() && System.nanoTime() < deadline && sleep()) {
            // a task thread ends just after its task is reaped
        }
        List<Thread> alive = cx.taskThreads.alive();
        if (!alive.isEmpty()) {
            StringBuilder sb = new StringBuilder(alive.size() + " task thread(s) still run after every process was reaped:");
            for (Thread t : alive.subList(0, Math.min(5, alive.size()))) sb.append("\n  ").append(TaskThreads.stackOf(t));
            cx.violations.add("no thread left", sb.toString());
        }
    }

    private static boolean sleep() {
        try {
            Thread.sleep(50);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What a run found. */
    public record Result(SoakConfig config, long ops, long seconds, Violations violations, String stats) {
        public boolean clean() {
            return violations.count() == 0;
        }

        public String summary() {
            return "chaos soak: seed " + config.seed() + ", " + ops + " operations in " + seconds + " s, "
                    + violations.count() + " violation(s)" + (violations.known().isEmpty() ? "" : ", known faults (excluded) "
                    + violations.known()) + "\n  " + stats + "\n  replay: " + config.replay();
        }

        public String failure() {
            return summary() + "\n" + violations.describe();
        }
    }
}
