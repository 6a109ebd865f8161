package dev.utrace.bench.core;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.impl.UtraceCore;
import dev.utrace.impl.UtraceFacade;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * (b) One engine's whole life on a task that stays put: attach(CREATE) + setEvents +
 * control(DETACH) + put. The task is not stopped and no pass runs, so the detach only marks
 * the engine; the next cycle's tracee pass is simulated by one syscallExit hook that unlinks
 * it, as a running task would. The score includes that hook.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LifecycleBench {
    private UtraceCore core;
    private UtraceFacade utrace;
    private BenchTask task;
    private final EngineOps ops = new EngineOps() { };
    private final long events = Event.mask(Event.SYSCALL_EXIT, Event.EXEC);

    @Setup
    public void setup() {
        core = new UtraceCore(new BenchMachine());
        utrace = core.facade("bench");
        task = new BenchTask(1);
    }

    @Benchmark
    public Outcome attachSetEventsDetachPut() {
        Engine e = utrace.attach(task, AttachFlags.CREATE, ops, null).engine();
        utrace.setEvents(task, e, events);
        Outcome o = utrace.control(task, e, ResumeAction.DETACH);
        e.put();
        core.hooks().syscallExit(task); // the tracee passes a report point: the detached engine is unlinked and freed
        return o;
    }
}
