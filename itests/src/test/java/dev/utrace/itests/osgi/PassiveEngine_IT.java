package dev.utrace.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.options;

import dev.utrace.api.EngineState;
import dev.utrace.api.Utrace;
import dev.utrace.api.task.TaskState;
import dev.utrace.passive.PassiveTracer;
import dev.utrace.passive.TraceInfo;
import dev.utrace.api.proc.Processes;
import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.spi.Machine;
import java.util.ArrayList;
import java.util.List;
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

/**
 * The passive tracer bundle in a real Felix, deployed as in the distribution: its jar copied
 * into the folder FileInstall watches; 1000 running tasks traced through the
 * {@link PassiveTracer} service; then the jar deleted, so FileInstall uninstalls it. Release runs exactly
 * once per engine, no engine of the bundle is left attached to any task (the running ones unlink
 * them at once; the sleeping ones would when they wake), and the tasks run on.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethodPortableFailures.class)
public class PassiveEngine_IT {
    private static final String BSN = "dev.utrace.engine-passive";
    private static final int TASKS = 1000;
    private static final int BUSY = 50;

    @Inject
    BundleContext context;
    @Inject
    Processes sim;
    @Inject
    Machine machine;
    @Inject
    Utrace utrace;

    @Configuration
    public Option[] config() {
        java.nio.file.Path deploy;
        try {
            deploy = java.nio.file.Files.createDirectories(
                    java.nio.file.Files.createTempDirectory("utrace-itest").resolve("deploy"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // The engine's jar is not provisioned: the test drops it into the deploy folder.
        return options(UtraceOptions.core(), UtraceOptions.machine(), UtraceOptions.shell(),
                UtraceOptions.hotDeploy(deploy, 100), UtraceOptions.libraries(), UtraceOptions.junit(), cleanCaches());
    }

    /** Copies the built engine-passive jar into the deploy folder and waits for its service. */
    private PassiveTracer deploy(java.nio.file.Path jar) throws Exception {
        java.nio.file.Path built = java.nio.file.Path.of(System.getProperty("bundle.engine-passive"));
        java.nio.file.Path tmp = jar.resolveSibling(jar.getFileName() + ".part");
        java.nio.file.Files.copy(built, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        java.nio.file.Files.move(tmp, jar, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        // The probe imports the engine's package dynamically: touch its classes only once the
        // bundle FileInstall installs is active.
        Tally.await("FileInstall started " + BSN, () -> java.util.Arrays.stream(context.getBundles())
                .anyMatch(b -> BSN.equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE));
        org.osgi.util.tracker.ServiceTracker<Object, Object> t =
                new org.osgi.util.tracker.ServiceTracker<>(context, "dev.utrace.passive.PassiveTracer", null);
        t.open();
        try {
            Object tracer = t.waitForService(20_000);
            assertNotNull("the passive tracer came up from the deploy folder", tracer);
            return (PassiveTracer) tracer;
        } finally {
            t.close();
        }
    }

    @Test
    public void thousandTracedTasksThenTheBundleStopsAndGoes() throws Exception {
        List<Integer> pids = new ArrayList<>();
        // Some busy tasks (counting, a write each number) and many sleeping ones (pause in a loop).
        for (int i = 0; i < BUSY; i++) pids.add(sim.spawn(SpawnRequest.of("counter", List.of("1000000000"))));
        for (int i = BUSY; i < TASKS; i++) pids.add(sim.spawn(SpawnRequest.of("idle", List.of())));
        java.nio.file.Path jar = java.nio.file.Path.of(context.getProperty("felix.fileinstall.dir"))
                .resolve("engine-passive.jar");
        PassiveTracer tracer = deploy(jar);
        try {
            for (int pid : pids) {
                TraceInfo info = tracer.trace(pid, null, false);
                assertTrue(info.active());
            }
            assertEquals(TASKS, tracer.list().stream().filter(TraceInfo::active).count());
            for (int pid : pids) {
                List<dev.utrace.api.EngineInfo> mine = Tally.engines(BSN, utrace, machine, pid);
                assertEquals("one engine of the passive tracer on task " + pid, 1, mine.size());
                assertEquals(EngineState.ATTACHED, mine.getFirst().state());
            }
            for (int i = 0; i < BUSY; i++) {
                int pid = pids.get(i);
                Tally.await("the busy task " + pid + " is seen writing",
                        () -> tracer.stats(pid).calls("write") > 10);
            }
            assertEquals("no release while the traces live", 0, tracer.released());

            Bundle bundle = FrameworkUtil.getBundle(tracer.getClass());
            assertNotNull(bundle);
            assertEquals(BSN, bundle.getSymbolicName());
            // FileInstall's refresh after the uninstall restarts this probe (it imported the
            // engine's package), which ends its BundleContext: keep the system bundle's.
            BundleContext system = context.getBundle(0).getBundleContext();
            java.nio.file.Files.delete(jar); // FileInstall uninstalls the bundle
            Tally.await("FileInstall uninstalled the bundle", () -> bundle.getState() == Bundle.UNINSTALLED);
            assertEquals("release ran once per engine", TASKS, tracer.released());
            assertTrue("every trace ended", tracer.list().stream().noneMatch(TraceInfo::active));

            for (int pid : pids) {
                for (dev.utrace.api.EngineInfo e : Tally.engines(BSN, utrace, machine, pid)) {
                    assertFalse("no engine of the bundle attached to task " + pid + ": " + e,
                            e.state() == EngineState.ATTACHED);
                }
            }
            // A running task unlinks a detached engine at its next resume point; a sleeping one when it wakes.
            Tally.assertNoEngineOf(BSN, utrace, machine, sim, pids.subList(0, BUSY));
            assertEquals("still once per engine", TASKS, tracer.released());
            for (int pid : pids) {
                TaskState s = sim.info(pid).state();
                assertFalse("task " + pid + " runs on unharmed: " + s, s.hasExited());
            }
            for (int i = 0; i < BUSY; i++) {
                int pid = pids.get(i);
                String before = sim.console(pid);
                Tally.await("the busy task " + pid + " keeps counting", () -> !sim.console(pid).equals(before));
            }
            for (Bundle b : system.getBundles()) assertFalse("the bundle is gone", BSN.equals(b.getSymbolicName()));
        } finally {
            Tally.killAll(sim, pids);
        }
    }
}
