package dev.utrace.ptrace.internal.commands;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.utrace.api.task.TaskState;
import dev.utrace.impl.UtraceCore;
import dev.utrace.impl.UtraceFacade;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.internal.PtraceService;
import dev.utrace.shell.command.Command;
import dev.utrace.sim.internal.SimKernel;
import dev.utrace.spi.TraceHooks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ptrace:} commands in a real Gogo runtime, over the ptrace engine, the real core
 * and the real simulated machine, wired as DS would wire them, without OSGi.
 */
abstract class ShellFixture {
    static final String[] CONTROL = {"attach", "seize", "cont", "syscall", "step", "interrupt", "listen", "detach", "kill"};
    static final String[] INSPECT = {"regs", "peek", "poke", "peekuser", "pokeuser", "siginfo", "eventmsg", "options"};
    static final String[] WAIT = {"wait", "tracees"};

    @TempDir
    Path programs;
    SimKernel sim;
    UtraceCore core;
    /** A facade of the core for looking at engines, as another bundle would. */
    UtraceFacade probe;
    PtraceService ptrace;
    ShellTracer tracer;
    ThreadIOImpl threadIO;
    CommandProcessorImpl processor;
    CommandSession session;
    List<Command> commands;

    @BeforeEach
    void boot() {
        sim = new SimKernel(TraceHooks.NONE, programs);
        core = new UtraceCore(sim);
        sim.setHooks(core.hooks());
        probe = core.facade("probe");
        ptrace = new PtraceService(core.facade("engine-ptrace"), sim, null);
        tracer = new ShellTracer(ptrace);
        threadIO = new ThreadIOImpl();
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        commands = new ArrayList<>(new ControlCommands(tracer).commands());
        commands.addAll(new InspectCommands(tracer).commands());
        commands.addAll(new WaitCommands(tracer).commands());
        for (Command c : commands) processor.addCommand(c.scope(), c, c.name());
        processor.addConverter(new PtraceConverter());
        PrintStream ps = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), ps, ps);
    }

    @AfterEach
    void shutdown() {
        session.close();
        processor.stop();
        threadIO.stop();
        tracer.close();
        ptrace.deactivate();
        sim.close();
    }

    /** The usage line of a command, as a refusal of its words ends with it. */
    String usage(String name) {
        return "\nusage: " + commands.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().usage();
    }

    /** Runs a command line and returns its result as the shell prints it (formatted at INSPECT). */
    String run(String line) throws Exception {
        Object result = session.execute(line);
        return result == null ? null : session.format(result, Converter.INSPECT).toString();
    }

    /** Runs a command line the shell must refuse for a bad word, and returns what it prints. */
    String refused(String line) {
        return assertThrows(IllegalArgumentException.class, () -> session.execute(line), line).toString();
    }

    /** Runs a command line the engine must refuse, and returns what the shell prints. */
    String engineRefused(String line) {
        return assertThrows(Refused.class, () -> session.execute(line), line).toString();
    }

    void program(String name, String text) {
        try {
            Files.writeString(programs.resolve(name + ".prog"), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int spawn(String program, String... args) {
        return sim.spawn(program, List.of(args));
    }

    /** The shell tracer's session, as the commands use it. */
    PtraceSession shellTracer() {
        return ptrace.sessions().stream().filter(s -> s.name().equals(ShellTracer.NAME)).findFirst()
                .orElseThrow(() -> new AssertionError("no shell tracer open: " + ptrace.sessions()));
    }

    /**
     * {@code ptrace:wait --nohang} until it reports something (bounded), so that a stop the
     * engine never records fails the test instead of hanging it.
     */
    String waitFor(String pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            Object r = session.execute("ptrace:wait --nohang " + pid);
            if (((Views.Waited) r).reported()) return session.format(r, Converter.INSPECT).toString();
            if (System.nanoTime() - deadline > 0) fail("ptrace:wait " + pid + " reported nothing; tracees: " + run("tracees"));
            Thread.sleep(1);
        }
    }

    /** The number of engines on {@code pid} (any owner). */
    int engines(int pid) {
        return probe.engines(sim.findTask(pid)).size();
    }

    void awaitState(int tid, TaskState state) {
        await("task " + tid + " is " + state, () -> sim.info(tid).state() == state);
    }

    /** Bounded wait for something another thread brings about; fails after 20 s. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) fail("timed out waiting until " + what);
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
