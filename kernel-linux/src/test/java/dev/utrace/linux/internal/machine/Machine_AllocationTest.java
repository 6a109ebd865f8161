package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Task;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The whole machine allocates nothing per syscall stop once warmed up, hooks on the tracer
 * thread: the tracer's wait and decode, the stop's record (reused), the core's report pass, an
 * engine reading the syscall's number, arguments and result as a tracer does (from the syscall
 * info: no PTRACE_GETREGS), the restart. Measured with the JVM's per-thread allocation counter
 * of the tracer thread (the engine runs there) between the 20,000th and the 90,000th getppid of a
 * loop (140,000 stops); the bound allows a few stray objects, not one per stop.
 */
class Machine_AllocationTest extends MachineFixture {
    private static final int SYS_GETPPID = 110;

    @Test
    @DisplayName("steady state: under 0.05 bytes allocated per ptrace stop, core and engine included")
    void noAllocationPerStop() {
        assumeTrue(machine.hooksOnTracer(), "with hook threads each stop has a record of its own");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] marks = new long[2];
        int[] calls = {0};
        long[] sink = {0};
        EngineOps ops = new EngineOps() {
            @Override
            public int reportSyscallEntry(int action, Engine engine, Task task) {
                long nr = task.register(Reg.ORIG_RAX);
                for (Reg r : Reg.SYSCALL_ARGS) sink[0] += task.register(r);
                if (nr == SYS_GETPPID) {
                    int n = ++calls[0];
                    if (n == 20_000) marks[0] = threads.getCurrentThreadAllocatedBytes();
                    else if (n == 90_000) marks[1] = threads.getCurrentThreadAllocatedBytes();
                }
                return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
            }

            @Override
            public ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task task) {
                sink[0] += task.register(Reg.ORIG_RAX) + task.register(Reg.RAX);
                return ResumeAction.RESUME;
            }
        };
        int pid = spawnStopped("getppid_loop", "100000");
        attach(task(pid), ops, Event.SYSCALL_ENTRY.bit() | Event.SYSCALL_EXIT.bit());
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertEquals(100_000, calls[0], "the loop's getppid calls");
        long bytes = marks[1] - marks[0];
        assertTrue(bytes < 140_000 * 0.05, "allocated " + bytes + " bytes over 140,000 stops (" + bytes / 140_000.0
                + " a stop)");
    }
}
