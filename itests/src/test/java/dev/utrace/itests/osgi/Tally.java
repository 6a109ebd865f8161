package dev.utrace.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.utrace.api.EngineInfo;
import dev.utrace.api.EngineState;
import dev.utrace.api.Utrace;
import dev.utrace.api.task.Signals;
import dev.utrace.api.proc.Processes;
import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.spi.Machine;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The counters of one tally engine bundle ({@link EngineBundles#tally}), kept in the system
 * properties {@code itest.KEY.*} as JDK objects only, so the test and the engine bundle share
 * them without the test ever referring to the engine bundle's classes. Plus the helpers the
 * hot-deploy tests share: counter tasks, waiting, and "no engine of that bundle left".
 */
final class Tally {
    private static final String[] NAMES = {"callbacks", "late", "releases", "doubleReleases", "attached", "pids"};

    final String key;
    final AtomicLong callbacks = new AtomicLong();
    /** Callbacks an engine got after its own release; must stay 0. */
    final AtomicLong late = new AtomicLong();
    final AtomicInteger releases = new AtomicInteger();
    /** Releases that ran a second time for the same engine; must stay 0. */
    final AtomicInteger doubleReleases = new AtomicInteger();
    final AtomicInteger attached = new AtomicInteger();

    /** Counters for the bundle whose {@code Itest-Key} is {@code key}, attaching to {@code pids}. */
    Tally(String key, List<Integer> pids) {
        this.key = key;
        Properties p = System.getProperties();
        p.put(prefix() + "callbacks", callbacks);
        p.put(prefix() + "late", late);
        p.put(prefix() + "releases", releases);
        p.put(prefix() + "doubleReleases", doubleReleases);
        p.put(prefix() + "attached", attached);
        p.setProperty(prefix() + "pids", String.join(",", pids.stream().map(String::valueOf).toList()));
    }

    private String prefix() {
        return "itest." + key + ".";
    }

    /** Asserts every engine this bundle attached was released exactly once and never called after. */
    void assertReleasedOnceEach(int engines) {
        assertEquals("engines attached", engines, attached.get());
        assertEquals("release ran for every engine", engines, releases.get());
        assertEquals("no engine was released twice", 0, doubleReleases.get());
        assertEquals("no callback came after an engine's release", 0, late.get());
    }

    /** Asserts no callback reaches the bundle's engines over {@code millis} while the tasks run on. */
    void assertSilentFor(long millis) throws InterruptedException {
        long before = callbacks.get();
        Thread.sleep(millis);
        assertEquals("no callback reached the unloaded bundle's code", before, callbacks.get());
    }

    void remove() {
        for (String n : NAMES) System.getProperties().remove(prefix() + n);
    }

    static List<Integer> spawnCounters(Processes sim, int n) {
        List<Integer> pids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pids.add(sim.spawn(SpawnRequest.of("counter", List.of("1000000000"))));
        }
        return pids;
    }

    static void killAll(Processes sim, List<Integer> pids) {
        for (int pid : pids) {
            try {
                sim.kill(pid, Signals.SIGKILL);
            } catch (RuntimeException alreadyGone) {
                // the task ended on its own
            }
        }
    }

    /**
     * Asserts the tasks run on and no engine of bundle {@code symbolicName} is attached to any of
     * them; then waits until each task has also unlinked them (a revoked engine of a running
     * task shows as DETACHING until the task's next resume point).
     */
    static void assertNoEngineOf(String symbolicName, Utrace utrace, Machine machine, Processes sim, List<Integer> pids)
            throws InterruptedException {
        for (int pid : pids) {
            assertFalse("task " + pid + " runs on unharmed", sim.info(pid).state().hasExited());
            for (EngineInfo info : engines(symbolicName, utrace, machine, pid)) {
                assertNotEquals("no engine of " + symbolicName + " attached to task " + pid + ": " + info,
                        EngineState.ATTACHED, info.state());
            }
        }
        for (int pid : pids) {
            await("task " + pid + " unlinked the engines of " + symbolicName,
                    () -> engines(symbolicName, utrace, machine, pid).isEmpty());
        }
    }

    /** The engines on task {@code pid} that bundle {@code symbolicName} attached. */
    static List<EngineInfo> engines(String symbolicName, Utrace utrace, Machine machine, int pid) {
        return utrace.engines(machine.findTask(pid)).stream()
                .filter(i -> i.owner().startsWith(symbolicName + " "))
                .toList();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) fail("timed out waiting until " + what); // a liveness bound, not a speed check
            Thread.sleep(5);
        }
    }
}
