package dev.utrace.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.options;

import dev.utrace.api.EngineInfo;
import dev.utrace.api.EngineState;
import dev.utrace.api.Utrace;
import dev.utrace.api.task.Signals;
import dev.utrace.api.proc.Processes;
import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.spi.Machine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * In a real Felix: the {@code Utrace} service is bundle-scoped, and stopping an engine bundle
 * revokes its engines: release runs once each, no callback reaches its code afterwards, and the
 * traced tasks run on.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethodPortableFailures.class)
public class BundleScope_RevokeIT {
    private static final int TASKS = 20;

    @Inject
    BundleContext context;
    @Inject
    Processes sim;
    @Inject
    Machine machine;
    @Inject
    Utrace utrace;

    private final List<Integer> pids = new ArrayList<>();

    @Configuration
    public Option[] config() {
        return options(UtraceOptions.core(), UtraceOptions.machine(), UtraceOptions.junit(), EngineBundles.counting(),
                cleanCaches());
    }

    @After
    public void killTasks() {
        for (int pid : pids) {
            try {
                sim.kill(pid, Signals.SIGKILL);
            } catch (RuntimeException alreadyGone) {
                // the task ended on its own
            }
        }
    }

    @Test
    public void stoppingAnEngineBundleRevokesItsEnginesOnceAndItsCodeIsNeverCalledAgain() throws Exception {
        for (int i = 0; i < TASKS; i++) {
            pids.add(sim.spawn(SpawnRequest.of("counter", List.of("1000000000"))));
        }
        AtomicLong callbacks = new AtomicLong();
        AtomicInteger releases = new AtomicInteger();
        System.getProperties().put("itest.callbacks", callbacks);
        System.getProperties().put("itest.releases", releases);
        System.setProperty("itest.pids", String.join(",", pids.stream().map(String::valueOf).toList()));

        Bundle engine = bundle(EngineBundles.COUNTING);
        engine.start();
        assertEquals(TASKS, System.getProperties().get("itest.attached"));
        String facade = String.valueOf(System.getProperties().get("itest.facade"));
        assertTrue("the engine bundle has a facade of its own: " + facade, facade.contains("itest.engine"));
        assertNotEquals(utrace.toString(), facade);
        Tally.await("the engines see syscalls", () -> callbacks.get() > 10 * TASKS);
        assertEquals(0, releases.get());

        engine.stop();

        assertEquals("release ran once for every engine, before stop() returned", TASKS, releases.get());
        long atStop = callbacks.get();
        Thread.sleep(300); // the tasks keep making syscalls meanwhile
        assertEquals("no callback reached the stopped bundle's code", atStop, callbacks.get());
        for (int pid : pids) {
            assertTrue("task " + pid + " runs on unharmed", !sim.info(pid).state().hasExited());
            for (EngineInfo info : utrace.engines(machine.findTask(pid))) {
                assertNotEquals("no engine of the stopped bundle is attached any more", EngineState.ATTACHED, info.state());
            }
        }
        engine.uninstall();
        assertEquals(TASKS, releases.get());
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) return b;
        }
        throw new AssertionError("no bundle " + symbolicName + " installed");
    }
}
