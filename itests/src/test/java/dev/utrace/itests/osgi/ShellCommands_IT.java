package dev.utrace.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.osgi.framework.BundleContext;

/**
 * In a real Felix with the Gogo runtime: the {@code utrace:} commands are registered by DS,
 * run against the real core and machine, and their results are formatted by the bundle's
 * Converter.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethodPortableFailures.class)
public class ShellCommands_IT {
    @Inject
    BundleContext context;
    @Inject
    dev.utrace.api.Utrace utrace;
    @Inject
    dev.utrace.spi.Machine machine;
    @Inject
    CommandProcessor processor;

    private CommandSession session;

    @Configuration
    public Option[] config() {
        return options(UtraceOptions.core(), UtraceOptions.machine(), UtraceOptions.shell(), UtraceOptions.commands(),
                UtraceOptions.junit(), cleanCaches());
    }

    /** Opened by each test itself: this probe invoker runs no {@code @Before} inside the framework. */
    private void openSession() throws Exception {
        awaitCommands();
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);
    }

    @Test
    public void spawnWaitConsolePsAndEnginesRunInTheShell() throws Exception {
        openSession();
        assertEquals("PID  PROGRAM  ARGS\n  2  hello    -", run("utrace:spawn hello"));
        assertEquals("PID  STATUS\n  2  exited 0", run("utrace:wait 2"));
        assertEquals("hello, world", run("utrace:console 2"));
        assertEquals("PID  PROGRAM  ARGS\n  3  idle     -", run("utrace:spawn idle"));
        String ps = run("utrace:ps");
        assertTrue(ps, ps.startsWith("PID  TGID  PPID  STATE     THREADS  COMMAND\n  1     1     0  SLEEPING        1  init\n"));
        assertTrue(ps, ps.matches("(?s).*\n  3     3     1  \\w+ +1  idle"));
        assertEquals("PID  OWNER  STATE  REFS  STOP  EVENTS  SYSCALLS  STOPS  OPS", run("utrace:engines"));
        // An engine attached by this (probe) bundle shows up, owned by it, on task 3.
        dev.utrace.api.task.Task idle = machine.findTask(3);
        dev.utrace.api.Engine e = utrace.attach(idle, dev.utrace.api.AttachFlags.CREATE, new dev.utrace.api.EngineOps() { }, null).engine();
        assertEquals(dev.utrace.api.Outcome.DONE, utrace.setEvents(idle, e, dev.utrace.api.Event.mask(dev.utrace.api.Event.EXEC, dev.utrace.api.Event.DEATH)));
        String engines = run("utrace:engines 3");
        assertTrue(engines, engines.startsWith("PID  OWNER"));
        assertTrue(engines, engines.lines().skip(1).anyMatch(l -> l.startsWith("  3  PAXEXAM-PROBE") && l.contains("ATTACHED")
                && l.contains("  2  ") && l.contains("EXEC|DEATH")));
        assertTrue(run("utrace:info 3"), run("utrace:info 3").lines().anyMatch(l -> l.matches("engines +1")));
        e.put();
        assertTrue(run("utrace:programs").lines().anyMatch(l -> l.matches("hello +library +.*")));
        assertEquals("PID  SIGNAL\n  3  SIGKILL", run("utrace:kill 3 KILL"));
        assertEquals("PID  STATUS\n  3  killed by SIGKILL", run("utrace:wait 3"));
    }

    @Test
    public void badArgumentsAreRefusedWithUsageAndChangeNothing() throws Exception {
        openSession();
        run("utrace:spawn idle");
        // Compared whole, state included, once idle is paused: just spawned, it may still be running.
        String before = awaitIdlePaused();
        assertRefused("utrace:kill 42", "no task with pid 42; ps lists the live ones\nusage: utrace:kill <pid> [signal]");
        assertRefused("utrace:kill 2 NOPE", "unknown signal 'NOPE'");
        assertRefused("utrace:spawn nosuch", "no program named 'nosuch'");
        assertRefused("utrace:info two", "'two' is not a pid");
        assertRefused("utrace:wait x", "'x' is not a pid");
        assertEquals(before, run("utrace:ps"));
        run("utrace:kill 2 KILL");
    }

    private String run(String line) throws Exception {
        Object result = session.execute(line);
        return result == null ? null : session.format(result, Converter.INSPECT).toString();
    }

    private void assertRefused(String line, String messageStart) {
        try {
            session.execute(line);
            fail(line + " was not refused");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith(messageStart));
            assertTrue(e.getMessage(), e.getMessage().contains("\nusage: utrace:"));
        } catch (Exception e) {
            throw new AssertionError(line + " failed with " + e, e);
        }
    }

    /** {@code utrace:ps} once the idle task, pid 2, sleeps in its {@code pause}. */
    private String awaitIdlePaused() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (;;) {
            String ps = run("utrace:ps");
            if (ps.matches("(?s).*\n  2     2     1  SLEEPING +1  idle(\n.*)?")) return ps;
            if (System.nanoTime() - deadline > 0) fail("idle never paused:\n" + ps); // a liveness bound
            Thread.sleep(10);
        }
    }

    /** DS registers the commands shortly after the bundles start. */
    private void awaitCommands() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (context.getServiceReferences((String) null, "(osgi.command.scope=utrace)") == null
                || context.getServiceReferences(Converter.class, null).isEmpty()) {
            if (System.nanoTime() - deadline > 0) fail("the utrace commands were never registered"); // a liveness bound
            Thread.sleep(10);
        }
    }
}
