package dev.utrace.itests.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code bin/run} at once, as two people (or a person and a script) start them in one
 * checkout: each runs its own framework, in its own folder, so neither wipes the other's cache
 * (the second used to, and the first then failed to unload a bundle it had installed before,
 * with {@code NoSuchFileException ... bundle.info}); both follow the deploy/ they share;
 * piped runs print nothing but the shell's own output (no JDK or terminal warnings); each run's
 * folder is gone after it ended.
 *
 * <p>bin/run starts the runtime this build made ({@code UTRACE_FELIX}), with its own deploy/,
 * programs/ and temporary folder ({@code TMPDIR}) under a test folder.
 */
class Launcher_TwoRunsTest {
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
    void twoRunsAtOnceKeepTheirOwnFrameworkAndBothHotDeploy() throws Exception {
        Path deploy = Files.createDirectories(test.resolve("deploy"));
        Path temp = Files.createDirectories(test.resolve("tmp"));
        deployJar("engine-passive.jar", deploy);

        Launcher first = start(deploy, temp);
        first.awaitOutput("the first run started the engine in deploy/", "lb engine-passive", Launcher_TwoRunsTest::active);
        Launcher second = start(deploy, temp);
        second.awaitOutput("the second run started the engine in deploy/", "lb engine-passive", Launcher_TwoRunsTest::active);
        assertEquals(2, runFolders(temp).size(), "each run has its own folder: " + runFolders(temp));

        // The second start used to wipe the first's cache: uninstalling a bundle the first had
        // installed before then failed with NoSuchFileException ... bundle.info.
        Files.delete(deploy.resolve("engine-passive.jar"));
        for (Launcher run : List.of(first, second)) {
            run.awaitOutput("the engine unloaded", "lb engine-passive", l -> l.contains("No matching bundles"));
        }
        deployJar("engine-watchpoint.jar", deploy);
        for (Launcher run : List.of(first, second)) {
            run.awaitOutput("the new engine started", "lb engine-watchpoint", Launcher_TwoRunsTest::active);
        }

        assertEquals(0, second.end(), "the second run's exit status");
        deployJar("engine-passive.jar", deploy);
        first.awaitOutput("the first run, alone again, hot-deploys on", "lb engine-passive", Launcher_TwoRunsTest::active);
        first.awaitOutput("the first run traces", "passive:list", l -> l.contains("RECORDED"));
        assertEquals(0, first.end(), "the first run's exit status");

        for (Launcher run : List.of(first, second)) {
            assertEquals(List.of(), run.errors(), "a piped run writes nothing to stderr");
            assertTrue(run.output().stream().noneMatch(s -> s.contains("Exception") || s.contains("WARNING") || s.contains("ERROR")),
                    "no exception, warning or error in the output: " + run.output());
        }
        Launcher.await("each run's folder is removed when it ends", () -> runFolders(temp).isEmpty());
    }

    /** A line of {@code lb}: the bundle is active. */
    private static boolean active(String line) {
        return line.contains("|Active ");
    }

    private Launcher start(Path deploy, Path temp) throws IOException {
        Path programs = Files.createDirectories(test.resolve("programs"));
        ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("bin/run").toString());
        pb.environment().put("UTRACE_FELIX", FELIX.toString());
        pb.environment().put("UTRACE_DEPLOY", deploy.toString());
        pb.environment().put("UTRACE_PROGRAMS", programs.toString());
        pb.environment().put("TMPDIR", temp.toString());
        Launcher l = new Launcher(pb.start());
        started.add(l);
        return l;
    }

    /** Copies an engine of the built runtime into deploy/ in one step (beside it, then moved in). */
    private void deployJar(String name, Path deploy) throws IOException {
        Path part = Files.copy(FELIX.resolve("engines").resolve(name), test.resolve(name + ".part"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.move(part, deploy.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private static List<Path> runFolders(Path temp) {
        try (Stream<Path> s = Files.list(temp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("utrace-run.")).toList();
        } catch (IOException e) {
            throw new AssertionError("cannot list " + temp, e);
        }
    }
}
