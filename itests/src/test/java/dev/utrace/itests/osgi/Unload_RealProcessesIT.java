package dev.utrace.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.options;

import dev.utrace.api.EngineInfo;
import dev.utrace.api.EngineState;
import dev.utrace.api.Utrace;
import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.proc.Processes;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.passive.PassiveTracer;
import dev.utrace.passive.TraceInfo;
import dev.utrace.ptrace.Ptrace;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.WaitResult;
import dev.utrace.spi.Machine;
import dev.utrace.watchpoint.Hit;
import dev.utrace.watchpoint.Scope;
import dev.utrace.watchpoint.WatchInfo;
import dev.utrace.watchpoint.Watchpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Unload on real processes (issue 15): in a real Felix with the Linux machine instead of the
 * simulated one, each engine's jar is dropped into the folder FileInstall watches, the engine
 * traces real multithreaded programs (kernel-linux's {@code gated} workload, adopted while it
 * runs), and the jar is deleted. Then: {@code release} ran once per engine; no engine of the
 * bundle is left on any thread and what it records stops growing while the programs run on (no
 * callback afterwards); every thread it held stopped runs on; no debug slot is left claimed, and
 * none armed in the hardware: once the machine's bundle is stopped too, the programs run on
 * untraced, still writing the variable that was watched, and a slot left armed would kill them
 * with SIGTRAP. Each program then ends normally with output identical to an untraced run of it,
 * every SIGRTMIN+1 sent counted once (none lost, none extra).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethodPortableFailures.class)
public class Unload_RealProcessesIT {
    private static final String LINUX_BSN = "dev.utrace.kernel-linux";
    private static final int PROGRAMS = 3;
    private static final String THREADS = "3";
    private static final String LINES = "20";
    private static final String PERIOD_MS = "5";
    /** SIGRTMIN+1 sent to each program while the engine traces it, and again after the unload. */
    private static final int SIGNALS = 5;
    /** glibc's SIGRTMIN+1 (its SIGRTMIN is 34: it keeps 32 and 33 for itself), as kill -s RTMIN+1 and the workload mean it. */
    private static final int SIGRTMIN_1 = 35;
    /** DR7 for slot 0: enabled (L0), on writes (R/W 01), 8 bytes (LEN 10). */
    private static final long DR7_WRITE_8_SLOT_0 = 1 | (1L << 16) | (2L << 18);

    @Inject
    BundleContext context;
    @Inject
    Processes linux;
    @Inject
    Machine machine;
    @Inject
    Utrace utrace;
    @Inject
    DebugSlots slots;

    private Path work;
    /** What the engine had in hand before the unload, for a failure's message. */
    private String before = "";
    private Path program;
    private final List<RealPrograms.Run> runs = new ArrayList<>();

