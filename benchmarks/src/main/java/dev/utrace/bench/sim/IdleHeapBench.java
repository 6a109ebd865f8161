package dev.utrace.bench.sim;

import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.TaskInfo;
import dev.utrace.sim.internal.SimKernel;
import dev.utrace.spi.TraceHooks;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Heap per idle task: spawns {@code tasks} processes that each wait in {@code pause}, in a JVM
 * capped at 1 GiB, and reports the live heap they add after a full GC as the auxiliary
 * counter {@code heapBytesPerTask}. The primary score is the time to spawn them and see them
 * all asleep.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Xms1g"})
public class IdleHeapBench {

    @Param("100000")
    public int tasks;

    /** The result the README records. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Heap {
        public long heapBytesPerTask;
    }

    private SimKernel machine;

    @Setup(Level.Invocation)
    public void setup() {
        machine = new SimKernel(TraceHooks.NONE);
    }

    @Benchmark
    public long spawnIdle(Heap heap) throws InterruptedException {
        long before = usedAfterGc();
        for (int i = 0; i < tasks; i++) machine.spawn("idle", List.of());
        while (sleeping() < tasks) Thread.sleep(50);
        long after = usedAfterGc();
        heap.heapBytesPerTask = (after - before) / tasks;
        machine.close();
        return after;
    }

    private long sleeping() {
        long n = 0;
        for (TaskInfo t : machine.tasks()) if (t.state() == TaskState.SLEEPING && t.tid() != 1) n++;
        return n;
    }

    private static long usedAfterGc() throws InterruptedException {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return mem.getHeapMemoryUsage().getUsed();
    }
}
