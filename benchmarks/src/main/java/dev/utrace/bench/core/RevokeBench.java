package dev.utrace.bench.core;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.impl.UtraceCore;
import dev.utrace.impl.UtraceFacade;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * (c) Bundle unload: facade.revoke() of 100,000 engines spread over 1,000 running tasks (100
 * each, wanting SYSCALL_EXIT, passive: no references held). Single shot: every invocation
 * gets a fresh set from a setup that is not timed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, batchSize = 1)
@Measurement(iterations = 5, batchSize = 1)
@Fork(1)
public class RevokeBench {
    static final int TASKS = 1_000;
    static final int PER_TASK = 100;

    private UtraceFacade bundle;

    static final class Released implements EngineOps {
        int released;

        @Override public void release(Object data) { released++; }
    }

    private final Released ops = new Released();

    @Setup(Level.Invocation)
    public void setup() {
        UtraceCore core = new UtraceCore(new BenchMachine());
        bundle = core.facade("bundle");
        long events = Event.mask(Event.SYSCALL_EXIT);
        for (int t = 0; t < TASKS; t++) {
            BenchTask task = new BenchTask(t + 1);
            for (int k = 0; k < PER_TASK; k++) {
                Engine e = bundle.attach(task, AttachFlags.CREATE, ops, null).engine();
                bundle.setEvents(task, e, events);
                e.put();
            }
            core.hooks().syscallExit(task); // splices them onto the attached list, as a running task would
        }
        ops.released = 0;
    }

    @Benchmark
    public int revoke100k() {
        int n = bundle.revoke();
        if (n != TASKS * PER_TASK || ops.released != n) {
            throw new IllegalStateException("revoked " + n + ", released " + ops.released);
        }
        return n;
    }
}
