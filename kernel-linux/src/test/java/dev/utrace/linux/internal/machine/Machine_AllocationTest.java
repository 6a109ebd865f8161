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
import dev.utrace.impl.UtraceFacade;
import dev.utrace.passive.Copied;
import dev.utrace.passive.Kind;
import dev.utrace.passive.TraceEvent;
import dev.utrace.passive.internal.PassiveTracerImpl;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The whole machine allocates nothing per syscall stop once warmed up, hooks on the tracer
 * thread: the tracer's wait and decode, the stop's record (reused), the core's report pass, an
 * engine reading the syscall's number, arguments and result as a tracer does (from the syscall
 * info: no PTRACE_GETREGS), the restart. Measured with the JVM's per-thread allocation counter
 * of the tracer thread (the engine runs there) between the 20,000th and the 90,000th getppid of a
 * loop (140,000 stops); the bound allows a few stray objects, not one per stop. The same with the
 * real passive tracer recording every syscall (its ring, its statistics, the paths and buffers it
 * copies from memory), measured by a second engine on the same stops.
 */
class Machine_AllocationTest extends MachineFixture {
    /**
     * The bound on each workload's run: hundreds of thousands of stops take 7 to 17 s here on a
     * quiet machine, so the fixture's usual 20 s ran out under load (a watchdog, not a speed check).
     */
    private static final java.time.Duration LONG_RUN = java.time.Duration.ofMinutes(2);

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
        assertEquals(WaitStatus.exited(0), waitExit(pid, LONG_RUN));
        assertEquals(100_000, calls[0], "the loop's getppid calls");
        long bytes = marks[1] - marks[0];
        assertTrue(bytes < 140_000 * 0.05, "allocated " + bytes + " bytes over 140,000 stops (" + bytes / 140_000.0
                + " a stop)");
    }

    /** An engine that allocates nothing: it notes the tracer thread's allocation at two counts of syscall {@code nr}. */
    private static final class Marks implements EngineOps {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long nr;
        final int first;
        final int last;
        final long[] at = new long[2];
        int calls;

        Marks(long nr, int first, int last) {
            this.nr = nr;
            this.first = first;
            this.last = last;
        }

        @Override
        public int reportSyscallEntry(int action, Engine engine, Task task) {
            if (task.register(Reg.ORIG_RAX) == nr) {
                int n = ++calls;
                if (n == first) at[0] = threads.getCurrentThreadAllocatedBytes();
                else if (n == last) at[1] = threads.getCurrentThreadAllocatedBytes();
            }
            return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
        }

        long bytes() {
            return at[1] - at[0];
        }
    }

    @Test
    @DisplayName("steady state with the passive tracer: under 0.05 bytes per stop on getppid (nothing copied)")
    void passiveTracerGetppid() {
        assumeTrue(machine.hooksOnTracer(), "with hook threads each stop has a record of its own");
        UtraceFacade facade = core.facade("passive");
        PassiveTracerImpl passive = new PassiveTracerImpl(facade, machine, Map.of());
        try {
            int pid = spawnStopped("getppid_loop", "100000");
            passive.trace(pid, Set.of(Kind.SYSCALLS, Kind.EXIT), false);
            Marks marks = new Marks(SYS_GETPPID, 20_000, 90_000);
            attach(task(pid), marks, Event.SYSCALL_ENTRY.bit());
            cont(pid);
            assertEquals(WaitStatus.exited(0), waitExit(pid, LONG_RUN));
            assertEquals(100_000, marks.calls, "the loop's getppid calls");
            await("the passive tracer counted them", () -> passive.stats(pid).syscalls().stream()
                    .anyMatch(r -> r.name().equals("getppid") && r.calls() == 100_000));
            long bytes = marks.bytes();
            assertTrue(bytes < 140_000 * 0.05, "allocated " + bytes + " bytes over 140,000 stops (" + bytes / 140_000.0
                    + " a stop)");
        } finally {
            facade.revoke();
        }
    }

    @Test
    @DisplayName("steady state with the passive tracer copying paths and buffers: under 0.05 bytes per stop on open/read/close")
    void passiveTracerCopies() throws Exception {
        assumeTrue(machine.hooksOnTracer(), "with hook threads each stop has a record of its own");
        Path file = Files.createTempFile("orc", ".txt");
        Files.writeString(file, "seventeen bytes!\n");
        UtraceFacade facade = core.facade("passive");
        PassiveTracerImpl passive = new PassiveTracerImpl(facade, machine, Map.of());
        try {
            int pid = spawnStopped("orc_loop", file.toString(), "60000");
            passive.trace(pid, Set.of(Kind.SYSCALLS, Kind.EXIT), false);
            // After 30,000 iterations (180,000 stops: everything compiled), 25,000 iterations, 3 syscalls each: 150,000 stops
            Marks marks = new Marks(3 /* close */, 30_000, 55_000);
            attach(task(pid), marks, Event.SYSCALL_ENTRY.bit());
            cont(pid);
            assertEquals(WaitStatus.exited(0), waitExit(pid, LONG_RUN));
            assertTrue(marks.calls >= 60_000, "the loop's close calls: " + marks.calls);
            await("the passive tracer recorded the exit", () -> passive.log(pid, 10).stream().anyMatch(e -> e.kind() == Kind.EXIT));
            List<TraceEvent> log = passive.log(pid, 10);
            TraceEvent open = log.stream().filter(e -> e.name().equals("openat")).reduce((a, b) -> b).orElseThrow();
            TraceEvent read = log.stream().filter(e -> e.name().equals("read")).reduce((a, b) -> b).orElseThrow();
            assertEquals(file.toString(), new String(((Copied.Bytes) open.copied(1)).data(), StandardCharsets.UTF_8),
                    "the path copied from memory");
            assertEquals("seventeen bytes!\n", new String(((Copied.Bytes) read.copied(1)).data(), StandardCharsets.UTF_8),
                    "the buffer copied at the read's exit");
            long bytes = marks.bytes();
            assertTrue(bytes < 150_000 * 0.05, "allocated " + bytes + " bytes over 150,000 stops (" + bytes / 150_000.0
                    + " a stop)");
        } finally {
            facade.revoke();
            Files.deleteIfExists(file);
        }
    }
}
