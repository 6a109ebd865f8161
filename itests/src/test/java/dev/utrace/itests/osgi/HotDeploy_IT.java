package dev.utrace.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.options;

import dev.utrace.api.Utrace;
import dev.utrace.api.proc.Processes;
import dev.utrace.spi.Machine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * Hot deploy through FileInstall, as in the distribution's {@code deploy/} folder: a jar
 * copied in starts and its engines see events; the jar deleted unloads the bundle, release
 * runs exactly once for each of its engines, no callback reaches it afterwards, and the traced
 * tasks run on.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethodPortableFailures.class)
public class HotDeploy_IT {
    private static final int TASKS = 10;

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
        Path deploy;
        try {
            deploy = Files.createDirectories(Files.createTempDirectory("utrace-itest").resolve("deploy"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return options(UtraceOptions.core(), UtraceOptions.machine(), UtraceOptions.hotDeploy(deploy, 100),
                UtraceOptions.junit(), cleanCaches());
    }

    @Test
    public void aJarCopiedInAttachesItsEnginesAndDeletedReleasesEachOnceWithNoCallbackAfter() throws Exception {
        Path deploy = Path.of(context.getProperty("felix.fileinstall.dir"));
        List<Integer> pids = Tally.spawnCounters(sim, TASKS);
        Tally tally = new Tally("hot", pids);
        try {
            Path jar = EngineBundles.writeTally(deploy.resolve("tally-engine.jar"), "hot", "1.0.0");
            Tally.await("FileInstall started the engine bundle", () -> state(EngineBundles.TALLY) == Bundle.ACTIVE);
            assertEquals("an engine on every task", TASKS, tally.attached.get());
            Tally.await("the engines see syscalls", () -> tally.callbacks.get() > 10 * TASKS);
            assertEquals(0, tally.releases.get());

            Files.delete(jar);
            Tally.await("FileInstall uninstalled the engine bundle", () -> state(EngineBundles.TALLY) == -1);

            tally.assertReleasedOnceEach(TASKS);
            tally.assertSilentFor(300);
            Tally.assertNoEngineOf(EngineBundles.TALLY, utrace, machine, sim, pids);
            assertEquals("still once each", TASKS, tally.releases.get());
            assertEquals(0, tally.late.get());
            assertNull("the bundle is gone", find(EngineBundles.TALLY));
        } finally {
            Tally.killAll(sim, pids);
            tally.remove();
        }
    }

    /** The bundle's state, or -1 when no such bundle is installed. */
    private int state(String symbolicName) {
        Bundle b = find(symbolicName);
        return b == null ? -1 : b.getState();
    }

    private Bundle find(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) return b;
        }
        return null;
    }
}
