package dev.utrace.bench.real;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.impl.UtraceCore;
import dev.utrace.impl.UtraceFacade;
import dev.utrace.linux.internal.machine.LinuxMachine;
import dev.utrace.linux.internal.machine.MeasuredMachine;
import dev.utrace.passive.Kind;
import dev.utrace.passive.internal.PassiveTracerImpl;
import dev.utrace.spi.TraceHooks;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Start to the first traced syscall, in a JVM of its own: the machine, the core and the passive
 * tracer are made, {@code PROGRAM} is spawned held, traced, and let run; the time is taken when
 * the program's first syscall entry reaches an engine (a one-line recorder attached beside the
 * passive tracer). {@link System#nanoTime} is CLOCK_MONOTONIC, the same clock in every process,
 * so the harness subtracts the instant it started this JVM. Then WARM more spawns in the same JVM
 * measure spawn to first syscall once everything is loaded and linked.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar dev.utrace.bench.real.StartupRun CPU WARM PROGRAM ARGS...
 * </pre>
 * Prints {@code RESULT main=NS machine=NS core=NS ready=NS spawnCalled=NS spawned=NS traced=NS first=NS warmMedianNs=NS} (absolute
 * nanoTime values but the last).
 */
public final class StartupRun {
    private StartupRun() {}

    public static void main(String[] args) throws Exception {
        long main = System.nanoTime();
        int cpu = Integer.parseInt(args[0]);
        int warm = Integer.parseInt(args[1]);
        String program = args[2];
        List<String> programArgs = Arrays.asList(args).subList(3, args.length);
        try (LinuxMachine machine = MeasuredMachine.pinned(TraceHooks.NONE, cpu)) {
            long machineMade = System.nanoTime();
            UtraceCore core = new UtraceCore(machine);
            machine.setHooks(core.hooks());
            UtraceFacade recorder = core.facade("first-syscall");
            long coreMade = System.nanoTime();
            PassiveTracerImpl passive = new PassiveTracerImpl(core.facade("passive"), machine, Map.of());
            long ready = System.nanoTime();
            long[] first = traceOnce(machine, recorder, passive, program, programArgs);
            long[] warmNs = new long[warm];
            for (int i = 0; i < warm; i++) {
                long[] w = traceOnce(machine, recorder, passive, program, programArgs);
                warmNs[i] = w[1] - w[0];
            }
            Arrays.sort(warmNs);
            long warmMedian = warm == 0 ? -1 : warmNs[warm / 2];
            System.out.println("RESULT main=" + main + " machine=" + machineMade + " core=" + coreMade + " ready=" + ready
                    + " spawnCalled=" + first[0] + " spawned=" + first[2] + " traced=" + first[3] + " first=" + first[1]
                    + " warmMedianNs=" + warmMedian);
        }
    }

    /**
     * Spawns, traces and runs the program once: {spawn called, first syscall entry reported, spawn
     * returned (the program held at its start), engines attached and the program let go} in nanoTime.
     */
    private static long[] traceOnce(LinuxMachine machine, UtraceFacade recorder, PassiveTracerImpl passive,
            String program, List<String> args) throws InterruptedException {
        long spawnCalled = System.nanoTime();
        int pid = machine.spawn(SpawnRequest.of(program, args).withStopped(true));
        long spawned = System.nanoTime();
        java.util.concurrent.atomic.AtomicLong firstReport = new java.util.concurrent.atomic.AtomicLong();
        Task task = machine.findTask(pid);
        AttachResult r = recorder.attach(task, AttachFlags.CREATE, new EngineOps() {
            @Override
            public int reportSyscallEntry(int action, Engine engine, Task t) {
                firstReport.compareAndSet(0, System.nanoTime());
                return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
            }
        }, null);
        if (!r.ok()) throw new IllegalStateException("attach: " + r);
        recorder.setEvents(task, r.engine(), Event.mask(Event.SYSCALL_ENTRY));
        passive.trace(pid, Set.of(Kind.SYSCALLS), false);
        machine.kill(pid, Signals.SIGCONT);
        long traced = System.nanoTime();
        WaitStatus st = machine.waitExit(pid, Duration.ofSeconds(30)).orElseThrow();
        if (!st.equals(WaitStatus.exited(0)) || firstReport.get() == 0) {
            throw new IllegalStateException(program + " " + st + ", first syscall reported: " + (firstReport.get() != 0));
        }
        return new long[] {spawnCalled, firstReport.get(), spawned, traced};
    }
}
