package dev.utrace.itests.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/run --machine linux}: the shell runs on real processes (kernel-linux started instead
 * of kernel-sim) and spawn, wait and console work on them; a machine bin/run does not know is
 * refused before anything starts.
 */
class Launcher_LinuxMachineTest {
    private static final Path ROOT = Path.of(System.getProperty("utrace.root", "..")).toAbsolutePath().normalize();
    private static final Path FELIX = Path.of(System.getProperty("utrace.felix", "../distribution/target/felix"))
            .toAbsolutePath().normalize();

    @TempDir
    Path test;

    private final List<Launcher> started = new ArrayList<>();

    @AfterEach
    void endWhatIsLeft() {
        for (Launcher l : started) l.kill();
    }

    @Test
    void theShellRunsOnRealProcesses() throws Exception {
        Launcher run = start("--machine", "linux");
        run.awaitOutput("the Linux machine started", "lb kernel-linux", l -> l.contains("|Active "));
        run.awaitOutput("no simulated machine", "lb kernel-sim", l -> l.contains("No matching bundles"));
        run.send("spawn /bin/echo utrace on -l linux");
        Pattern spawned = Pattern.compile("\\s*(\\d+)\\s+/bin/echo\\s+utrace on -l linux");
        Launcher.await("the spawn printed its pid", () -> run.output().stream().anyMatch(l -> spawned.matcher(l).matches()));
        Matcher m = run.output().stream().map(spawned::matcher).filter(Matcher::matches).findFirst().orElseThrow();
        String pid = m.group(1);
        run.awaitOutput("it ended", "wait " + pid, l -> l.matches("\\s*" + pid + "\\s+exited 0"));
        run.awaitOutput("its output", "console " + pid, l -> l.endsWith("utrace on -l linux"));
        assertEquals(0, run.end(), "exit status");
        assertEquals(List.of(), run.errors(), "a piped run writes nothing to stderr");
        assertTrue(run.output().stream().noneMatch(s -> s.contains("Exception") || s.contains("WARNING") || s.contains("SEVERE")),
                "no exception, warning or error in the output: " + run.output());
    }

    @Test
    void anUnknownMachineIsRefusedBeforeAnythingStarts() throws Exception {
        Launcher run = start("--machine", "vax");
        assertEquals(2, run.end());
        assertEquals(List.of("bin/run: no machine named 'vax'; use --machine sim (simulated, the default) or --machine linux"
                + " (real processes)"), run.errors());
    }

    private Launcher start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("bin/run").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("UTRACE_FELIX", FELIX.toString());
        pb.environment().put("UTRACE_DEPLOY", Files.createDirectories(test.resolve("deploy")).toString());
        pb.environment().put("UTRACE_PROGRAMS", Files.createDirectories(test.resolve("programs")).toString());
        pb.environment().put("TMPDIR", Files.createDirectories(test.resolve("tmp")).toString());
        Launcher l = new Launcher(pb.start());
        started.add(l);
        return l;
    }
}
