package dev.utrace.linux.internal.machine;

import dev.utrace.api.AttachFlags;
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
import dev.utrace.spi.TraceHooks;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: stops per second of a traced getppid loop through the whole machine (tracer thread,
 * hand-off to the task's hook thread, the core, the answer back), for comparison with the bare
 * tracer ({@code GetppidMeasurement}) and strace. Each syscall makes two ptrace stops.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp (the test classpath) \
 *      dev.utrace.linux.internal.machine.MachineMeasurement PATH-TO-getppid_loop 200000 [engine|none] [CPU]
 * </pre>
 * "engine" attaches an engine that counts every syscall entry and exit; "none" measures the
 * machine with the core but no engine on the task. With CPU the tracer thread is pinned there (the
 * program inherits the pin; hook threads are virtual threads and run anywhere).
 */
public final class MachineMeasurement {

    private MachineMeasurement() {}

    public static void main(String[] args) throws Exception {
        String program = args[0];
        long n = Long.parseLong(args[1]);
        boolean engine = args.length < 3 || args[2].equals("engine");
        int cpu = args.length > 3 ? Integer.parseInt(args[3]) : -1;
        AtomicLong reports = new AtomicLong();
        try (LinuxMachine machine = new LinuxMachine(TraceHooks.NONE, true, cpu)) {
            UtraceCore core = new UtraceCore(machine);
            machine.setHooks(core.hooks());
            UtraceFacade utrace = core.facade("measure");
            int pid = machine.spawn(SpawnRequest.of(program, List.of(Long.toString(n))).withStopped(true));
            if (engine) {
                Task t = machine.findTask(pid);
                Engine e = utrace.attach(t, AttachFlags.CREATE, new EngineOps() {
                    @Override
                    public int reportSyscallEntry(int action, Engine en, Task task) {
                        reports.incrementAndGet();
                        return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
                    }

                    @Override
                    public ResumeAction reportSyscallExit(ResumeAction action, Engine en, Task task) {
                        reports.incrementAndGet();
                        return ResumeAction.RESUME;
                    }
                }, null).engine();
                utrace.setEvents(t, e, Event.SYSCALL);
            }
            long start = System.nanoTime();
            machine.kill(pid, Signals.SIGCONT);
            WaitStatus st = machine.waitExit(pid, Duration.ofMinutes(10)).orElseThrow();
            double seconds = (System.nanoTime() - start) / 1e9;
            long stops = 2 * n;
            System.out.println(String.format("%s, %s: about %d stops in %.3f s: %.0f stops/s, %.2f us per syscall (%d reports)",
                    st, engine ? "an engine on every syscall" : "no engine", stops, seconds, stops / seconds,
                    seconds * 1e6 / n, reports.get()));
        }
    }
}
