package dev.utrace.linux.internal.ptrace;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernel is the oracle: each ptrace scenario runs on the real kernel through a plain C tracer,
 * on the simulated machine and on the Linux machine through our {@code PtraceSession}, and the
 * three normalised logs are compared line by line. {@code -Dconformance.scenarios=a,b} runs only
 * the scenarios named.
 */
class PtraceConformance_ThreeWayTest {
    @TempDir
    Path programs;

    static Stream<Scenarios.Scenario> scenarios() {
        String only = System.getProperty("conformance.scenarios", "");
        Set<String> names = Arrays.stream(only.split(",")).map(String::strip).filter(n -> !n.isEmpty()).collect(Collectors.toSet());
        return Scenarios.all().stream().filter(s -> names.isEmpty() || names.contains(s.name()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void sameLogOnTheKernelTheSimulationAndTheLinuxMachine(Scenarios.Scenario scenario) throws Exception {
        List<String> kernel = run(scenario, new KernelBackend());
        List<String> sim = run(scenario, SimBackend.start(programs));
        List<String> linux = run(scenario, LinuxBackend.start());
        String differences = LogDiff.of("kernel", scenario.expected("sim", kernel), "sim", sim)
                + LogDiff.of("kernel", scenario.expected("linux", kernel), "linux", linux);
        if (!differences.isEmpty()) {
            fail(scenario.name() + " (" + scenario.description() + ") differs from the kernel (its known deviations applied):\n"
                    + differences + "\n--- the kernel's log:\n" + String.join("\n", kernel));
        }
    }

    /**
     * Runs {@code scenario} on {@code backend} and returns its log. A scenario that cannot go on
     * ends its log there (the comparison shows where); a process left behind fails the test.
     */
    static List<String> run(Scenarios.Scenario scenario, PtraceBackend backend) throws Exception {
        Steps s = new Steps(backend);
        try {
            scenario.body().accept(s);
        } catch (Steps.Aborted e) {
            s.note("aborted: " + e.getMessage());
        } catch (BackendError | AssertionError e) {
            // Its message may hold raw pids: the log keeps the kind, the output the whole story.
            System.out.println(scenario.name() + " on " + backend.name() + " failed:");
            e.printStackTrace(System.out);
            s.note("failed: " + (e instanceof BackendError be ? be.errno : "an assertion (see the output)"));
        } finally {
            backend.close(); // kills what is left; fails if a process stays behind
        }
        return s.log;
    }
}
