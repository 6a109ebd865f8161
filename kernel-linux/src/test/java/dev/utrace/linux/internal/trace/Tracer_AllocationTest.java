package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.linux.internal.sys.Wait;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The tracer thread allocates nothing per syscall stop once warmed up: wait, decode
 * (PTRACE_GET_SYSCALL_INFO into preallocated memory), the listener call, the restart. Measured
 * with the JVM's per-thread allocation counter between the 20,000th and the 90,000th getppid of
 * a loop (140,000 stops); the bound allows a few stray objects (a JIT deoptimization, a lazily
 * initialized JDK structure), not one per stop.
 */
class Tracer_AllocationTest extends TracerTestBase {

    private static final int SYS_GETPPID = 110;

    @Test
    @DisplayName("steady state: under 0.05 bytes allocated per ptrace stop on the tracer thread")
    void noAllocationPerStop() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] marks = new long[2];
        int[] calls = {0};
        TraceeListener counting = new TraceeListener() {
            @Override
            public Resume onStop(Tracee tracee, Stop stop) {
                if (stop.kind() == StopKind.SYSCALL_ENTRY && stop.syscall() == SYS_GETPPID) {
                    int n = ++calls[0];
                    if (n == 20_000) marks[0] = threads.getCurrentThreadAllocatedBytes();
                    else if (n == 90_000) marks[1] = threads.getCurrentThreadAllocatedBytes();
                }
                return Resume.SYSCALL;
            }

            @Override
            public void onEnd(Tracee tracee, End end, int status) {
            }
        };
        Spawned s = get(tracer.spawn(SpawnSpec.of(Workloads.path("getppid_loop"), "100000"), counting));
        guard.track(s.pid());
        assertEquals(Wait.exitedStatus(0), exit(s));
        assertEquals(100_000, calls[0], "the loop's getppid calls");
        long bytes = marks[1] - marks[0];
        assertTrue(bytes < 140_000 * 0.05, "allocated " + bytes + " bytes over 140,000 stops");
    }
}
