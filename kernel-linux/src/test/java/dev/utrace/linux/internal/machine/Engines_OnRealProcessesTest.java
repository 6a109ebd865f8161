package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.hw.Access;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.passive.Kind;
import dev.utrace.passive.TraceEvent;
import dev.utrace.passive.internal.PassiveTracerImpl;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.WaitResult;
import dev.utrace.ptrace.internal.PtraceService;
import dev.utrace.watchpoint.Hit;
import dev.utrace.watchpoint.Scope;
import dev.utrace.watchpoint.WatchInfo;
import dev.utrace.watchpoint.internal.WatchpointsImpl;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The three engines on a real process, each through the unchanged API (wired as DS would, without
 * OSGi): the passive tracer records a program's syscalls; a ptrace session seizes one, stops it at
 * a syscall, reads and writes its registers and memory; a watch sees a program's writes through
 * a debug register. Full comparisons with strace are for a later issue.
 */
class Engines_OnRealProcessesTest extends MachineFixture {
    private static final int SYS_GETPPID = 110;

    @Test
    @DisplayName("the passive tracer traces a real program: its syscalls by name, its exit")
    void passiveTracer() {
        dev.utrace.impl.UtraceFacade facade = core.facade("passive");
        PassiveTracerImpl passive = new PassiveTracerImpl(facade, machine, Map.of());
        try {
            int pid = spawnStopped("regs");
            passive.trace(pid, Set.of(Kind.SYSCALLS, Kind.EXIT), false);
            cont(pid);
            assertEquals(WaitStatus.exited(0), waitExit(pid));
            await("the exit recorded", () -> passive.log(pid, 1000).stream().anyMatch(e -> e.kind() == Kind.EXIT));
            List<TraceEvent> log = passive.log(pid, 1000);
            List<String> names = log.stream().filter(e -> e.kind() == Kind.SYSCALLS).map(TraceEvent::name).toList();
            assertTrue(names.contains("getppid") && names.contains("write") && names.contains("exit_group"), names::toString);
            TraceEvent marker = log.stream().filter(e -> e.name().equals("getppid")).findFirst().orElseThrow();
            assertEquals(16, marker.args()[1], "the marker's second argument, sizeof buf");
            assertTrue(marker.finished());
            assertEquals("+++ exited with 0 +++", log.get(log.size() - 1).text());
            assertTrue(passive.stats(pid).toString().contains("getppid"), passive.stats(pid)::toString);
        } finally {
            facade.revoke(); // as when its bundle stops (its deactivate is for DS only)
        }
    }

    @Test
    @DisplayName("a ptrace session seizes a real program, stops at its syscall, reads and writes its registers and memory")
    void ptraceSession() throws Exception {
        PtraceService service = new PtraceService(core.facade("ptrace"), machine, machine);
        try (PtraceSession tracer = service.open("test")) {
            int pid = spawnStopped("regs");
            tracer.seize(pid, PtraceOptions.TRACESYSGOOD);
            // As on Linux: the seize re-traps it in its group stop; it listens; SIGCONT traps it, then is its own stop.
            WaitResult r = next(tracer, pid);
            assertEquals(WaitResult.Kind.GROUP_STOP, r.kind(), r.describe());
            tracer.listen(pid);
            cont(pid);
            r = next(tracer, pid);
            assertEquals(WaitResult.Kind.EVENT_STOP, r.kind(), r.describe());
            tracer.cont(pid, 0);
            r = next(tracer, pid);
            assertEquals(WaitResult.Kind.SIGNAL_STOP, r.kind(), r.describe());
            assertEquals(Signals.SIGCONT, r.signal());
            long[] regs;
            while (true) {
                tracer.syscall(pid, 0);
                r = next(tracer, pid);
                assertEquals(WaitResult.Kind.SYSCALL_STOP, r.kind(), r.describe());
                regs = tracer.getRegs(pid);
                if (regs[Reg.ORIG_RAX.ordinal()] == SYS_GETPPID && regs[Reg.RAX.ordinal()] == -38) break; // its entry
            }
            long buf = regs[Reg.RDI.ordinal()];
            assertEquals("original", text(tracer.peek(pid, buf)));
            tracer.poke(pid, buf, word("patched"));
            tracer.syscall(pid, 0);
            r = next(tracer, pid);
            assertEquals(WaitResult.Kind.SYSCALL_STOP, r.kind(), r.describe());
            regs = tracer.getRegs(pid);
            regs[Reg.RAX.ordinal()] = 4242; // the marker's return value
            tracer.setRegs(pid, regs);
            tracer.cont(pid, 0);
            r = next(tracer, pid);
            assertEquals(WaitResult.Kind.EXITED, r.kind(), r.describe());
            assertEquals("buf=patched ro=constant ret=4242\n", console(pid, "buf="));
        } finally {
            service.deactivate();
        }
    }

    @Test
    @DisplayName("a watch on a real program's variable: one hit per write, through DR0-DR3/DR7 and DR6")
    void watchpoint() {
        WatchpointsImpl watch = new WatchpointsImpl(core.facade("watch"), machine);
        try {
            int pid = spawnStopped("watch");
            AtomicLong where = new AtomicLong();
            Recorder marker = new Recorder() {
                @Override
                public int reportSyscallEntry(int action, Engine engine, Task task) {
                    if (task.register(Reg.ORIG_RAX) != SYS_GETPPID) return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
                    where.set(task.register(Reg.RDI));
                    return (action & SyscallAction.MASK) | ResumeAction.STOP.code(); // held while the watch is set
                }
            };
            LinuxTask t = task(pid);
            Engine e = attach(t, marker, Event.mask(Event.SYSCALL_ENTRY));
            cont(pid);
            await("held at its marker", () -> where.get() != 0 && t.isUtraceStopped());
            WatchInfo w = watch.add(pid, where.get() + 4, 4, Access.WRITE, Scope.THREAD, false); // s.w
            assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH));
            assertEquals(WaitStatus.exited(0), waitExit(pid));
            assertEquals("sum 5\n", console(pid, "sum"));
            List<Hit> hits = watch.hits(w.id(), 100);
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), hits.stream().map(Hit::newValue).toList(), hits::toString);
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), hits.stream().map(Hit::oldValue).toList(), hits::toString);
            assertTrue(hits.stream().allMatch(h -> h.tid() == pid && h.write() && h.address() == where.get() + 4));
        } finally {
            watch.deactivate();
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

    private static long word(String s) {
        byte[] b = java.util.Arrays.copyOf(s.getBytes(StandardCharsets.US_ASCII), 8);
        return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static String text(long word) {
        byte[] b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(word).array();
        int n = 0;
        while (n < 8 && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }
}
