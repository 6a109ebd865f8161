package dev.utrace.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.options;

import dev.utrace.api.Utrace;
import dev.utrace.api.proc.Processes;
import dev.utrace.spi.Machine;
import java.io.ByteArrayInputStream;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * 50 install/start/uninstall cycles of an engine bundle while its tasks run: each cycle's
 * engines see events, are released exactly once when it goes and are never called again, no
 * engine is left on any task, and every old bundle's class loader can be collected (nothing
 * in the core, the machine or the framework keeps the unloaded code alive).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethodPortableFailures.class)
public class Unload_CyclesIT {
    private static final int CYCLES = 50;
    private static final int TASKS = 8;

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
    public void fiftyLoadUnloadCyclesLeaveNoEngineAndNoClassLoaderBehind() throws Exception {
        List<Integer> pids = Tally.spawnCounters(sim, TASKS);
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        List<WeakReference<Class<?>>> opsClasses = new ArrayList<>();
        try {
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                cycle(cycle, pids, loaders, opsClasses);
            }
            Tally.assertNoEngineOf(EngineBundles.TALLY, utrace, machine, sim, pids);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (alive(loaders) + alive(opsClasses) > 0 && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(50);
            }
            assertEquals("old bundles' class loaders still reachable", 0, alive(loaders));
            assertEquals("old bundles' ops classes still reachable", 0, alive(opsClasses));
        } finally {
            Tally.killAll(sim, pids);
        }
    }

    /** One cycle; keeps no strong reference to the bundle, its loader or its classes. */
    private void cycle(int cycle, List<Integer> pids, List<WeakReference<ClassLoader>> loaders,
            List<WeakReference<Class<?>>> opsClasses) throws Exception {
        String key = "cycle" + cycle;
        Tally tally = new Tally(key, pids);
        try {
            Bundle b = context.installBundle("itest:tally/" + cycle,
                    new ByteArrayInputStream(EngineBundles.tally(key, "1.0." + cycle)));
            b.start();
            assertEquals("cycle " + cycle + ": an engine on every task", TASKS, tally.attached.get());
            loaders.add(new WeakReference<>(b.adapt(BundleWiring.class).getClassLoader()));
            opsClasses.add(new WeakReference<>(b.loadClass("dev.utrace.itests.engine.TallyOps")));
            assertTrue("the bundle's own copy of the ops class, not the probe's",
                    opsClasses.get(cycle).get().getClassLoader() == loaders.get(cycle).get());
            Tally.await("cycle " + cycle + ": the engines see syscalls", () -> tally.callbacks.get() >= TASKS);

            b.uninstall();
            tally.assertReleasedOnceEach(TASKS);
            refresh(b);
            b = null;
            Tally.assertNoEngineOf(EngineBundles.TALLY, utrace, machine, sim, pids);
            tally.assertSilentFor(cycle % 10 == 0 ? 100 : 5);
            assertEquals(0, tally.late.get());
        } finally {
            tally.remove();
        }
    }

    /** Refreshes the uninstalled bundle so the framework drops its revision now. */
    private void refresh(Bundle b) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(b), e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) done.countDown();
        });
        assertTrue("refresh finished", done.await(20, TimeUnit.SECONDS));
    }

    private static int alive(List<? extends WeakReference<?>> refs) {
        int n = 0;
        for (WeakReference<?> r : refs) {
            if (r.get() != null) n++;
        }
        return n;
    }
}
