package dev.utrace.bench.real;

import dev.utrace.api.SyscallSet;
import dev.utrace.api.hw.Access;
import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.task.Signals;
import dev.utrace.impl.UtraceCore;
import dev.utrace.linux.internal.machine.LinuxMachine;
import dev.utrace.linux.internal.machine.MeasuredMachine;
import dev.utrace.linux.internal.trace.End;
import dev.utrace.linux.internal.trace.Resume;
import dev.utrace.linux.internal.trace.Spawned;
import dev.utrace.linux.internal.trace.SpawnSpec;
import dev.utrace.linux.internal.trace.Stop;
import dev.utrace.linux.internal.trace.StopKind;
import dev.utrace.linux.internal.trace.Tracee;
import dev.utrace.linux.internal.trace.TraceeListener;
import dev.utrace.linux.internal.trace.Tracer;
import dev.utrace.passive.Kind;
import dev.utrace.passive.internal.PassiveTracerImpl;
import dev.utrace.ptrace.PtraceException;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.WaitResult;
import dev.utrace.ptrace.internal.PtraceService;
import dev.utrace.spi.TraceHooks;
import dev.utrace.watchpoint.Scope;
import dev.utrace.watchpoint.internal.WatchpointsImpl;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One traced run of a workload by this project, in a JVM of its own (started by {@link RealBench},
 * so that each run pays what a user pays: JVM start, linking, JIT warm-up). Prints one line
 * {@code RESULT key=value ...} that the harness parses, and exits 0 only if the program exited 0.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar dev.utrace.bench.real.ProjectRun \
 *      MODE CPU CHECK PROGRAM ARGS...
 * </pre>
 * MODE is one of {@link Mode}'s names; CPU pins the tracer thread (-1: not; the program inherits
 * the pin); CHECK names the syscall whose calls the line reports (the harness checks the count).
 */
public final class ProjectRun {
    /** Sampling period of the allocation counter. */
    private static final long SAMPLE_MILLIS = 100;
    /** The watch of the three-engine run: an aligned word no workload maps (a debug register takes any user address). */
    static final long WATCHED_ADDRESS = 0x10000;
    /** Ended traces the passive tracer keeps, so that its statistics count every process of a run. */
    private static final int KEEP_ENDED = 100_000;

    /** What traces the program. */
    enum Mode {
        /** kernel-linux's Tracer alone: a listener that counts each stop and restarts it (PTRACE_SYSCALL). */
        TRACER,
        /** The whole machine and the utrace core, no engine on the task. */
        MACHINE,
        /** One engine: the passive tracer, following children, recording every syscall. */
        ONE,
        /** Three engines on the same stops: the passive tracer, a ptrace session with syscall stops, a watch. */
        THREE,
        /** The passive tracer recording openat only, the program spawned under a kernel-side filter of it (seccomp-bpf). */
        SECCOMP
    }

