package dev.utrace.ptrace.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.utrace.api.EngineInfo;
import dev.utrace.api.task.TaskState;
import dev.utrace.impl.UtraceCore;
import dev.utrace.ptrace.PtraceException;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.WaitResult;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.sim.internal.SimKernel;
import dev.utrace.spi.TraceHooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The ptrace engine over the real core on the real simulated machine, wired as DS would, without OSGi. */
abstract class PtraceFixture {
    static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);
    /** Where {@link #pageProgram}s map their page. */
    static final long PAGE = 0x1000_0000L;

    @TempDir
    Path programs;
    SimKernel sim;
    UtraceCore core;
    /** The engine bundle's own facade: revoking it is what the core does when the bundle goes. */
    dev.utrace.impl.UtraceFacade ptraceFacade;
    PtraceService ptrace;
    PtraceSession tracer;

    @BeforeEach
    void boot() {
        sim = new SimKernel(TraceHooks.NONE, programs);
        core = new UtraceCore(sim);
        sim.setStopsHeldByMachine("machine".equals(System.getProperty("sim.stops"))); // see CoreOnSimFixture
        sim.setHooks(core.hooks());
        ptraceFacade = core.facade("ptrace");
        ptrace = new PtraceService(ptraceFacade, sim, sim); // the machine's debug slots too
        tracer = ptrace.open("test");
        program("spin", """
                # Spins forever.
                again:
                    add rbx, 1
                    jmp again
                """);
    }

    @AfterEach
    void shutdown() {
        ptrace.deactivate();
        sim.close();
    }

    void program(String name, String text) {
        try {
            Files.writeString(programs.resolve(name + ".prog"), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int spawn(String program, String... args) {
        return sim.spawn(program, List.of(args));
    }

    /** The next wait report for {@code pid} (-1: any), polling WNOHANG; fails after a generous bound. */
    WaitResult next(int pid) {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (true) {
            try {
                Optional<WaitResult> r = tracer.wait(pid, PtraceSession.WNOHANG);
                if (r.isPresent()) return r.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (System.nanoTime() - deadline > 0) fail("no wait report for " + pid + "; tracees " + tracer.tracees());
            LockSupport.parkNanos(200_000);
        }
    }

    /** Nothing to report for {@code pid} right now. */
    void assertNothingReady(int pid) throws InterruptedException {
        Optional<WaitResult> r = tracer.wait(pid, PtraceSession.WNOHANG);
        if (r.isPresent()) fail("expected no report for " + pid + ", got " + r.get().describe());
    }

    static void assertStop(WaitResult r, WaitResult.Kind kind, int signal) {
        assertEquals(kind, r.kind(), r.describe());
        assertEquals(signal, r.signal(), r.describe());
    }

    static void assertErrno(String errno, Executable request) {
        PtraceException e = assertThrows(PtraceException.class, request);
        assertEquals(errno, e.errno(), e.getMessage());
    }

    void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) fail("timed out waiting for " + what + "; tasks " + sim.tasks());
            LockSupport.parkNanos(200_000);
        }
    }

    void await(java.util.function.Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) fail("timed out waiting for " + what.get() + "; tasks " + sim.tasks());
            LockSupport.parkNanos(200_000);
        }
    }

    TaskState state(int pid) {
        return sim.info(pid).state();
    }

    boolean alive(int pid) {
        return sim.tasks().stream().anyMatch(t -> t.tid() == pid);
    }

    WaitStatus exitOf(int pid) {
        try {
            return sim.waitExit(pid, Duration.ofSeconds(20))
                    .orElseThrow(() -> new AssertionError("process " + pid + " did not end: " + sim.tasks()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The ptrace engines on task {@code pid}. */
    List<EngineInfo> ptraceEngines(int pid) {
        var t = sim.findTask(pid);
        if (t == null) return List.of();
        return core.facade("probe").engines(t).stream().filter(e -> e.owner().equals("ptrace")).toList();
    }

    /**
     * Spawns {@code program} stopped, seizes it with {@code options} and lets it run: the SIGCONT
     * that does so is a signal-delivery stop for the tracer first (as on Linux), which this passes on.
     */
    int spawnSeized(String program, int options, String... args) {
        int pid = seizedAtStart(program, options, args);
        tracer.cont(pid, 0);
        return pid;
    }

    /**
     * Spawns {@code program} seized with {@code options}, held in the signal-delivery stop of the
     * SIGCONT that would let it run, before its first instruction: the place to set up what it
     * should meet (debug registers, memory) before {@code cont}. On the way, as on Linux: the
     * seize re-traps the stopped task in its group stop; it listens there; SIGCONT makes it
     * trap (PTRACE_EVENT_STOP) before the signal's own stop.
     */
    int seizedAtStart(String program, int options, String... args) {
        int pid = sim.spawn(program, List.of(args), true);
        await("stopped", () -> state(pid) == TaskState.STOPPED);
        startSeized(pid, options);
        return pid;
    }

    /** {@link #seizedAtStart} of a program already spawned stopped (engines may be attached to it first). */
    void startSeized(int pid, int options) {
        tracer.seize(pid, options);
        assertStop(next(pid), WaitResult.Kind.GROUP_STOP, dev.utrace.api.task.Signals.SIGSTOP);
        tracer.listen(pid);
        sim.kill(pid, dev.utrace.api.task.Signals.SIGCONT);
        assertStop(next(pid), WaitResult.Kind.EVENT_STOP, dev.utrace.api.task.Signals.SIGTRAP);
        tracer.cont(pid, 0);
        assertStop(next(pid), WaitResult.Kind.SIGNAL_STOP, dev.utrace.api.task.Signals.SIGCONT);
    }

    /** DR7 R/W bits: data writes; data reads and writes. */
    static final int WRITE = 1;
    static final int READ_WRITE = 3;

    /** DR7 enabling slot {@code i} (local enable) for {@code rw} (1 write, 3 read/write) of {@code length} bytes. */
    static long dr7(int i, int rw, int length) {
        long len = switch (length) {
            case 1 -> 0;
            case 2 -> 1;
            case 8 -> 2;
            default -> 3;
        };
        return (1L << (2 * i)) | ((long) rw << (16 + 4 * i)) | (len << (18 + 4 * i));
    }

    /** A program {@code name} that maps a page at {@link #PAGE} (to watch), then runs {@code body}. */
    void pageProgram(String name, String... body) {
        program(name, "    mmap " + PAGE + ", 4096\n" + String.join("\n", body) + "\n");
    }

    /** The context of tracee {@code pid} on the test tracer's list. */
    PtraceContext ctxOf(int pid) {
        return ((Session) tracer).contexts().stream().filter(c -> c.task.tid() == pid).findFirst()
                .orElseThrow(() -> new AssertionError("no context for " + pid));
    }

    /** Attaches and takes the SIGSTOP stop. */
    void attachStopped(int pid) {
        tracer.attach(pid);
        WaitResult r = next(pid);
        assertStop(r, WaitResult.Kind.SIGNAL_STOP, dev.utrace.api.task.Signals.SIGSTOP);
        // wait reports a stop once the tracee committed to it; it parks a moment later (requests wait for that).
        await("pid " + pid + " parked in its ptrace stop", () -> state(pid) == TaskState.TRACED);
    }
}
