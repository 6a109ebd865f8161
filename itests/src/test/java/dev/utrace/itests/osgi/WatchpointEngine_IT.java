package dev.utrace.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.options;

import dev.utrace.api.EngineInfo;
import dev.utrace.api.EngineState;
import dev.utrace.api.Utrace;
import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.Processes;
import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.api.proc.TaskInfo;
import dev.utrace.spi.Machine;
import dev.utrace.watchpoint.Hit;
import dev.utrace.watchpoint.Scope;
import dev.utrace.watchpoint.WatchInfo;
import dev.utrace.watchpoint.Watchpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
 * The watchpoint engine bundle in a real Felix, deployed as in the distribution: its jar copied
 * into the folder FileInstall watches; busy processes watched (single threads, whole
 * multithreaded processes, one held stopped on a hit); then the jar deleted. Every watchpoint
 * is cleared from every thread's debug slots, release runs exactly once per engine (one per
 * watched thread), no engine of the bundle is left, and every task runs on, the stopped one too.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethodPortableFailures.class)
public class WatchpointEngine_IT {
    private static final String BSN = "dev.utrace.engine-watchpoint";
    private static final long PAGE = 0x1000_0000L;
    private static final int WRITERS = 10;
    private static final int SCRIBBLERS = 10;
    private static final int THREADS_EACH = 3; // scribbler 2: two threads and the main one

    @Inject
    BundleContext context;
    @Inject
    Processes sim;
    @Inject
    Machine machine;
    @Inject
    Utrace utrace;
    @Inject
    DebugSlots slots;

    @Configuration
    public Option[] config() {
        Path deploy;
        try {
            deploy = Files.createDirectories(Files.createTempDirectory("utrace-itest").resolve("deploy"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // The engine's jar is not provisioned: the test drops it into the deploy folder.
        return options(UtraceOptions.core(), UtraceOptions.machine(), UtraceOptions.shell(),
                UtraceOptions.hotDeploy(deploy, 100), UtraceOptions.junit(), cleanCaches());
    }

    /** Copies the built engine-watchpoint jar into the deploy folder and waits for its service. */
    private Watchpoints deploy(Path jar) throws Exception {
        Path built = Path.of(System.getProperty("bundle.engine-watchpoint"));
        Path tmp = jar.resolveSibling(jar.getFileName() + ".part");
        Files.copy(built, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, jar, StandardCopyOption.ATOMIC_MOVE);
        // The probe imports the engine's package dynamically: touch its classes only once the
        // bundle FileInstall installs is active.
        Tally.await("FileInstall started " + BSN, () -> java.util.Arrays.stream(context.getBundles())
                .anyMatch(b -> BSN.equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE));
        ServiceTracker<Object, Object> t = new ServiceTracker<>(context, "dev.utrace.watchpoint.Watchpoints", null);
        t.open();
        try {
            Object service = t.waitForService(20_000);
            assertNotNull("the watchpoint engine came up from the deploy folder", service);
            return (Watchpoints) service;
        } finally {
            t.close();
        }
    }

    private List<Integer> threadsOf(int pid) {
        return sim.tasks().stream().filter(i -> i.tgid() == pid).map(TaskInfo::tid).sorted().toList();
    }

    @Test
    public void watchHitThenTheJarIsDeletedAndEverySlotIsCleared() throws Exception {
        List<Integer> writers = new ArrayList<>();
        List<Integer> scribblers = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) writers.add(sim.spawn(SpawnRequest.of("memwriter", List.of("1000000000"))));
        for (int i = 0; i < SCRIBBLERS; i++) scribblers.add(sim.spawn(SpawnRequest.of("scribbler", List.of("2"))));
        for (int pid : scribblers) Tally.await("scribbler " + pid + " started its threads", () -> threadsOf(pid).size() == THREADS_EACH);
        List<Integer> pids = new ArrayList<>(writers);
        pids.addAll(scribblers);
        Path jar = Path.of(context.getProperty("felix.fileinstall.dir")).resolve("engine-watchpoint.jar");
        Watchpoints watch = deploy(jar);
        List<Integer> allThreads = new ArrayList<>(writers);
        try {
            List<WatchInfo> added = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                // The first writer is held stopped on its first hit, as for a debugger.
                added.add(watch.add(writers.get(i), PAGE + 8, 8, Access.WRITE, Scope.THREAD, i == 0));
            }
            for (int pid : scribblers) {
                added.add(watch.add(pid, PAGE, 8, Access.WRITE, Scope.PROCESS, false));
                allThreads.addAll(threadsOf(pid));
            }
            assertEquals(WRITERS + SCRIBBLERS * THREADS_EACH, allThreads.size());
            int stopped = writers.getFirst();
            Tally.await("the first writer stops on its hit", () -> sim.info(stopped).state() == TaskState.TRACED);
            for (WatchInfo w : added.subList(1, added.size())) {
                Tally.await("watch " + w.id() + " is hit", () -> watch.hits(w.id(), 1).size() == 1);
            }
            for (int i = 0; i < SCRIBBLERS; i++) {
                WatchInfo w = added.get(WRITERS + i);
                Set<Integer> tids = Set.copyOf(threadsOf(scribblers.get(i)));
                Tally.await("every thread of " + w.pid() + " hits watch " + w.id(), () -> watch.hits(w.id(), 256).stream()
                        .map(Hit::tid).collect(Collectors.toSet()).equals(tids));
            }
            for (int tid : allThreads) {
                assertEquals("one slot of thread " + tid + " in use", 1, slots.slots(task(tid)).size());
                List<EngineInfo> mine = Tally.engines(BSN, utrace, machine, tid);
                assertEquals("one engine of the watchpoint bundle on thread " + tid, 1, mine.size());
                assertEquals(EngineState.ATTACHED, mine.getFirst().state());
            }
            assertEquals("no release while the watches live", 0, watch.released());

            Bundle bundle = FrameworkUtil.getBundle(watch.getClass());
            assertEquals(BSN, bundle.getSymbolicName());
            // FileInstall's refresh after the uninstall restarts this probe (it imported the
            // engine's package), which ends its BundleContext: keep the system bundle's.
            BundleContext system = context.getBundle(0).getBundleContext();
            Files.delete(jar); // FileInstall uninstalls the bundle
            Tally.await("FileInstall uninstalled the bundle", () -> bundle.getState() == Bundle.UNINSTALLED);

            assertEquals("release ran once per engine, one per watched thread", allThreads.size(), watch.released());
            assertTrue("every watch ended", watch.list().stream().noneMatch(WatchInfo::active));
            for (int tid : allThreads) {
                assertEquals("every slot of thread " + tid + " cleared", List.of(), slots.slots(task(tid)));
            }
            Tally.assertNoEngineOf(BSN, utrace, machine, sim, allThreads);
            assertEquals("still once per engine", allThreads.size(), watch.released());
            for (int tid : allThreads) {
                TaskState s = sim.info(tid).state();
                assertFalse("thread " + tid + " runs on unharmed: " + s, s.hasExited());
            }
            Tally.await("the writer stopped on a hit runs on", () -> sim.info(stopped).state() != TaskState.TRACED);
            for (int pid : writers) {
                String before = sim.console(pid);
                Tally.await("writer " + pid + " keeps writing", () -> !sim.console(pid).equals(before));
            }
            for (Bundle b : system.getBundles()) assertFalse("the bundle is gone", BSN.equals(b.getSymbolicName()));
        } finally {
            Tally.killAll(sim, pids);
        }
    }

    private Task task(int tid) {
        Task t = machine.findTask(tid);
        assertNotNull("thread " + tid + " is alive", t);
        return t;
    }
}
