package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.utrace.api.hw.Access;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.impl.UtraceFacade;
import dev.utrace.passive.Kind;
import dev.utrace.passive.TraceEvent;
import dev.utrace.passive.TraceInfo;
import dev.utrace.passive.internal.PassiveTracerImpl;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.WaitResult;
import dev.utrace.ptrace.internal.PtraceService;
import dev.utrace.watchpoint.Hit;
import dev.utrace.watchpoint.Scope;
import dev.utrace.watchpoint.WatchInfo;
import dev.utrace.watchpoint.internal.WatchpointsImpl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the project exists for, on one real process (the README's showcase): the passive tracer
 * logs it, a watch sees every write of one of its variables, and a ptrace session (a debugger)
 * stops it; each engine sees its own events, the debugger's stop holds the whole process while
 * the passive tracer lets it go, and a second real tracer ({@code strace -p}) is refused by Linux,
 * one tracer per thread, while this machine runs all three.
 */
class Coexistence_OnRealProcessTest extends MachineFixture {
    /** The workload's period: short, so the test sees many ticks, long enough that a stop is a clear gap. */
    private static final String TICK_MS = "20";
    private static final Pattern ADDRESS = Pattern.compile("&ticks = 0x(\\p{XDigit}+)");
    private static final int SYS_CLOCK_NANOSLEEP = 230;
    private static final Pattern TICK = Pattern.compile("tick (\\d+)");

    private UtraceFacade passiveFacade;
    private PassiveTracerImpl passive;
    private WatchpointsImpl watch;
    private PtraceService ptrace;

    @BeforeEach
    void engines() {
        passiveFacade = core.facade("passive");
        passive = new PassiveTracerImpl(passiveFacade, machine, Map.of());
        watch = new WatchpointsImpl(core.facade("watch"), machine);
        ptrace = new PtraceService(core.facade("ptrace"), machine, machine);
    }

    @AfterEach
    void unloadEngines() {
        ptrace.deactivate();
        watch.deactivate();
        passiveFacade.revoke(); // as when its bundle stops
    }

    /** The ticker running, traced by the passive tracer and watched on {@code ticks}; its counter's address. */
    private long tickerWithTracerAndWatch(int pid) {
        String first = console(pid, "tick 1\n");
        Matcher m = ADDRESS.matcher(first);
        assertTrue(m.find(), first);
        long ticks = Long.parseUnsignedLong(m.group(1), 16);
        passive.trace(pid, Set.of(Kind.SYSCALLS), false);
        WatchInfo w = watch.add(pid, ticks, 8, Access.WRITE, Scope.THREAD, false);
        await("the watch sees writes of ticks", () -> hits(w.id()) >= 3);
        await("the passive tracer sees the ticker's writes", () -> writes(pid) >= 3);
        return ticks;
    }

    @Test
    @DisplayName("passive tracer, watchpoint and debugger on one real process: each sees its own events, the debugger's stop holds it")
    void threeEnginesOnOneProcess() throws Exception {
        int pid = spawn("ticker", TICK_MS);
        long ticks = tickerWithTracerAndWatch(pid);
        int watchId = watch.list().getFirst().id();
        try (PtraceSession debugger = ptrace.open("debugger")) {
            debugger.seize(pid, PtraceOptions.TRACESYSGOOD);
            debugger.interrupt(pid);
            WaitResult stop = next(debugger, pid);
            assertEquals(WaitResult.Kind.EVENT_STOP, stop.kind(), stop.describe());
            toSleepEntry(debugger, pid); // "tick N" written, ticks == N

            // The debugger's stop holds the process: no tick, no write, no hit, while the passive
            // tracer (which never stops anything) and the watch stay attached.
            assertEquals(TaskState.TRACED, machine.info(pid).state());
            long heldValue = debugger.peek(pid, ticks);
            String heldConsole = console(pid, "tick " + heldValue + "\n"); // the pipe is read as it comes
            assertTrue(heldConsole.endsWith("\ntick " + heldValue + "\n"), "the value held is the last one printed: " + heldConsole);
            long heldHits = hits(watchId);
            long heldRecorded = recorded(pid);
            Thread.sleep(10 * Long.parseLong(TICK_MS)); // ten periods: a running ticker would have ticked
            assertEquals(heldValue, debugger.peek(pid, ticks), "ticks did not move while held");
            assertEquals(heldConsole, machine.console(pid), "nothing printed while held");
            assertEquals(heldHits, hits(watchId), "no write to watch while held");
            assertEquals(heldRecorded, recorded(pid), "no syscall while held");

            // The debugger writes the variable; the program goes on from there, and the watch sees
            // the program's next write (a ptrace poke is not a write by the program).
            debugger.poke(pid, ticks, 1000);
            debugger.cont(pid, 0);
            String after = console(pid, "tick 1003\n");
            assertTrue(after.contains("tick " + heldValue + "\ntick 1001\ntick 1002\n"), after);
            await("the watch sees 1001 to 1003", () -> newValues(watchId).containsAll(List.of(1001L, 1002L, 1003L)));
            List<Long> values = newValues(watchId);
            int i = values.indexOf(1001L);
            assertEquals(heldValue, (long) values.get(i - 1), "the last write the watch saw before the stop: " + values);
            for (int k = 1; k < i; k++) assertEquals(values.get(k - 1) + 1, (long) values.get(k), "one hit per write: " + values);
            for (int k = i + 1; k < values.size(); k++) assertEquals(values.get(k - 1) + 1, (long) values.get(k), "one hit per write: " + values);
            assertTrue(watch.hits(watchId, Integer.MAX_VALUE).stream().allMatch(h -> h.tid() == pid && h.write() && h.address() == ticks));

            // Each sees its own events: the watch's traps never stop the debugger (it waits in
            // vain), the passive tracer records the program's writes of "tick N", and the program
            // never sees a SIGTRAP.
            assertEquals(Optional.empty(), debugger.wait(pid, PtraceSession.WNOHANG), "the watch's SIGTRAPs are not the debugger's");
            List<TraceEvent> log = passive.log(pid, 1000);
            assertTrue(log.stream().anyMatch(e -> e.name().equals("write") && e.finished() && e.result() == "tick 1002\n".length()),
                    log::toString);
            assertTrue(log.stream().anyMatch(e -> e.name().equals("clock_nanosleep")), log::toString);

            // Stop it again for the debugger, let it go; the watch and the trace end; it runs on.
            debugger.interrupt(pid);
            assertEquals(WaitResult.Kind.EVENT_STOP, next(debugger, pid).kind());
            long last = debugger.peek(pid, ticks);
            debugger.detach(pid, 0);
            watch.remove(watchId);
            passive.untrace(pid);
            String next = "tick " + (last + 3) + "\n";
            String ran = console(pid, next);
            assertTrue(ran.contains("tick " + last + "\ntick " + (last + 1) + "\n"), ran);
        }
        await("no engine left on the ticker", () -> utrace.engines(task(pid)).isEmpty());
        machine.kill(pid, Signals.SIGTERM);
        assertEquals(WaitStatus.signaled(Signals.SIGTERM, false), waitExit(pid), "ended by our SIGTERM, not by a SIGTRAP");
        assertTicksInOrder(machine.console(pid));
    }

    @Test
    @DisplayName("a second real tracer, strace -p, is refused by Linux (EPERM) while this machine runs three engines on the process")
    void straceIsRefused() throws Exception {
        Path strace = Path.of("/usr/bin/strace");
        assumeTrue(Files.isExecutable(strace), "strace is not installed (apt-get install strace)");
        int pid = spawn("ticker", TICK_MS);
        tickerWithTracerAndWatch(pid);
        try (PtraceSession debugger = ptrace.open("debugger")) {
            debugger.seize(pid, 0);
            assertNotEquals("TracerPid:\t0", tracerPidLine(pid), "the machine's tracer thread traces it");

            Process p = new ProcessBuilder(strace.toString(), "-p", Integer.toString(pid))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true).start();
            boolean ended = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!ended) p.destroyForcibly().waitFor();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(ended, "strace -p attached and ran: " + out);
            assertNotEquals(0, p.exitValue(), out);
            assertTrue(out.contains("ptrace(PTRACE_SEIZE, " + pid + "): Operation not permitted"), out);

            // The three engines are still there and working.
            int hitsBefore = watch.hits(10_000).size();
            long recordedBefore = recorded(pid);
            await("the watch and the tracer go on", () -> watch.hits(10_000).size() > hitsBefore && recorded(pid) > recordedBefore);
            debugger.interrupt(pid);
            assertEquals(WaitResult.Kind.EVENT_STOP, next(debugger, pid).kind());
            debugger.detach(pid, 0);
        }
        machine.kill(pid, Signals.SIGTERM);
        assertEquals(WaitStatus.signaled(Signals.SIGTERM, false), waitExit(pid));
        assertTicksInOrder(machine.console(pid));
    }

    private long hits(int watchId) {
        return watch.list().stream().filter(w -> w.id() == watchId).findFirst().orElseThrow().hits();
    }

    private List<Long> newValues(int watchId) {
        return watch.hits(watchId, Integer.MAX_VALUE).stream().map(Hit::newValue).toList();
    }

    private long recorded(int pid) {
        return passive.list().stream().filter(t -> t.tid() == pid).findFirst().map(TraceInfo::recorded).orElseThrow();
    }

    private long writes(int pid) {
        return passive.log(pid, 1000).stream().filter(e -> e.name().equals("write") && e.finished()).count();
    }

    /**
     * Runs the stopped tracee from syscall stop to syscall stop until the entry of its
     * clock_nanosleep: its loop's write is done then, so the counter is the last number printed.
     */
    private static void toSleepEntry(PtraceSession debugger, int pid) throws InterruptedException {
        while (true) {
            debugger.syscall(pid, 0);
            WaitResult r = next(debugger, pid);
            assertEquals(WaitResult.Kind.SYSCALL_STOP, r.kind(), r.describe());
            long[] regs = debugger.getRegs(pid);
            if (regs[Reg.ORIG_RAX.ordinal()] == SYS_CLOCK_NANOSLEEP && regs[Reg.RAX.ordinal()] == -38) return; // -ENOSYS: an entry
        }
    }

    /** Every line "tick N" follows the one before it (N + 1), but for the debugger's jump to 1001. */
    private static void assertTicksInOrder(String console) {
        Matcher m = TICK.matcher(console);
        long before = 0;
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            assertTrue(n == before + 1 || n == 1001, "tick " + n + " after tick " + before + ":\n" + console);
            before = n;
        }
        assertTrue(before > 1, console);
    }

    private static String procStatus(int pid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/status"));
    }

    private static String tracerPidLine(int pid) throws IOException {
        return procStatus(pid).lines().filter(l -> l.startsWith("TracerPid:")).findFirst().orElseThrow();
    }

    private static WaitResult next(PtraceSession tracer, int pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            Optional<WaitResult> r = tracer.wait(pid, PtraceSession.WNOHANG);
            if (r.isPresent()) return r.get();
            Thread.sleep(1);
        }
        throw new AssertionError("no wait report for " + pid);
    }
}
