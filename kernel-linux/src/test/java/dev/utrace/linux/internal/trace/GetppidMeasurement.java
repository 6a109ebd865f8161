package dev.utrace.linux.internal.trace;

import dev.utrace.linux.internal.sys.Wait;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: the measurement of the report (linux-backend.md section 5 measures the same way).
 * Traces {@code getppid_loop N} with PTRACE_SYSCALL and PTRACE_GET_SYSCALL_INFO at every stop,
 * the listener counting, and prints the stops per second between the exec and the exit.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes \
 *      dev.utrace.linux.internal.trace.GetppidMeasurement PATH-TO-getppid_loop 1000000 [CPU]
 * </pre>
 * With CPU, the tracer thread is pinned there, and the spawned program inherits the pin.
 */
public final class GetppidMeasurement {

    private GetppidMeasurement() {}

    public static void main(String[] args) throws Exception {
        String program = args[0];
        long n = Long.parseLong(args[1]);
        Tracer.Options options = Tracer.Options.defaults();
        if (args.length > 2) options = options.withPinCpu(Integer.parseInt(args[2]));
        long[] stops = {0};
        long[] times = new long[2];
        TraceeListener counting = new TraceeListener() {
            @Override
            public Resume onStop(Tracee tracee, Stop stop) {
                if (stop.kind() == StopKind.EXEC) times[0] = System.nanoTime();
                stops[0]++;
                return Resume.SYSCALL;
            }

            @Override
            public void onEnd(Tracee tracee, End end, int status) {
                times[1] = System.nanoTime();
            }
        };
        try (Tracer tracer = Tracer.start(options)) {
            Spawned s = tracer.spawn(SpawnSpec.of(program, Long.toString(n)), counting).get();
            int status = s.exit().get(10, TimeUnit.MINUTES);
            double seconds = (times[1] - times[0]) / 1e9;
            System.out.println(String.format("%s: %d stops in %.3f s: %.0f stops/s, %.2f us per syscall (in-process)",
                    Wait.describe(status), stops[0], seconds, stops[0] / seconds, seconds * 1e6 / n));
        }
    }
}
