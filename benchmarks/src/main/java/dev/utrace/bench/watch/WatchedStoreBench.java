package dev.utrace.bench.watch;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.Watchpoint;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.impl.UtraceCore;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.sim.internal.SimKernel;
import dev.utrace.spi.TraceHooks;
import dev.utrace.watchpoint.Scope;
import dev.utrace.watchpoint.WatchInfo;
import dev.utrace.watchpoint.internal.WatchpointsImpl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What hardware watchpoints cost a running program. One program, {@value #PROGRAM}, maps a page
 * at {@link #PAGE} and stores {@value #STORES} times to the 8-byte word at {@link #WORD} in a
 * two-instruction loop ({@code store8}, {@code loop}), then exits 0. Each invocation spawns it
 * held before its first instruction, prepares the scenario, lets it run with SIGCONT and waits
 * for its exit; the score is ns per store (the whole invocation, spawn and exit included, over
 * {@value #STORES}).
 *
 * <ul>
 * <li>{@link #unwatched}: no slot armed, no engine attached (the floor).
 * <li>{@link #armedElsewhere}: one slot armed on the thread, directly through the machine's
 *     {@code DebugSlots.install}, on the next word of the page ({@link #ELSEWHERE}): every
 *     store goes through the armed-slot check and misses.
 * <li>{@link #watchedHit}: the watchpoint engine ({@link WatchpointsImpl} over the core) watches
 *     {@link #WORD} on the thread ({@link Scope#THREAD}, no stop on hit): every store traps, the
 *     machine records the hit and raises SIGTRAP, the core reports the signal to the engine,
 *     which takes its hit, records it and consumes the SIGTRAP.
 * <li>{@link #nopLoop}, for reference: the same program with {@code nop} in place of the
 *     store ({@value #NOP_PROGRAM}), so the same instruction count and time-slice pauses
 *     without the memory access; {@code unwatched - nopLoop} is what the store itself costs.
 * </ul>
 *
 * <p>The machine, core and engine are wired as the engine's tests wire them, without OSGi: one
 * machine, one core as its hooks, one engine, for all three scenarios. Every invocation checks
 * that the program exited 0 (an unconsumed SIGTRAP would kill it) and, for {@link #watchedHit},
 * that the watch recorded exactly {@value #STORES} hits; for {@link #armedElsewhere}, none.
 *
 * <p>The time includes the machine's time-slice pause, the same in all three: a task parks
 * for a microsecond every 1,024 instructions (512 stores here), and a virtual thread's timed
 * park takes tens of microseconds on Linux.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(1)
public class WatchedStoreBench {
    static final int STORES = 10_000;
    static final String PROGRAM = "storeloop";
    static final String NOP_PROGRAM = "noploop";
    static final long PAGE = 0x1000_0000L;
    /** The word every store writes. */
    static final long WORD = PAGE + 8;
    /** The next word of the page, which no store touches. */
    static final long ELSEWHERE = PAGE + 16;

    private Path programs;
    private SimKernel machine;
    private UtraceCore core;
    private WatchpointsImpl watch;
    private final Object owner = new Object() {
        @Override
        public String toString() {
            return "WatchedStoreBench";
        }
    };

    @Setup
    public void setup() throws IOException {
        programs = Files.createTempDirectory("watched-store-bench");
        writeProgram(PROGRAM, "store8 " + WORD + ", rbx");
        writeProgram(NOP_PROGRAM, "nop");
        machine = new SimKernel(TraceHooks.NONE, programs);
        core = new UtraceCore(machine);
        machine.setHooks(core.hooks());
        watch = new WatchpointsImpl(core.facade("watched-store-bench"), machine);
    }

    @TearDown
    public void tearDown() throws IOException {
        watch.deactivate();
        machine.close();
        Files.deleteIfExists(programs.resolve(PROGRAM + ".prog"));
        Files.deleteIfExists(programs.resolve(NOP_PROGRAM + ".prog"));
        Files.deleteIfExists(programs);
    }

    /** Maps the page, then runs {@code body} and {@code loop} as many times as its first argument says, then exits 0. */
    private void writeProgram(String name, String body) throws IOException {
        Files.writeString(programs.resolve(name + ".prog"), String.join("\n",
                "# Runs '" + body + "' its first argument's count of times, then exits 0.",
                "    mov rbx, rdi", // mmap's arguments overwrite rdi
                "    mmap " + PAGE + ", 4096",
                "next:",
                "    " + body,
                "    loop rbx, next",
                "    exit 0",
                ""));
    }

    @Benchmark
    @OperationsPerInvocation(STORES)
    public int nopLoop() throws InterruptedException {
        int pid = spawnHeld(NOP_PROGRAM);
        machine.kill(pid, Signals.SIGCONT);
        return exitedZero(pid);
    }

    @Benchmark
    @OperationsPerInvocation(STORES)
    public int unwatched() throws InterruptedException {
        int pid = spawnHeld(PROGRAM);
        machine.kill(pid, Signals.SIGCONT);
        return exitedZero(pid);
    }

    @Benchmark
    @OperationsPerInvocation(STORES)
    public int armedElsewhere() throws InterruptedException {
        int pid = spawnHeld(PROGRAM);
        Task task = machine.findTask(pid);
        Watchpoint claim = machine.install(task, owner, ELSEWHERE, 8, Access.WRITE);
        if (!claim.armed()) throw new IllegalStateException(claim + " is not armed");
        machine.kill(pid, Signals.SIGCONT);
        int status = exitedZero(pid);
        if (!machine.remove(claim)) throw new IllegalStateException(claim + " was removed by someone else");
        int hits = machine.takeHits(task, owner).size();
        if (hits != 0) throw new IllegalStateException(hits + " hits on a word no store touches");
        return status;
    }

    @Benchmark
    @OperationsPerInvocation(STORES)
    public int watchedHit() throws InterruptedException {
        int pid = spawnHeld(PROGRAM);
        int id = watch.add(pid, WORD, 8, Access.WRITE, Scope.THREAD, false).id();
        machine.kill(pid, Signals.SIGCONT);
        int status = exitedZero(pid);
        long hits = watch.list().stream().filter(w -> w.id() == id).mapToLong(WatchInfo::hits).sum();
        if (hits != STORES) throw new IllegalStateException("watch " + id + " recorded " + hits + " hits, not " + STORES);
        return status;
    }

    /** Spawns {@code program} held in a job-control stop before its first instruction. */
    private int spawnHeld(String program) {
        int pid = machine.spawn(program, List.of(Integer.toString(STORES)), true);
        while (machine.info(pid).state() != TaskState.STOPPED) Thread.yield();
        return pid;
    }

    private int exitedZero(int pid) throws InterruptedException {
        WaitStatus s = machine.waitExit(pid, Duration.ofMinutes(1))
                .orElseThrow(() -> new IllegalStateException("process " + pid + " did not end within a minute"));
        if (!s.isExited() || s.exitCode() != 0) throw new IllegalStateException("process " + pid + " ended " + s);
        return s.word();
    }
}
