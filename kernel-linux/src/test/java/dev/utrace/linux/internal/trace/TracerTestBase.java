package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.LinuxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A tracer per test, a {@link Recorder} on it, and a {@link LeakGuard} checked after the tracer
 * closed: every process the test started or saw traced, and every child of the tracer thread
 * (the doorbell included), must be gone by then.
 */
abstract class TracerTestBase {

    static final long TIMEOUT_SECONDS = 20;

    final LeakGuard guard = new LeakGuard();
    /** Closed after the tracer: reaping them earlier would steal the tracer's stops. */
    final java.util.List<UntracedChild> untraced = new java.util.ArrayList<>();
    Tracer tracer;
    Recorder recorder;

    @BeforeEach
    void startTracer() {
        tracer = startTracer(Tracer.Options.defaults());
        recorder = new Recorder(guard);
    }

    @AfterEach
    void closeTracerAndCheckProcesses() throws Exception {
        if (tracer != null) {
            trackChildrenOfTracerThread();
            tracer.close();
        }
        for (UntracedChild c : untraced) c.close();
        guard.assertNoneLeft();
    }

    static Tracer startTracer(Tracer.Options options) {
        try {
            return Tracer.start(options);
        } catch (LinuxException e) {
            assumeTrue(e.errno() != Errno.EPERM && e.errno() != Errno.EACCES && e.errno() != Errno.ENOSYS,
                    "ptrace is not available here: " + e.getMessage());
            throw e;
        }
    }

    void trackChildrenOfTracerThread() throws IOException {
        Path children = Path.of("/proc/self/task/" + tracer.tracerTid() + "/children");
        if (!Files.exists(children)) return;
        for (String pid : Files.readString(children).trim().split("\\s+")) {
            if (!pid.isEmpty()) guard.track(Integer.parseInt(pid));
        }
    }

    /** Starts workload {@code name} untraced, a child of the test thread (closed at teardown). */
    UntracedChild untraced(String name, String... args) {
        UntracedChild c = new UntracedChild(Workloads.path(name), args);
        untraced.add(c);
        guard.track(c.pid);
        return c;
    }

    /** Spawns workload {@code name} traced by {@link #recorder}. */
    Spawned spawn(String name, String... args) throws Exception {
        return spawn(SpawnSpec.of(Workloads.path(name), args));
    }

    Spawned spawn(SpawnSpec spec) throws Exception {
        Spawned s = get(tracer.spawn(spec, recorder));
        guard.track(s.pid());
        return s;
    }

    /** The wait status of {@code s} once reaped. */
    static int exit(Spawned s) throws Exception {
        return get(s.exit());
    }

    /** Everything {@code s} wrote to stdout, once the pipe is closed (its exit can be reaped before the last read). */
    static String stdout(Spawned s) throws Exception {
        get(s.output().closed());
        return s.output().stdout();
    }

    /** The future's value; its failure's cause rethrown as is; a timeout fails the test. */
    static <T> T get(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) throw x;
            throw e;
        } catch (TimeoutException e) {
            throw new AssertionError("nothing happened within " + TIMEOUT_SECONDS + " s", e);
        }
    }

    /** Runs {@code command} on the tracer thread and waits for it. */
    <T> T onTracer(java.util.concurrent.Callable<T> command) throws Exception {
        return get(tracer.submit(command));
    }
}
