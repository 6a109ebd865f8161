package dev.utrace.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.options;

import dev.utrace.api.EngineInfo;
import dev.utrace.api.EngineState;
import dev.utrace.api.Utrace;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.ptrace.Ptrace;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.api.proc.Processes;
import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.spi.Machine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The ptrace engine bundle in a real Felix, deployed as in the distribution: its jar copied into
 * the folder FileInstall watches; a debugger (this probe) opens a session through the
 * {@link Ptrace} service and attaches to running and sleeping tasks, leaving some stopped (in
 * their SIGSTOP stop, or in a syscall stop) and some running, while the shell, a second tracer,
 * holds two more through the engine's {@code ptrace:} commands; then the jar is deleted. Every
 * tracee is detached and resumed (it runs on, and exits normally when told to), no engine of the
 * bundle is left on any task, each context is released exactly once, and a session the probe
 * still holds answers every request with ESRCH "engine unloaded".
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethodPortableFailures.class)
public class PtraceEngine_IT {
    private static final String BSN = "dev.utrace.engine-ptrace";
    /** Tasks of each kind; half of each are left stopped (in a SIGSTOP or a syscall stop), half running. */
    private static final int PER_KIND = 4;

    @Inject
    BundleContext context;
    @Inject
    Processes sim;
    @Inject
    Machine machine;
    @Inject
    Utrace utrace;
    @Inject
    CommandProcessor processor;

