package dev.utrace.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.options;

import dev.utrace.api.hw.Access;
import dev.utrace.api.proc.Processes;
import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.api.task.Signals;
import dev.utrace.passive.PassiveTracer;
import dev.utrace.ptrace.Ptrace;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.WaitResult;
import dev.utrace.watchpoint.Watchpoints;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The three engines in a framework without a shell: no Gogo bundle is installed, so the engines'
 * optional import of its package stays unwired. Each engine resolves, starts and works through its
 * service; none of its command components is satisfied, so no command or converter is registered.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethodPortableFailures.class)
public class EnginesWithoutShell_IT {
    private static final List<String> ENGINES = List.of("dev.utrace.engine-passive", "dev.utrace.engine-ptrace",
            "dev.utrace.engine-watchpoint");

    @Inject
    BundleContext context;
    @Inject
    Processes processes;
    @Inject
    PassiveTracer passive;
    @Inject
    Ptrace ptrace;
    @Inject
    Watchpoints watchpoints;

    @Configuration
    public Option[] config() {
        return options(UtraceOptions.core(), UtraceOptions.machine(), UtraceOptions.libraries(),
                UtraceOptions.projectBundle("engine-passive"),
                UtraceOptions.projectBundle("engine-ptrace"), UtraceOptions.projectBundle("engine-watchpoint"),
                UtraceOptions.junit(), cleanCaches());
    }

    @Test
    public void eachEngineWorksAndRegistersNoCommands() throws Exception {
        for (Bundle b : context.getBundles()) {
            assertFalse("no shell is installed: " + b.getSymbolicName(), b.getSymbolicName().startsWith("org.apache.felix.gogo"));
        }
        for (String bsn : ENGINES) {
            Bundle engine = bundle(bsn);
            assertEquals(bsn + " is active without a shell", Bundle.ACTIVE, engine.getState());
            ServiceReference<?>[] offered = engine.getRegisteredServices();
            for (ServiceReference<?> ref : offered == null ? new ServiceReference<?>[0] : offered) {
                assertNull(bsn + " registered a command: " + ref, ref.getProperty("osgi.command.scope"));
                for (String type : (String[]) ref.getProperty("objectClass")) {
                    assertFalse(bsn + " registered " + type, type.startsWith("org.apache.felix.service.command"));
                }
            }
        }

        int pid = processes.spawn(SpawnRequest.of("counter", List.of("1000000000")));
        passive.trace(pid, Set.of(dev.utrace.passive.Kind.SYSCALLS), false);
        Tally.await("the passive tracer records syscalls", () -> !passive.log(pid, 3).isEmpty());
        passive.untrace(pid);
        // Its export writes through Jackson, another bundle, as deployed: the import is wired and works.
        java.nio.file.Path file = java.nio.file.Files.createTempDirectory("utrace-export").resolve("counter.ndjson");
        dev.utrace.passive.ExportResult exported = passive.export(pid, file, dev.utrace.passive.ExportFormat.NDJSON, false);
        assertEquals(passive.log(pid, Integer.MAX_VALUE).size(), exported.events());
        assertEquals(exported.events(), java.nio.file.Files.readAllLines(file).size());
        assertTrue(java.nio.file.Files.readAllLines(file).stream().allMatch(l -> l.startsWith("{\"v\":1,") && l.endsWith("}")));
        java.nio.file.Files.delete(file);
        java.nio.file.Files.delete(file.getParent());

        try (PtraceSession debugger = ptrace.open("no-shell")) {
            debugger.attach(pid);
            WaitResult stop = debugger.wait(pid, 0).orElseThrow();
            assertEquals(Signals.SIGSTOP, stop.signal());
            debugger.detach(pid, 0);
        }

        int writer = processes.spawn(SpawnRequest.of("memwriter", List.of("1000000000")));
        var watch = watchpoints.add(writer, 0x10000008L, 8, Access.WRITE, dev.utrace.watchpoint.Scope.THREAD, false);
        Tally.await("the watch records hits", () -> !watchpoints.hits(watch.id(), 1).isEmpty());
        watchpoints.remove(watch.id());

        for (int p : List.of(pid, writer)) {
            processes.kill(p, Signals.SIGKILL);
            assertNotNull(processes.waitExit(p, Duration.ofSeconds(20)).orElse(null));
        }
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) return b;
        }
        throw new AssertionError(bsn + " is not installed");
    }
}
