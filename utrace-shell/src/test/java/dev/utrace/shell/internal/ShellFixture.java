package dev.utrace.shell.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.utrace.api.task.TaskState;
import dev.utrace.impl.UtraceCore;
import dev.utrace.impl.UtraceFacade;
import dev.utrace.shell.command.Command;
import dev.utrace.sim.internal.SimKernel;
import dev.utrace.spi.TraceHooks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Gogo runtime with the {@code utrace:} commands and their converter, over the real core
 * on the real simulated machine, wired as DS would wire them, without OSGi; {@code exit} only
 * counts. The session's {@code SCOPE} is the profile's.
 */
abstract class ShellFixture {
    static final String[] FUNCTIONS = {"ps", "spawn", "attach", "kill", "info", "console", "programs", "engines", "wait"};
    /** How often {@code exit} or {@code quit} asked to leave. */
    final AtomicInteger left = new AtomicInteger();

    @TempDir
    Path programs;
    SimKernel sim;
    UtraceCore core;
    UtraceFacade utrace;
    ThreadIOImpl threadIO;
    CommandProcessorImpl processor;
    CommandSession session;
    List<Command> commands;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void boot() {
        sim = new SimKernel(TraceHooks.NONE, programs);
        core = new UtraceCore(sim);
        sim.setHooks(core.hooks());
        utrace = core.facade("shell-test");
        threadIO = new ThreadIOImpl();
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        commands = new ArrayList<>(new UtraceCommands(sim, utrace).commands());
        commands.addAll(new ShellCommands(left::incrementAndGet).commands());
        for (Command c : commands) processor.addCommand(c.scope(), c, c.name());
        processor.addConverter(new TableConverter());
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), ps, ps);
        session.put("SCOPE", "utrace:*"); // as the shell profile
    }

    @AfterEach
    void shutdown() {
        session.close();
        processor.stop();
        threadIO.stop();
        sim.close();
    }

    /** Runs a command line and returns its result as the shell prints it (formatted at INSPECT). */
    String run(String line) throws Exception {
        Object result = session.execute(line);
        return result == null ? null : session.format(result, Converter.INSPECT).toString();
    }

    /** Runs a command line that must be refused, and returns the message the shell prints. */
    String refused(String line) {
        return assertThrows(IllegalArgumentException.class, () -> session.execute(line), line).toString();
    }

    /** The usage line of a command, as a refusal ends with it. */
    String usage(String name) {
        return "\nusage: " + commands.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().usage();
    }

    void awaitState(int tid, TaskState state) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (sim.info(tid).state() != state) {
            if (System.nanoTime() > deadline) fail("task " + tid + " never became " + state + ": " + sim.tasks());
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