    @Configuration
    public Option[] config() {
        Path deploy;
        try {
            deploy = Files.createDirectories(Files.createTempDirectory("utrace-itest").resolve("deploy"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The engine's jar is not provisioned: the test drops it into the deploy folder.
        return options(UtraceOptions.core(), UtraceOptions.machine(), UtraceOptions.shell(),
                UtraceOptions.hotDeploy(deploy, 100), UtraceOptions.junit(), cleanCaches());
    }

    @Test
    public void deletingTheJarDetachesAndResumesEveryTraceeAndReleasesEachContextOnce() throws Exception {
        // Per group: busy counters (seen running on by their output) and sleeping signal demos
        // (seen exiting normally: SIGINT ends their sleep and they exit 0).
        List<Integer> counters = new ArrayList<>();
        List<Integer> sleepers = new ArrayList<>();
        for (int i = 0; i < PER_KIND; i++) {
            counters.add(sim.spawn(SpawnRequest.of("counter", List.of("1000000000"))));
            sleepers.add(sim.spawn(SpawnRequest.of("signals", List.of())));
        }
        for (int pid : sleepers) {
            // Past its own startup signals, asleep: the tracer then sees only its attach stop.
            Tally.await("signals " + pid + " sleeps", () -> sim.console(pid).contains("caught signal 12")
                    && sim.info(pid).state() == TaskState.SLEEPING);
        }
        // Two more counters for the shell, the engine's second tracer: one left in its SIGSTOP stop, one running.
        List<Integer> shellTracees = List.of(sim.spawn(SpawnRequest.of("counter", List.of("1000000000"))),
                sim.spawn(SpawnRequest.of("counter", List.of("1000000000"))));
        List<Integer> pids = new ArrayList<>(counters);
        pids.addAll(sleepers);
        List<Integer> stopped = new ArrayList<>(counters.subList(0, PER_KIND / 2));
        stopped.addAll(sleepers.subList(0, PER_KIND / 2));
        List<Integer> running = new ArrayList<>(counters.subList(PER_KIND / 2, PER_KIND));
        running.addAll(sleepers.subList(PER_KIND / 2, PER_KIND));
        Path jar = Path.of(context.getProperty("felix.fileinstall.dir")).resolve("engine-ptrace.jar");
        Ptrace ptrace = deploy(jar);
        AtomicLong releases = releaseCounter(ptrace);
        PtraceSession session = ptrace.open("itest-debugger");
        CommandSession shell = shell();
        try {
            for (int pid : shellTracees) {
                shell.execute("ptrace:attach " + pid);
                Tally.await("ptrace:wait reports the stop of " + pid, () -> shellReportsStop(shell, pid));
            }
            shell.execute("ptrace:cont " + shellTracees.getLast());
            for (int pid : pids) session.attach(pid);
            for (int pid : pids) {
                Tally.await("the SIGSTOP stop of " + pid + " is reported", () -> reportsStop(session, pid));
                assertEquals(TaskState.TRACED, sim.info(pid).state());
            }
            for (int pid : running) session.cont(pid, 0);
            // Of the stopped ones, one of each kind goes on to a syscall stop; the others stay in their SIGSTOP stop.
            List<Integer> inSyscall = List.of(counters.getFirst(), sleepers.getFirst());
            for (int pid : inSyscall) session.syscall(pid, 0);
            for (int pid : inSyscall) Tally.await("the syscall stop of " + pid + " is reported", () -> reportsStop(session, pid));
            for (int pid : counters.subList(PER_KIND / 2, PER_KIND)) {
                String before = sim.console(pid);
                Tally.await("the resumed tracee " + pid + " runs", () -> !sim.console(pid).equals(before));
            }
            for (int pid : pids) {
                List<EngineInfo> mine = Tally.engines(BSN, utrace, machine, pid);
                assertEquals("one engine of the ptrace bundle on task " + pid, 1, mine.size());
                assertEquals(EngineState.ATTACHED, mine.getFirst().state());
            }
            for (int pid : stopped) assertEquals("still stopped: " + pid, TaskState.TRACED, sim.info(pid).state());
            assertEquals("no context released while traced", 0, releases.get());

            Bundle bundle = FrameworkUtil.getBundle(ptrace.getClass());
            assertNotNull(bundle);
            assertEquals(BSN, bundle.getSymbolicName());
            // FileInstall's refresh after the uninstall restarts this probe (it imported the
            // engine's package), which ends its BundleContext: keep the system bundle's.
            BundleContext system = context.getBundle(0).getBundleContext();
            Files.delete(jar); // FileInstall uninstalls the bundle
            Tally.await("FileInstall uninstalled the bundle", () -> bundle.getState() == Bundle.UNINSTALLED);

            assertEquals("one release per context", pids.size() + shellTracees.size(), releases.get());
            for (int pid : shellTracees) {
                assertNotEquals("the shell's tracee " + pid + " is no longer traced", TaskState.TRACED, sim.info(pid).state());
            }
            for (int pid : pids) {
                assertNotEquals("tracee " + pid + " is no longer traced", TaskState.TRACED, sim.info(pid).state());
            }
            for (int pid : sleepers) {
                for (EngineInfo e : Tally.engines(BSN, utrace, machine, pid)) {
                    assertNotEquals("no engine of the bundle attached to " + pid + ": " + e, EngineState.ATTACHED, e.state());
                }
            }
            // A running task unlinks a detached engine at its next resume point; a sleeping one when it wakes.
            List<Integer> busy = new ArrayList<>(counters);
            busy.addAll(shellTracees);
            Tally.assertNoEngineOf(BSN, utrace, machine, sim, busy);
            assertEquals("still one release per context once every task let go", pids.size() + shellTracees.size(),
                    releases.get());
            for (int pid : busy) {
                String before = sim.console(pid);
                Tally.await("the former tracee " + pid + " runs on (" + sim.info(pid) + ")",
                        () -> !sim.console(pid).equals(before));
            }
            for (int pid : sleepers) {
                sim.kill(pid, Signals.SIGINT);
                assertEquals("the former tracee " + pid + " exits normally", "exited 0",
                        sim.waitExit(pid, Duration.ofSeconds(20)).map(Object::toString).orElseGet(() -> "still there: " + sim.info(pid)));
            }
            for (Bundle b : system.getBundles()) assertFalse("the bundle is gone", BSN.equals(b.getSymbolicName()));
        } finally {
            shell.close();
            Tally.killAll(sim, pids);
            Tally.killAll(sim, shellTracees);
        }
    }

    @Test
    public void aSessionStillHeldAfterTheJarIsDeletedAnswersEveryRequestEngineUnloaded() throws Exception {
        int pid = sim.spawn(SpawnRequest.of("counter", List.of("1000000000")));
        Path jar = Path.of(context.getProperty("felix.fileinstall.dir")).resolve("engine-ptrace.jar");
        Ptrace ptrace = deploy(jar);
        PtraceSession session = ptrace.open("itest-debugger");
        try {
            session.attach(pid);
            Tally.await("the SIGSTOP stop of " + pid + " is reported", () -> reportsStop(session, pid));
            Bundle bundle = FrameworkUtil.getBundle(ptrace.getClass());
            BundleWiring wiring = bundle.adapt(BundleWiring.class);
            Files.delete(jar); // FileInstall uninstalls the bundle, then refreshes
            Tally.await("FileInstall uninstalled the bundle", () -> bundle.getState() == Bundle.UNINSTALLED);
            // Only after the refresh is the bundle really gone: its class loader loads nothing more.
            Tally.await("FileInstall refreshed the bundle away", () -> !wiring.isInUse());
            assertEveryRequestSaysUnloaded(ptrace, session, pid);
        } finally {
            Tally.killAll(sim, List.of(pid));
        }
    }

    /** A Gogo session once the engine's ptrace: commands are registered (DS does that after the bundle starts). */
    private CommandSession shell() throws InterruptedException {
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        CommandSession shell = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);
        Tally.await("the ptrace: commands are registered", () -> {
            try {
                shell.execute("ptrace:tracees");
                return true;
            } catch (Exception notYet) {
                return false;
            }
        });
        return shell;
    }

    /** {@code ptrace:wait --nohang pid} reported a stop (its result reads "nothing to report" otherwise). */
    private static boolean shellReportsStop(CommandSession shell, int pid) {
        try {
            return !String.valueOf(shell.execute("ptrace:wait --nohang " + pid)).equals("nothing to report");
        } catch (Exception e) {
            throw new AssertionError("ptrace:wait --nohang " + pid + " was refused", e);
        }
    }

    /** Copies the built engine-ptrace jar into the deploy folder and waits for its service. */
    private Ptrace deploy(Path jar) throws Exception {
        Path built = Path.of(System.getProperty("bundle.engine-ptrace"));
        Path tmp = jar.resolveSibling(jar.getFileName() + ".part");
        Files.copy(built, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, jar, StandardCopyOption.ATOMIC_MOVE);
        // The probe imports the engine's package dynamically: touch its classes only once the
        // bundle FileInstall installs is active.
        Tally.await("FileInstall started " + BSN, () -> Arrays.stream(context.getBundles())
                .anyMatch(b -> BSN.equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE));
        ServiceTracker<Object, Object> t = new ServiceTracker<>(context, "dev.utrace.ptrace.Ptrace", null);
        t.open();
        try {
            Object service = t.waitForService(20_000);
            assertNotNull("the ptrace engine came up from the deploy folder", service);
            return (Ptrace) service;
        } finally {
            t.close();
        }
    }

    /**
     * The engine's count of released contexts (package-private {@code PtraceService.releases}, an
     * {@link AtomicLong}): read through reflection, a JDK object, so it stays readable after the
     * bundle is gone without holding any of its classes.
     */
    private static AtomicLong releaseCounter(Ptrace service) throws ReflectiveOperationException {
        java.lang.reflect.Field f = service.getClass().getDeclaredField("releases");
        f.setAccessible(true);
        return (AtomicLong) f.get(service);
    }

    private static boolean reportsStop(PtraceSession session, int pid) {
        try {
            return session.wait(pid, PtraceSession.WNOHANG).isPresent();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Every request of the held session fails with ESRCH saying the engine was unloaded; all are
     * tried, and the ones that did not are listed. The exception's class is the unloaded
     * bundle's, so it is checked by name, not by a type this probe would have to load now.
     */
    private static void assertEveryRequestSaysUnloaded(Ptrace ptrace, PtraceSession session, int pid) {
        Map<String, Runnable> requests = new LinkedHashMap<>();
        requests.put("open", () -> ptrace.open("another"));
        requests.put("attach", () -> session.attach(pid));
        requests.put("seize", () -> session.seize(pid, 0));
        requests.put("interrupt", () -> session.interrupt(pid));
        requests.put("listen", () -> session.listen(pid));
        requests.put("detach", () -> session.detach(pid, 0));
        requests.put("cont", () -> session.cont(pid, 0));
        requests.put("syscall", () -> session.syscall(pid, 0));
        requests.put("singlestep", () -> session.singlestep(pid, 0));
        requests.put("kill", () -> session.kill(pid));
        requests.put("getRegs", () -> session.getRegs(pid));
        requests.put("setRegs", () -> session.setRegs(pid, new long[Reg.DR0.ordinal()]));
        requests.put("peek", () -> session.peek(pid, 0x600000));
        requests.put("poke", () -> session.poke(pid, 0x600000, 1));
        requests.put("peekUser", () -> session.peekUser(pid, Reg.RIP.userOffset()));
        requests.put("pokeUser", () -> session.pokeUser(pid, Reg.RAX.userOffset(), 1));
        requests.put("getSigInfo", () -> session.getSigInfo(pid));
        requests.put("setSigInfo", () -> session.setSigInfo(pid, new SignalInfo(Signals.SIGUSR1, Signals.SI_USER)));
        requests.put("setOptions", () -> session.setOptions(pid, 0));
        requests.put("getEventMsg", () -> session.getEventMsg(pid));
        requests.put("wait", () -> {
            try {
                session.wait(-1, PtraceSession.WNOHANG);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        });
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Runnable> r : requests.entrySet()) {
            Throwable thrown = null;
            try {
                r.getValue().run();
            } catch (Throwable t) { // also what the unloaded bundle's class loader throws
                thrown = t;
            }
            if (thrown == null) {
                wrong.add(r.getKey() + " did not fail");
            } else if (!thrown.getClass().getName().equals("dev.utrace.ptrace.PtraceException")
                    || !thrown.getMessage().startsWith("ESRCH: ") || !thrown.getMessage().contains("unloaded")) {
                wrong.add(r.getKey() + " threw " + thrown);
            }
        }
        // Listing is no request: an empty list (every tracee was detached) or the same ESRCH will do.
        try {
            List<?> left = session.tracees();
            if (!left.isEmpty()) wrong.add("tracees listed " + left);
        } catch (Throwable t) {
            if (!t.getClass().getName().equals("dev.utrace.ptrace.PtraceException") || !t.getMessage().contains("unloaded")) {
                wrong.add("tracees threw " + t);
            }
        }
        assertEquals("requests that did not answer ESRCH \"engine unloaded\"", List.of(), wrong);
    }
}
