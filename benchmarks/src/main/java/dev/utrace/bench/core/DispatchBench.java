package dev.utrace.bench.core;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.Task;
import dev.utrace.impl.UtraceCore;
import dev.utrace.impl.UtraceFacade;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * (a) Event dispatch: one {@code syscallExit} hook with {@code engines} engines that want
 * SYSCALL_EXIT and answer RESUME, next to a floor that does per engine what a dispatch must at
 * least do: one volatile store (the kernel's {@code reporting = engine}), one full fence (its
 * {@code smp_mb}) and one interface call through an array of distinct engine-like classes (so
 * the call site is megamorphic, as in the core). Divide the score by {@code engines} for ns
 * per engine-callback. Run with {@code -prof gc}: gc.alloc.rate.norm is bytes per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DispatchBench {

    @Param({"1", "4", "16"})
    public int engines;

    private UtraceCore core;
    private BenchTask task;
    private FloorCallee[] floor;
    private volatile Object reporting;
    private long sink;

    // Four distinct engine classes, so the core's call sites see a megamorphic receiver profile.
    static final class OpsA implements EngineOps {
        @Override public ResumeAction reportSyscallExit(ResumeAction a, Engine e, Task t) { return ResumeAction.RESUME; }
    }

    static final class OpsB implements EngineOps {
        @Override public ResumeAction reportSyscallExit(ResumeAction a, Engine e, Task t) { return ResumeAction.RESUME; }
    }

    static final class OpsC implements EngineOps {
        @Override public ResumeAction reportSyscallExit(ResumeAction a, Engine e, Task t) { return ResumeAction.RESUME; }
    }

    static final class OpsD implements EngineOps {
        @Override public ResumeAction reportSyscallExit(ResumeAction a, Engine e, Task t) { return ResumeAction.RESUME; }
    }

    interface FloorCallee {
        int call(int x);
    }

    static final class CalleeA implements FloorCallee { @Override public int call(int x) { return x + 1; } }
    static final class CalleeB implements FloorCallee { @Override public int call(int x) { return x + 2; } }
    static final class CalleeC implements FloorCallee { @Override public int call(int x) { return x + 3; } }
    static final class CalleeD implements FloorCallee { @Override public int call(int x) { return x + 4; } }

    static EngineOps ops(int i) {
        return switch (i & 3) {
            case 0 -> new OpsA();
            case 1 -> new OpsB();
            case 2 -> new OpsC();
            default -> new OpsD();
        };
    }

    static FloorCallee callee(int i) {
        return switch (i & 3) {
            case 0 -> new CalleeA();
            case 1 -> new CalleeB();
            case 2 -> new CalleeC();
            default -> new CalleeD();
        };
    }

    @Setup
    public void setup() {
        core = new UtraceCore(new BenchMachine());
        UtraceFacade utrace = core.facade("bench");
        task = new BenchTask(1);
        floor = new FloorCallee[engines];
        for (int i = 0; i < engines; i++) {
            Engine e = utrace.attach(task, AttachFlags.CREATE, ops(i), null).engine();
            if (utrace.setEvents(task, e, Event.mask(Event.SYSCALL_EXIT)) != Outcome.DONE) {
                throw new IllegalStateException("setEvents failed");
            }
            e.put(); // the attached reference keeps it
            floor[i] = callee(i);
        }
        core.hooks().syscallExit(task); // splices the new engines (the first pass after attach)
        // Warm the floor's call site with every receiver class so it is megamorphic too.
        FloorCallee[] all = {new CalleeA(), new CalleeB(), new CalleeC(), new CalleeD()};
        for (int k = 0; k < 100_000; k++) sink += all[k & 3].call(k);
    }

    @Benchmark
    public void dispatch() {
        core.hooks().syscallExit(task);
    }

    @Benchmark
    public int floor() {
        int acc = 0;
        FloorCallee[] f = floor;
        for (int i = 0; i < f.length; i++) {
            reporting = f[i];
            VarHandle.fullFence();
            acc = f[i].call(acc);
        }
        reporting = null;
        return acc;
    }
}