    @Configuration
    public Option[] config() {
        Path deploy;
        try {
            deploy = Files.createDirectories(Files.createTempDirectory("utrace-itest").resolve("deploy"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The engines' jars are not provisioned: each test drops its engine into the deploy folder.
        return options(UtraceOptions.core(), UtraceOptions.linuxMachine(), UtraceOptions.shell(),
                UtraceOptions.hotDeploy(deploy, 100), UtraceOptions.libraries(), UtraceOptions.junit(), cleanCaches());
    }

    @Test
    public void passiveTracerUnloadedWhileTracingRealThreads() throws Exception {
        String bsn = "dev.utrace.engine-passive";
        try {
            String untraced = setUp();
            Path jar = deployFolder().resolve("engine-passive.jar");
            PassiveTracer tracer = deploy(jar, bsn, "bundle.engine-passive", "dev.utrace.passive.PassiveTracer");
            List<Integer> tids = allThreads();
            for (int tid : tids) assertTrue(tracer.trace(tid, null, false).active());
            for (int tid : tids) {
                Tally.await("the trace of " + tid + " records syscalls", () -> recorded(tracer, tid) > 5);
            }
            assertOneAttachedEngineEach(bsn, tids);
            sendSignals();
            assertEquals("no release while the traces live", 0, tracer.released());

            unload(jar, tracer);
            assertEquals("release ran once per engine", tids.size(), tracer.released());
            assertTrue("every trace ended", tracer.list().stream().noneMatch(TraceInfo::active));
            assertNoCallbackAfter(bsn, tids, () -> tids.stream().map(tid -> recorded(tracer, tid)).toList());
            assertEquals("still once per engine", tids.size(), tracer.released());

            finishUntraced(untraced);
        } finally {
            endRuns();
        }
    }

    @Test
    public void watchpointEngineUnloadedWithWatchesArmedAndAThreadHeldOnAHit() throws Exception {
        String bsn = "dev.utrace.engine-watchpoint";
        try {
            String untraced = setUp();
            Path jar = deployFolder().resolve("engine-watchpoint.jar");
            Watchpoints watch = deploy(jar, bsn, "bundle.engine-watchpoint", "dev.utrace.watchpoint.Watchpoints");
            // The first program's main thread watched alone; every thread of the second; the
            // third's main thread held stopped at its first hit. Added while the programs run
            // (and hit): an add installs its claim outside the engine's lock, which a hit's
            // callback on the tracer thread takes (c266820).
            List<WatchInfo> watches = List.of(
                    watch.add(traced().get(0).pid(), shared(traced().get(0)), 8, Access.WRITE, Scope.THREAD, false),
                    watch.add(traced().get(1).pid(), shared(traced().get(1)), 8, Access.WRITE, Scope.PROCESS, false),
                    watch.add(traced().get(2).pid(), shared(traced().get(2)), 8, Access.WRITE, Scope.THREAD, true));
            Set<Integer> everyThreadOfTheSecond = Set.copyOf(traced().get(1).threads());
            Tally.await("every thread of " + traced().get(1).pid() + " hits", () -> watch.hits(watches.get(1).id(), 256).stream()
                    .map(Hit::tid).collect(Collectors.toSet()).equals(everyThreadOfTheSecond));
            Tally.await("the first program's main thread hits", () -> !watch.hits(watches.get(0).id(), 1).isEmpty());
            int held = traced().get(2).pid();
            Tally.await("the third program's main thread is held on its hit", () -> linux.info(held).state() == TaskState.TRACED
                    && watch.list().stream().anyMatch(w -> w.stopped().contains(held)));
            List<Integer> watched = new ArrayList<>(List.of(traced().get(0).pid(), held));
            watched.addAll(everyThreadOfTheSecond);
            assertOneAttachedEngineEach(bsn, watched);
            for (int tid : watched) assertEquals("a slot of thread " + tid + " in use", 1, slots.slots(task(tid)).size());
            sendSignals();
            assertEquals("no release while the watches live", 0, watch.released());

            unload(jar, watch);
            assertEquals("release ran once per engine, one per watched thread", watched.size(), watch.released());
            assertTrue("every watch ended", watch.list().stream().noneMatch(WatchInfo::active));
            for (int tid : allThreads()) assertEquals("no slot of thread " + tid + " claimed", List.of(), slots.slots(task(tid)));
            Tally.await("the thread held on a hit runs on", () -> state(held) != TaskState.TRACED);
            assertNoCallbackAfter(bsn, watched, () -> watches.stream().map(w -> watch.hits(w.id(), 256).size()).toList());
            assertEquals("still once per engine", watched.size(), watch.released());

            finishUntraced(untraced);
        } finally {
            endRuns();
        }
    }

    @Test
    public void ptraceEngineUnloadedWithTraceesHeldInEveryKindOfStop() throws Exception {
        String bsn = "dev.utrace.engine-ptrace";
        try {
            String untraced = setUp();
            Path jar = deployFolder().resolve("engine-ptrace.jar");
            Ptrace ptrace = deploy(jar, bsn, "bundle.engine-ptrace", "dev.utrace.ptrace.Ptrace");
            AtomicLong releases = releaseCounter(ptrace);
            PtraceSession debugger = ptrace.open("itest-debugger");
            List<Integer> tracees = new ArrayList<>();
            // Every thread of the first program seized: its main thread held at a syscall stop,
            // a helper in the stop of PTRACE_INTERRUPT, the other running.
            List<Integer> first = traced().get(0).threads();
            for (int tid : first) seize(debugger, tid, tracees);
            debugger.interrupt(first.get(0));
            assertEquals(WaitResult.Kind.EVENT_STOP, next(debugger, first.get(0)).kind());
            debugger.syscall(first.get(0), 0);
            assertEquals(WaitResult.Kind.SYSCALL_STOP, next(debugger, first.get(0)).kind());
            debugger.interrupt(first.get(1));
            assertEquals(WaitResult.Kind.EVENT_STOP, next(debugger, first.get(1)).kind());
            // Every thread of the second seized: each signal it is sent holds the thread it goes to
            // in a signal-delivery stop, which the debugger never resumes.
            for (int tid : traced().get(1).threads()) seize(debugger, tid, tracees);
            // The third: its main thread held on a SIGTRAP of the debugger's own watchpoint (DR7 set
            // with PTRACE_POKEUSER) on the shared variable; a helper held after a single step.
            int main = traced().get(2).pid();
            int helper = traced().get(2).threads().get(1);
            seize(debugger, main, tracees);
            seize(debugger, helper, tracees);
            debugger.interrupt(main);
            assertEquals(WaitResult.Kind.EVENT_STOP, next(debugger, main).kind());
            debugger.pokeUser(main, Reg.DR0.userOffset(), shared(traced().get(2)));
            debugger.pokeUser(main, Reg.DR7.userOffset(), DR7_WRITE_8_SLOT_0);
            debugger.cont(main, 0);
            WaitResult trap = next(debugger, main);
            assertEquals(trap.describe(), WaitResult.Kind.SIGNAL_STOP, trap.kind());
            assertEquals(trap.describe(), Signals.SIGTRAP, trap.signal());
            assertEquals("one slot of the main thread claimed by the debugger", 1, slots.slots(task(main)).size());
            debugger.interrupt(helper);
            assertEquals(WaitResult.Kind.EVENT_STOP, next(debugger, helper).kind());
            debugger.singlestep(helper, 0);
            WaitResult step = next(debugger, helper);
            assertEquals(step.describe(), Signals.SIGTRAP, step.signal());

            sendSignals();
            int signalled = deliveryStops(debugger, traced().get(1).threads());
            assertTrue("the second program's threads are held in signal-delivery stops", signalled > 0);
            assertOneAttachedEngineEach(bsn, tracees);
            for (int tid : List.of(first.get(0), first.get(1), main, helper)) {
                assertEquals("thread " + tid + " held", TaskState.TRACED, linux.info(tid).state());
            }
            assertEquals("no context released while traced", 0, releases.get());
            before = debugger.tracees().toString();

            unload(jar, ptrace);
            assertEquals("one release per context", tracees.size(), releases.get());
            for (int tid : tracees) {
                Tally.await("the former tracee " + tid + " runs on", () -> state(tid) != TaskState.TRACED);
            }
            for (int tid : allThreads()) assertEquals("no slot of thread " + tid + " claimed", List.of(), slots.slots(task(tid)));
            assertNoCallbackAfter(bsn, tracees, List::of);
            assertEquals("still one release per context", tracees.size(), releases.get());

            finishUntraced(untraced);
        } finally {
            endRuns();
        }
    }

    // ---- the steps every test takes ----

    /**
     * Builds the workload, runs it once untraced (its output is what the traced runs must print),
     * then starts the programs the engine will trace and adopts them onto the machine.
     */
    private String setUp() throws Exception {
        work = Files.createTempDirectory("utrace-real");
        program = RealPrograms.build("gated", work);
        RealPrograms.Run reference = start();
        for (int i = 0; i < 2 * SIGNALS; i++) RealPrograms.signal(reference.pid(), "RTMIN+1");
        RealPrograms.signal(reference.pid(), "USR2");
        assertEquals("the untraced run's exit status", 0, reference.awaitEnd());
        String untraced = masked(reference.output());
        assertTrue(untraced, untraced.endsWith("line " + LINES + "\nsignals " + 2 * SIGNALS + "\nend\n"));
        for (int i = 0; i < PROGRAMS; i++) {
            RealPrograms.Run run = start();
            linux.adopt(run.pid());
            assertEquals("every thread adopted", run.threads().size(),
                    linux.tasks().stream().filter(t -> t.tgid() == run.pid()).count());
        }
        return untraced;
    }

    private RealPrograms.Run start() throws Exception {
        RealPrograms.Run run = RealPrograms.start(program, work, LINES, THREADS, PERIOD_MS);
        runs.add(run);
        run.awaitOutput("shared 0x"); // its handlers are set, its threads started
        return run;
    }

    /** The address of the variable every thread of {@code run} writes. */
    private static long shared(RealPrograms.Run run) {
        String first = run.output().lines().findFirst().orElseThrow();
        return Long.parseUnsignedLong(first.substring("shared 0x".length()), 16);
    }

    /** The address differs run to run (ASLR); the rest of the output must not. */
    private static String masked(String output) {
        return output.replaceFirst("shared 0x\\p{XDigit}+", "shared ADDRESS");
    }

    private List<Integer> allThreads() throws IOException {
        List<Integer> tids = new ArrayList<>();
        for (RealPrograms.Run run : runs.subList(1, runs.size())) tids.addAll(run.threads());
        return tids;
    }

    private List<RealPrograms.Run> traced() {
        return runs.subList(1, runs.size());
    }

    private void sendSignals() throws Exception {
        for (RealPrograms.Run run : traced()) {
            for (int i = 0; i < SIGNALS; i++) RealPrograms.signal(run.pid(), "RTMIN+1");
        }
    }

    private Path deployFolder() {
        return Path.of(context.getProperty("felix.fileinstall.dir"));
    }

    /** Copies the built engine jar into the deploy folder and waits for its service. */
    @SuppressWarnings("unchecked")
    private <T> T deploy(Path jar, String bsn, String builtProperty, String service) throws Exception {
        Path tmp = jar.resolveSibling(jar.getFileName() + ".part");
        Files.copy(Path.of(System.getProperty(builtProperty)), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, jar, StandardCopyOption.ATOMIC_MOVE);
        // The probe imports the engine's package dynamically: touch its classes only once the
        // bundle FileInstall installs is active.
        Tally.await("FileInstall started " + bsn, () -> Arrays.stream(context.getBundles())
                .anyMatch(b -> bsn.equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE));
        ServiceTracker<Object, Object> t = new ServiceTracker<>(context, service, null);
        t.open();
        try {
            Object s = t.waitForService(20_000);
            assertNotNull(bsn + " came up from the deploy folder", s);
            return (T) s;
        } finally {
            t.close();
        }
    }

    /** Deletes the engine's jar and waits until FileInstall has uninstalled its bundle. */
    private void unload(Path jar, Object service) throws Exception {
        Bundle bundle = FrameworkUtil.getBundle(service.getClass());
        assertNotNull(bundle);
        // FileInstall's refresh after the uninstall restarts this probe (it imported the engine's
        // package), which ends its BundleContext: keep the system bundle's.
        context = context.getBundle(0).getBundleContext();
        Files.delete(jar);
        Tally.await("FileInstall uninstalled " + bundle.getSymbolicName(), () -> bundle.getState() == Bundle.UNINSTALLED);
    }

    private void assertOneAttachedEngineEach(String bsn, List<Integer> tids) {
        for (int tid : tids) {
            List<EngineInfo> mine = Tally.engines(bsn, utrace, machine, tid);
            assertEquals("one engine of " + bsn + " on thread " + tid + ": " + mine, 1, mine.size());
            assertEquals(EngineState.ATTACHED, mine.getFirst().state());
        }
    }

    /**
     * No engine of the bundle is left on any thread, and what the engine records ({@code records})
     * stays as it was while every program's threads go on running (each sleeps again and again).
     */
    private void assertNoCallbackAfter(String bsn, List<Integer> tids, Supplier<List<?>> records) throws Exception {
        Tally.assertNoEngineOf(bsn, utrace, machine, linux, tids);
        List<?> before = records.get();
        Map<Integer, Long> sleeps = new HashMap<>();
        for (RealPrograms.Run run : traced()) for (int tid : run.threads()) sleeps.put(tid, RealPrograms.sleeps(run.pid(), tid));
        for (RealPrograms.Run run : traced()) {
            for (int tid : run.threads()) {
                Tally.await("thread " + tid + " runs on", () -> {
                    try {
                        return RealPrograms.sleeps(run.pid(), tid) > sleeps.get(tid) + 10;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
        assertEquals("nothing recorded after the unload", before, records.get());
    }

    /**
     * Sends the second round of signals, stops the machine's bundle (every program let go,
     * untraced), opens each program's gate; each ends normally, printing what the untraced run did.
     */
    private void finishUntraced(String untraced) throws Exception {
        sendSignals();
        Bundle linuxMachine = Arrays.stream(context.getBundles()).filter(b -> LINUX_BSN.equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
        linuxMachine.stop();
        for (RealPrograms.Run run : traced()) {
            for (int tid : run.threads()) assertEquals("thread " + tid + " untraced", "0", RealPrograms.status(run.pid(), tid, "TracerPid"));
        }
        for (RealPrograms.Run run : traced()) {
            long before = RealPrograms.sleeps(run.pid(), run.pid());
            Tally.await("program " + run.pid() + " writes its shared variable untraced", () -> {
                try {
                    return RealPrograms.sleeps(run.pid(), run.pid()) > before + 10; // a slot left armed would have killed it
                } catch (IOException e) {
                    throw new AssertionError("program " + run.pid() + " is gone: " + run.output(), e);
                }
            });
            RealPrograms.signal(run.pid(), "USR2");
        }
        for (RealPrograms.Run run : traced()) {
            assertEquals("program " + run.pid() + " exits 0 (128+5 would be a death by SIGTRAP); it wrote: " + run.output(),
                    0, run.awaitEnd());
            assertEquals("program " + run.pid() + " (traced program " + traced().indexOf(run) + ") printed what its untraced run did;"
                    + " before the unload: " + before, untraced, masked(run.output()));
        }
    }

    /** Ends what a failed test left running, then removes the build and the output files. */
    private void endRuns() throws InterruptedException, IOException {
        for (RealPrograms.Run run : runs) run.kill();
        if (work != null) RealPrograms.delete(work);
    }

    // ---- helpers ----

    /** A thread's state; a thread gone fails the test with how each program ended. */
    private TaskState state(int tid) {
        try {
            return linux.info(tid).state();
        } catch (RuntimeException e) {
            StringBuilder how = new StringBuilder("thread " + tid + " is gone (" + e.getMessage() + "); the programs:");
            for (RealPrograms.Run run : traced()) {
                String status;
                try {
                    status = Files.readString(run.status()).strip();
                } catch (IOException unreadable) {
                    status = "?";
                }
                how.append("\n  ").append(run.pid()).append(": status '").append(status).append("', wrote ")
                        .append(run.output().replace("\n", "|"));
            }
            throw new AssertionError(how.toString()); // no cause: Pax Exam reports only the innermost one
        }
    }

    private Task task(int tid) {
        Task t = machine.findTask(tid);
        assertNotNull("thread " + tid + " is on the machine", t);
        return t;
    }

    private static long recorded(PassiveTracer tracer, int tid) {
        return tracer.list().stream().filter(t -> t.tid() == tid).findFirst().map(TraceInfo::recorded).orElse(-1L);
    }

    private static void seize(PtraceSession debugger, int tid, List<Integer> tracees) {
        debugger.seize(tid, PtraceOptions.TRACESYSGOOD);
        tracees.add(tid);
    }

    /** Waits until at least one of {@code tids} reports a signal-delivery stop; how many did. */
    private static int deliveryStops(PtraceSession debugger, List<Integer> tids) throws Exception {
        int[] stops = {0};
        Tally.await("a signal-delivery stop of " + tids, () -> {
            for (int tid : tids) {
                Optional<WaitResult> r = waitNoHang(debugger, tid);
                if (r.isPresent()) {
                    assertEquals(r.get().describe(), WaitResult.Kind.SIGNAL_STOP, r.get().kind());
                    assertEquals(r.get().describe(), SIGRTMIN_1, r.get().signal());
                    stops[0]++;
                }
            }
            return stops[0] > 0;
        });
        return stops[0];
    }

    private static WaitResult next(PtraceSession debugger, int tid) throws InterruptedException {
        AtomicReference<WaitResult> r = new AtomicReference<>();
        Tally.await("a stop of " + tid + " reported", () -> {
            waitNoHang(debugger, tid).ifPresent(r::set);
            return r.get() != null;
        });
        return r.get();
    }

    private static Optional<WaitResult> waitNoHang(PtraceSession debugger, int tid) {
        try {
            return debugger.wait(tid, PtraceSession.WNOHANG);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * The engine's count of released contexts (package-private {@code PtraceService.releases}, an
     * {@link AtomicLong}), read through reflection as {@code PtraceEngine_IT} does.
     */
    private static AtomicLong releaseCounter(Ptrace service) throws ReflectiveOperationException {
        java.lang.reflect.Field f = service.getClass().getDeclaredField("releases");
        f.setAccessible(true);
        return (AtomicLong) f.get(service);
    }
}
