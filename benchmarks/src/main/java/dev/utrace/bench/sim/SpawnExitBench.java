package dev.utrace.bench.sim;

import dev.utrace.sim.internal.SimKernel;
import dev.utrace.spi.TraceHooks;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Spawn+exit throughput of the simulated machine: a batch of processes running {@code true}
 * (one exit syscall) is spawned and every one is waited for, i.e. run on its own virtual
 * thread, exited, reaped by init and recorded. The score is processes per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SpawnExitBench {
    static final int BATCH = 1000;

    private SimKernel machine;
    private final int[] pids = new int[BATCH];

    @Setup
    public void setup() {
        machine = new SimKernel(TraceHooks.NONE);
    }

    @TearDown
    public void tearDown() {
        machine.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int spawnAndExit() throws InterruptedException {
        for (int i = 0; i < BATCH; i++) pids[i] = machine.spawn("true", List.of());
        int sum = 0;
        for (int pid : pids) {
            sum += machine.waitExit(pid, Duration.ofMinutes(1)).orElseThrow().word();
        }
        return sum;
    }
}
