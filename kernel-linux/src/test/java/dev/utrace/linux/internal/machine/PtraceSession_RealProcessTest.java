package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.linux.internal.sys.Wait;
import dev.utrace.linux.internal.trace.UntracedChild;
import dev.utrace.linux.internal.trace.Workloads;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.WaitResult;
import dev.utrace.ptrace.internal.PtraceService;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A ptrace session of the ptrace engine on a real process this machine did not start, as a
 * debugger uses it: adopted with its two threads, both seized, interrupted, their registers and
 * memory read, one run from syscall stop to syscall stop, the signals sent meanwhile shown to the
 * tracer and passed on, then let go: the process writes and counts what an untraced run does.
 * (Each request's conformance with the kernel is PtraceConformance_ThreeWayTest's.)
 */
class PtraceSession_RealProcessTest extends MachineFixture {
    private static final int SIGRT_1 = 35;
    private static final int LINES = 2000;
    private static final long ENOSYS = -38;
    private static final long SYS_RT_SIGRETURN = 15;
    /**
     * What busy's main thread calls in its loop: write (printf), clock_nanosleep (nanosleep), and
     * restart_syscall, the kernel's way back into the sleep the interrupt broke.
     */
    private static final Set<Long> MAIN_LOOP_SYSCALLS = Set.of(1L, 230L, 219L);

    @Test
    @DisplayName("a ptrace session on an adopted real process: seize both threads, interrupt, registers, memory, syscall stops with TRACESYSGOOD, its signals shown and passed on, detach: output and signals of an untraced run")
    void sessionOnAnAdoptedProcess() throws Exception {
        try (UntracedChild c = new UntracedChild(Workloads.path("busy"), Integer.toString(LINES), "2")) {
            guard.track(c.pid);
            try {
                traceAndLetGo(c);
            } finally {
                machine.close(); // its parent (this test) may reap it only once no tracer of this JVM has it
            }
            for (int i = 0; i < 5; i++) dev.utrace.linux.internal.sys.Signals.send(c.pid, SIGRT_1);
            assertEquals(Wait.exitedStatus(0), c.waitExit());
            String out = c.stdout();
            String lines = IntStream.rangeClosed(1, LINES).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
            assertEquals(lines + "signals 10\nend\n", out.substring(out.indexOf('\n') + 1), "every line, every signal, as untraced");
        }
    }

    private void traceAndLetGo(UntracedChild c) throws Exception {
        c.awaitOutput("line 5\n");
        machine.adopt(c.pid);
        int pid = c.pid;
        List<Integer> tids = machine.threads(task(pid)).stream().map(Task::tid).sorted().toList();
        assertEquals(2, tids.size(), "busy runs two threads: " + tids);
        int helper = tids.get(0) == pid ? tids.get(1) : tids.get(0);
        PtraceService service = new PtraceService(core.facade("ptrace"), machine, machine);
        try (PtraceSession tracer = service.open("debugger")) {
            for (int tid : tids) tracer.seize(tid, PtraceOptions.TRACESYSGOOD);
            for (int tid : tids) {
                tracer.interrupt(tid);
                WaitResult r = next(tracer, tid);
                assertEquals(WaitResult.Kind.EVENT_STOP, r.kind(), r.describe());
                assertEquals(List.of(Signals.SIGTRAP, 0x8005), List.of(tracer.getSigInfo(tid).signo, tracer.getSigInfo(tid).code));
            }
            // Both held: the watched counter, written once a line, stays put.
            long watched = Long.decode(c.stdoutSoFar().lines().findFirst().orElseThrow().substring("watched ".length()));
            long line = tracer.peek(pid, watched);
            assertTrue(line >= 5 && line <= LINES, "the line being written: " + line);
            assertEquals(line, tracer.peek(helper, watched), "one address space");
            assertEquals(line, tracer.peek(pid, watched));
            assertTrue(tracer.getRegs(helper)[Reg.RIP.ordinal()] != 0);

            // The main thread from syscall stop to syscall stop: entries with -ENOSYS, exits with a result.
            for (int i = 0; i < 4; i++) {
                tracer.syscall(pid, 0);
                WaitResult entry = next(tracer, pid);
                assertEquals(WaitResult.Kind.SYSCALL_STOP, entry.kind(), entry.describe());
                long[] regs = tracer.getRegs(pid);
                assertTrue(MAIN_LOOP_SYSCALLS.contains(regs[Reg.ORIG_RAX.ordinal()]) && regs[Reg.RAX.ordinal()] == ENOSYS,
                        "an entry of the main loop: orig_rax " + regs[Reg.ORIG_RAX.ordinal()] + " rax " + regs[Reg.RAX.ordinal()]);
                tracer.syscall(pid, 0);
                WaitResult exit = next(tracer, pid);
                assertEquals(WaitResult.Kind.SYSCALL_STOP, exit.kind(), exit.describe());
                assertEquals(regs[Reg.ORIG_RAX.ordinal()], tracer.getRegs(pid)[Reg.ORIG_RAX.ordinal()], "its exit");
            }
            for (int tid : tids) tracer.cont(tid, 0);

            // Signals to the process: each shown to the tracer in the thread that takes it, then
            // passed on; that thread runs the handler and its rt_sigreturn is the next syscall stop.
            for (int i = 0; i < 5; i++) dev.utrace.linux.internal.sys.Signals.send(pid, SIGRT_1);
            Set<Integer> takers = new TreeSet<>();
            for (int seen = 0; seen < 5; seen++) {
                WaitResult stop = next(tracer, -1);
                assertEquals(WaitResult.Kind.SIGNAL_STOP, stop.kind(), stop.describe());
                assertEquals(SIGRT_1, stop.signal(), stop.describe());
                int taker = stop.pid();
                SignalInfo si = tracer.getSigInfo(taker);
                assertEquals(List.of(SIGRT_1, Signals.SI_USER), List.of(si.signo, si.code), "sent with kill(2)");
                takers.add(taker);
                tracer.syscall(taker, SIGRT_1);
                WaitResult back = next(tracer, taker);
                assertEquals(WaitResult.Kind.SYSCALL_STOP, back.kind(), back.describe());
                assertEquals(SYS_RT_SIGRETURN, tracer.getRegs(taker)[Reg.ORIG_RAX.ordinal()], "the handler ran and returns");
                tracer.cont(taker, 0);
            }
            assertTrue(tids.containsAll(takers), "taken by its threads: " + takers);

            // Let go: each stopped, then detached.
            for (int tid : tids) {
                tracer.interrupt(tid);
                WaitResult r = next(tracer, tid);
                assertEquals(WaitResult.Kind.EVENT_STOP, r.kind(), r.describe());
                tracer.detach(tid, 0);
            }
            assertEquals(List.of(), tracer.tracees());
        } finally {
            service.deactivate();
        }
    }

    private static WaitResult next(PtraceSession tracer, int pid) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<WaitResult> r = tracer.wait(pid, PtraceSession.WNOHANG);
            if (r.isPresent()) return r.get();
            Thread.sleep(1);
        }
        throw new AssertionError("no wait report for " + pid);
    }
}