    private ProjectRun() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: ProjectRun tracer|machine|one|three|seccomp CPU CHECK-SYSCALL PROGRAM ARGS...");
            System.exit(2);
        }
        Mode mode = Mode.valueOf(args[0].toUpperCase(java.util.Locale.ROOT));
        int cpu = Integer.parseInt(args[1]);
        String check = args[2];
        String program = args[3];
        List<String> programArgs = Arrays.asList(args).subList(4, args.length);
        Result r = switch (mode) {
            case TRACER -> bareTracer(cpu, check, program, programArgs);
            case MACHINE, ONE, THREE, SECCOMP -> machine(mode, cpu, check, program, programArgs);
        };
        if (r == null) {
            System.out.println("RESULT unavailable=\"a kernel-side syscall filter (seccomp-bpf) is not built yet (issue 16)\"");
            System.exit(3);
        }
        System.out.println(r.line());
        System.exit(r.exitedZero ? 0 : 1);
    }

    /** What one run measured. */
    record Result(String status, boolean exitedZero, double seconds, long stops, long checkCalls,
            long sessionStops, Allocation alloc) {
        String line() {
            return "RESULT status=\"" + status + "\" seconds=" + seconds + " stops=" + stops + " check=" + checkCalls
                    + " sessionStops=" + sessionStops + " allocPerStop=" + alloc.perStop()
                    + " tracerAllocPerStop=" + alloc.tracerPerStop() + " allocWindowStops=" + alloc.windowStops();
        }
    }

    private static Result bareTracer(int cpu, String check, String program, List<String> args) throws Exception {
        long checkNr = Syscalls.number(check);
        AtomicLong stops = new AtomicLong();
        AtomicLong checkCalls = new AtomicLong();
        TraceeListener counting = new TraceeListener() {
            @Override
            public Resume onStop(Tracee tracee, Stop stop) {
                stops.lazySet(stops.get() + 1); // only the tracer thread writes it
                if (stop.kind() == StopKind.SYSCALL_ENTRY && stop.syscall() == checkNr) {
                    checkCalls.lazySet(checkCalls.get() + 1);
                }
                return Resume.SYSCALL;
            }

            @Override
            public void onEnd(Tracee tracee, End end, int status) {
            }
        };
        Tracer.Options options = Tracer.Options.defaults();
        if (cpu >= 0) options = options.withPinCpu(cpu);
        try (Tracer tracer = Tracer.start(options)) {
            AllocationSampler sampler = new AllocationSampler(stops::get, options.threadName(), "tracer");
            long start = System.nanoTime();
            Spawned s = tracer.spawn(SpawnSpec.of(program, args.toArray(String[]::new)).withKillOnClose(true), counting).get();
            sampler.start();
            int status = s.exit().get(30, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - start) / 1e9;
            Allocation alloc = sampler.stop();
            boolean zero = (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0;
            return new Result(dev.utrace.linux.internal.sys.Wait.describe(status), zero, seconds, stops.get(),
                    checkCalls.get(), -1, alloc);
        }
    }

    private static Result machine(Mode mode, int cpu, String check, String program, List<String> args) throws Exception {
        try (LinuxMachine machine = MeasuredMachine.pinned(TraceHooks.NONE, cpu)) {
            UtraceCore core = new UtraceCore(machine);
            machine.setHooks(core.hooks());
            SpawnRequest request = SpawnRequest.of(program, args).withStopped(true);
            SyscallSet openat = SyscallSet.of((int) Syscalls.number("openat"));
            if (mode == Mode.SECCOMP) request = request.withSyscalls(openat);
            int pid = machine.spawn(request);
            PassiveTracerImpl passive = null;
            PtraceService ptrace = null;
            WatchpointsImpl watch = null;
            SessionDriver driver = null;
            if (mode == Mode.ONE || mode == Mode.THREE || mode == Mode.SECCOMP) {
                // keepEnded: the storm's 500 children must all stay in the statistics the run is checked by
                // (the tracer keeps 256 ended traces by default).
                passive = new PassiveTracerImpl(core.facade("passive"), machine, Map.of("keepEnded", KEEP_ENDED));
                passive.trace(pid, Set.of(Kind.SYSCALLS), true, mode == Mode.SECCOMP ? openat : SyscallSet.ALL);
            }
            if (mode == Mode.THREE) {
                ptrace = new PtraceService(core.facade("ptrace"), machine, machine);
                PtraceSession session = ptrace.open("bench");
                session.seize(pid, PtraceOptions.TRACESYSGOOD | PtraceOptions.TRACEFORK | PtraceOptions.TRACEVFORK
                        | PtraceOptions.TRACECLONE | PtraceOptions.TRACEEXEC);
                driver = new SessionDriver(session);
                watch = new WatchpointsImpl(core.facade("watch"), machine);
                watch.add(pid, WATCHED_ADDRESS, 8, Access.WRITE, Scope.PROCESS, false);
            }
            PassiveTracerImpl counted = passive;
            // Stops, approximately: two per syscall the passive tracer counted (entry and exit).
            LongSupplier stopCount = counted == null ? null : () -> 2 * counted.stats().totalCalls();
            AllocationSampler sampler = new AllocationSampler(stopCount, "utrace-linux", "tracer");
            if (driver != null) driver.start();
            long start = System.nanoTime();
            sampler.start();
            machine.kill(pid, Signals.SIGCONT);
            WaitStatus st = machine.waitExit(pid, Duration.ofMinutes(30)).orElseThrow();
            double seconds = (System.nanoTime() - start) / 1e9;
            Allocation alloc = sampler.stop();
            long checkCalls = -1;
            long stops = -1;
            if (passive != null) {
                // The last exits may still be on their way to the tracer; they are not in the check.
                var stats = passive.stats();
                // A filtered run records openat only: the count of another syscall checks nothing.
                checkCalls = mode == Mode.SECCOMP && !check.equals("openat") ? -1 : stats.calls(check);
                stops = 2 * stats.totalCalls();
            }
            long sessionStops = -1;
            if (driver != null) {
                driver.ending = true;
                driver.awaitEnd(Duration.ofSeconds(30));
                sessionStops = driver.stops.get();
            }
            if (watch != null) watch.deactivate();
            if (ptrace != null) ptrace.deactivate();
            return new Result(st.toString(), st.equals(WaitStatus.exited(0)), seconds, stops, checkCalls, sessionStops,
                    alloc);
        }
    }

    /**
     * The tracing process of the ptrace session, as a debugger or strace written on the ptrace
     * engine would run it: wait for any tracee, restart it to its next syscall stop (delivering a
     * signal it stopped for, listening in a group stop), until no tracee is left.
     */
    static final class SessionDriver {
        final AtomicLong stops = new AtomicLong();
        private final PtraceSession session;
        private final Thread thread;
        private volatile Throwable failure;
        /** Set once the program has exited: the session's engine is unloaded then, and its thread ends. */
        volatile boolean ending;

        SessionDriver(PtraceSession session) {
            this.session = session;
            this.thread = Thread.ofPlatform().name("bench-ptrace-session").daemon().unstarted(this::run);
        }

        void start() {
            thread.start();
        }

        private void run() {
            try {
                while (true) {
                    WaitResult r = session.wait(-1, 0).orElseThrow();
                    if (!r.stopped()) continue;
                    stops.lazySet(stops.get() + 1);
                    switch (r.kind()) {
                        case SIGNAL_STOP -> session.syscall(r.pid(), r.signal());
                        case GROUP_STOP -> listenOrGoOn(r.pid());
                        default -> session.syscall(r.pid(), 0);
                    }
                }
            } catch (PtraceException e) {
                // ECHILD: no tracee left (or the engine was unloaded at the end): done. Anything
                // else leaves a tracee held by the session for ever: the run fails, saying why.
                if (!e.errno().equals("ECHILD") && !ending) {
                    failure = e;
                    System.err.println("the ptrace session's tracing thread failed after " + stops.get() + " stops: " + e.getMessage());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        /**
         * The spawned program's group stop is ended by the harness's SIGCONT, which may come
         * before this thread listens: the engine then refuses the listen (EIO, no group stop
         * left), and the tracee goes on to its next syscall stop instead.
         */
        private void listenOrGoOn(int pid) {
            try {
                session.listen(pid);
            } catch (PtraceException e) {
                if (!e.errno().equals("EIO")) throw e;
                session.syscall(pid, 0);
            }
        }

        void awaitEnd(Duration timeout) throws InterruptedException {
            if (!thread.join(timeout)) {
                throw new IllegalStateException("the ptrace session's tracing thread did not end: " + session.tracees());
            }
            if (failure != null) throw new IllegalStateException("the ptrace session's tracing thread failed", failure);
        }
    }

    /** Bytes allocated per stop in the steady state, from {@link AllocationSampler}; -1 where not measured. */
    record Allocation(double perStop, double tracerPerStop, long windowStops) {}

    /**
     * Samples the JVM's total allocated bytes (every thread, hook threads' carriers included),
     * the tracer thread's, and the stop count, every {@link #SAMPLE_MILLIS} ms. The steady state
     * is the samples from a quarter of the run to the last but one; the stop counter's own
     * allocation (a stats call) is taken between two readings and left out.
     */
    static final class AllocationSampler {
        private final com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        private final LongSupplier stops;
        private final String tracerThreadName;
        private final Thread thread;
        private final long[][] samples = new long[20_000][]; // {total, tracer, stops}, 30 minutes at 10 Hz
        private volatile int count;
        private volatile boolean running = true;
        private long tracerThreadId = -1;

        AllocationSampler(LongSupplier stops, String tracerThreadName, String what) {
            this.stops = stops;
            this.tracerThreadName = tracerThreadName;
            this.thread = Thread.ofPlatform().name("bench-alloc-sampler-" + what).daemon().unstarted(this::run);
        }

        void start() {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals(tracerThreadName)) tracerThreadId = t.threadId();
            }
            thread.start();
        }

        private void run() {
            while (running && count < samples.length) {
                long n = stops == null ? -1 : stops.getAsLong();
                long total = mx.getTotalThreadAllocatedBytes();
                long tracer = tracerThreadId < 0 ? -1 : mx.getThreadAllocatedBytes(tracerThreadId);
                samples[count] = new long[] {total, tracer, n};
                count = count + 1;
                try {
                    Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        Allocation stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join();
            int n = count;
            int from = n / 4;
            int to = n - 2; // the last sample may fall after the program's end
            if (stops == null || to - from < 2) return new Allocation(-1, -1, 0);
            long[] a = samples[from];
            long[] b = samples[to];
            long windowStops = b[2] - a[2];
            if (windowStops <= 0) return new Allocation(-1, -1, 0);
            // Each sample's own arrays (24 + 16 bytes) and the stop counter's allocation between
            // the stop count of one sample and the allocation count of the next are in the
            // window; the counter's is measured below and taken out.
            long counterBytes = counterCost();
            double total = (double) (b[0] - a[0] - (long) (to - from) * counterBytes) / windowStops;
            double tracer = a[1] < 0 ? -1 : (double) (b[1] - a[1]) / windowStops;
            return new Allocation(total, tracer, windowStops);
        }

        /** What one sample costs in allocation (the stop count, its array), measured now. */
        private long counterCost() {
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long before = mx.getTotalThreadAllocatedBytes();
                long n = stops.getAsLong();
                long[] sample = {before, n, n};
                long after = mx.getTotalThreadAllocatedBytes();
                if (sample.length == 3) best = Math.min(best, after - before);
            }
            return best;
        }
    }
}
