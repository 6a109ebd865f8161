package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The C programs the tests trace (sources under {@code src/test/resources/workloads}), built with
 * gcc once per test JVM into a temporary directory that is deleted when the JVM exits.
 */
public final class Workloads {

    private static final Map<String, Path> BUILT = new ConcurrentHashMap<>();
    private static volatile Path dir;

    private Workloads() {}

    /** The absolute path of workload {@code name}, built if needed; skips the test if there is no gcc. */
    public static String path(String name) {
        return BUILT.computeIfAbsent(name, Workloads::build).toString();
    }

    private static Path build(String name) {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")) || Files.isExecutable(Path.of("/bin/gcc")),
                "gcc is not installed, so the C workloads cannot be built (apt-get install gcc)");
        try {
            Path source = directory().resolve(name + ".c");
            try (InputStream in = Workloads.class.getResourceAsStream("/workloads/" + name + ".c")) {
                if (in == null) throw new IllegalArgumentException("no workload source " + name + ".c");
                Files.copy(in, source);
            }
            Path binary = directory().resolve(name);
            Process gcc = new ProcessBuilder("gcc", "-O1", "-Wall", "-pthread", "-o", binary.toString(), source.toString())
                    .redirectErrorStream(true).start();
            String messages = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
                throw new IllegalStateException("gcc failed on " + name + ".c:\n" + messages);
            }
            return binary;
        } catch (IOException e) {
            throw new IllegalStateException("cannot build workload " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static synchronized Path directory() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("utrace-workloads");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // a temp directory left behind is harmless
                }
            }));
        }
        return dir;
    }
}
