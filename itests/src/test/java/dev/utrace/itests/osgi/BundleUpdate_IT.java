package dev.utrace.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.options;

import dev.utrace.api.EngineInfo;
import dev.utrace.api.EngineState;
import dev.utrace.api.Utrace;
import dev.utrace.api.proc.Processes;
import dev.utrace.spi.Machine;
import java.io.ByteArrayInputStream;
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
import org.osgi.framework.Version;

/**
 * Updating an engine bundle in place ({@code Bundle.update}): the old version's engines are
 * released once each before the new version starts and never called again; the new version's
 * activator attaches fresh engines, which see the events from then on.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethodPortableFailures.class)
public class BundleUpdate_IT {
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
        return options(UtraceOptions.core(), UtraceOptions.machine(), UtraceOptions.junit(), cleanCaches());
    }

    @Test
    public void updateReleasesTheOldVersionsEnginesOnceAndTheNewVersionAttachesFresh() throws Exception {
        List<Integer> pids = Tally.spawnCounters(sim, TASKS);
        Tally v1 = new Tally("v1", pids);
        Tally v2 = new Tally("v2", pids);
        try {
            Bundle b = context.installBundle("itest:tally", new ByteArrayInputStream(EngineBundles.tally("v1", "1.0.0")));
            b.start();
            assertEquals(TASKS, v1.attached.get());
            Tally.await("version 1's engines see syscalls", () -> v1.callbacks.get() > 10 * TASKS);

            b.update(new ByteArrayInputStream(EngineBundles.tally("v2", "2.0.0")));

            assertEquals(Version.parseVersion("2.0.0"), b.getVersion());
            assertEquals(Bundle.ACTIVE, b.getState());
            v1.assertReleasedOnceEach(TASKS);
            assertEquals("version 2 attached fresh engines", TASKS, v2.attached.get());
            assertEquals(0, v2.releases.get());
            Tally.await("version 2's engines see syscalls", () -> v2.callbacks.get() > 10 * TASKS);
            v1.assertSilentFor(300);
            for (int pid : pids) {
                Tally.await("task " + pid + " unlinked version 1's engine",
                        () -> Tally.engines(EngineBundles.TALLY, utrace, machine, pid).size() == 1);
                List<EngineInfo> engines = Tally.engines(EngineBundles.TALLY, utrace, machine, pid);
                assertEquals("task " + pid + ": version 2's engine only: " + engines, 1, engines.size());
                assertEquals(EngineState.ATTACHED, engines.get(0).state());
            }

            b.uninstall();
            v2.assertReleasedOnceEach(TASKS);
            v1.assertReleasedOnceEach(TASKS);
            Tally.assertNoEngineOf(EngineBundles.TALLY, utrace, machine, sim, pids);
        } finally {
            Tally.killAll(sim, pids);
            v1.remove();
            v2.remove();
        }
    }
}
