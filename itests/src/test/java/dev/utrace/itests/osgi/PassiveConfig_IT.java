package dev.utrace.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.options;

import dev.utrace.api.task.Signals;
import dev.utrace.passive.Kind;
import dev.utrace.passive.PassiveTracer;
import dev.utrace.passive.TraceInfo;
import dev.utrace.api.proc.Processes;
import dev.utrace.api.proc.SpawnRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The passive tracer configured through a {@code dev.utrace.passive.cfg} file, as in the
 * distribution's {@code deploy/} folder: FileInstall hands it to ConfigAdmin, DS gives it to the
 * running component ({@code @Modified}), and new traces use the configured ring size, events and
 * follow setting; a change to the file reaches new traces the same way. A bad value is refused
 * with a warning (a console line in bin/run) and the last good value stays.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethodPortableFailures.class)
public class PassiveConfig_IT {
    private static final String PID = "dev.utrace.passive";

    @Inject
    BundleContext context;
    @Inject
    Processes sim;
    @Inject
    PassiveTracer tracer;
    @Inject
    ConfigurationAdmin configAdmin;

    private final List<Integer> pids = new ArrayList<>();

    @Configuration
    public Option[] config() {
        Path deploy;
        try {
            deploy = Files.createDirectories(Files.createTempDirectory("utrace-itest").resolve("deploy"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return options(UtraceOptions.core(), UtraceOptions.machine(), UtraceOptions.shell(),
                UtraceOptions.hotDeploy(deploy, 200), UtraceOptions.libraries(), UtraceOptions.projectBundle("engine-passive"),
                UtraceOptions.junit(), cleanCaches());
    }

    /**
     * Kills the test's tasks and deletes its .cfg file, which the next test's framework would
     * read: the tests share one folder. Called by each test itself, in a finally block: this
     * probe invoker runs no {@code @After} inside the framework.
     */
    private void cleanUp() throws IOException {
        for (int pid : pids) sim.kill(pid, Signals.SIGKILL);
        Files.deleteIfExists(Path.of(context.getProperty("felix.fileinstall.dir")).resolve(PID + ".cfg"));
    }

    @Test
    public void aCfgFileSetsTheDefaultsOfNewTracesAndAChangeToItReachesNewTraces() throws Exception {
        Path deploy = Path.of(context.getProperty("felix.fileinstall.dir"));
        try {
            TraceInfo before = newTrace();
            assertEquals("the built-in ring size before any configuration", 1024, before.ringSize());
            assertEquals(Kind.all(), before.events());
            assertFalse(before.follow());

            write(deploy, "ringSize=4\ndefaultEvents=syscalls\nfollowChildren=true\n");
            TraceInfo configured = awaitTrace("a new trace uses ring 4", t -> t.ringSize() == 4);
            assertEquals(4, configured.ringSize());
            assertEquals(EnumSet.of(Kind.SYSCALLS), configured.events());
            assertTrue("follow on, as configured", configured.follow());
            assertNotNull("FileInstall handed the file to ConfigAdmin under the PID",
                    configAdmin.listConfigurations("(service.pid=" + PID + ")"));

            write(deploy, "ringSize=8\ndefaultEvents=syscalls\nfollowChildren=true\n");
            TraceInfo changed = awaitTrace("a new trace uses ring 8", t -> t.ringSize() == 8);
            assertEquals(8, changed.ringSize());
            assertEquals(EnumSet.of(Kind.SYSCALLS), changed.events());
            assertTrue(changed.follow());
            TraceInfo again = newTrace();
            assertEquals("the change stays", 8, again.ringSize());
            assertEquals("the earlier traces keep their rings", 4, tracer.list().stream()
                    .filter(i -> i.tid() == configured.tid()).findFirst().orElseThrow().ringSize());
        } finally {
            cleanUp();
        }
    }

    @Test
    public void badValuesAreRefusedWithAWarningNamingFileKeyAndWhatIsAllowedAndTheLastGoodValueStays() throws Exception {
        Path deploy = Path.of(context.getProperty("felix.fileinstall.dir"));
        Path file = deploy.resolve(PID + ".cfg");
        try (LogCapture log = LogCapture.of("dev.utrace.passive")) {
            write(deploy, "ringSize=8\nkeepEnded=5\n");
            awaitTrace("a new trace uses ring 8", t -> t.ringSize() == 8);

            write(deploy, "ringSize=banana\nkeepEnded=5\n");
            LogRecord banana = log.await("the refusal of ringSize = banana", r -> r.getMessage().contains("banana"));
            assertEquals(Level.WARNING, banana.getLevel());
            assertEquals(file + ": ringSize = banana refused: not a whole number; ringSize takes a whole number"
                    + " from 1 to 1048576 (events kept per traced task); keeping ringSize = 8", banana.getMessage());
            assertEquals("the last good ring size stays", 8, newTrace().ringSize());

            write(deploy, "ringSize=-5\nkeepEnded=5\n");
            LogRecord negative = log.await("the refusal of ringSize = -5", r -> r.getMessage().contains("= -5"));
            assertEquals(file + ": ringSize = -5 refused: out of range; ringSize takes a whole number"
                    + " from 1 to 1048576 (events kept per traced task); keeping ringSize = 8", negative.getMessage());
            assertEquals("not clamped to 1: the last good ring size stays", 8, newTrace().ringSize());

            write(deploy, "ringSize=16\nkeepEnded=5\n");
            awaitTrace("a good value is taken again", t -> t.ringSize() == 16);
            assertEquals("a warning for each bad value, none for the good ones", 2, log.records().size());
        } finally {
            cleanUp();
        }
    }

    /** Writes {@code PID.cfg} whole (written beside the folder, then moved in), so FileInstall never reads half a file. */
    private static void write(Path deploy, String text) throws IOException {
        Path tmp = Files.writeString(deploy.resolveSibling(PID + ".cfg.tmp"), text);
        Files.move(tmp, deploy.resolve(PID + ".cfg"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A trace of a new sleeping task with the configured defaults. */
    private TraceInfo newTrace() {
        int pid = sim.spawn(SpawnRequest.of("idle", List.of()));
        pids.add(pid);
        return tracer.trace(pid, null, null);
    }

    /** New traces until one satisfies {@code wanted} (the configuration arrives asynchronously); at most 20 s. */
    private TraceInfo awaitTrace(String what, Predicate<TraceInfo> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            TraceInfo t = newTrace();
            if (wanted.test(t)) return t;
            if (System.nanoTime() - deadline > 0) fail("timed out waiting until " + what + "; last: " + t);
            Thread.sleep(50);
        }
    }
}
