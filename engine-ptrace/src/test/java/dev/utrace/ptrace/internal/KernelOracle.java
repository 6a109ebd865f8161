package dev.utrace.ptrace.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a C program of {@code src/test/resources/oracle/} on the real kernel: Linux is the oracle
 * the simulated machine is compared with. The program prints one normalised line per step.
 */
final class KernelOracle {
    private KernelOracle() {
    }

    /** Compiles {@code oracle/<name>.c} with gcc into {@code dir}, runs it, and returns its lines. */
    static List<String> run(String name, Path dir) throws IOException, InterruptedException {
        assumeTrue(Path.of("/proc/self/status").toFile().canRead() && onPath("gcc"),
                "the kernel oracle needs Linux with /proc and gcc on PATH");
        Path source = dir.resolve(name + ".c");
        try (InputStream in = KernelOracle.class.getResourceAsStream("/oracle/" + name + ".c")) {
            if (in == null) throw new IOException("no oracle program oracle/" + name + ".c among the test resources");
            Files.copy(in, source);
        }
        Path binary = dir.resolve(name);
        String compiled = exec(dir, "gcc", "-Wall", "-O1", "-o", binary.toString(), source.toString());
        if (!Files.isExecutable(binary)) throw new IOException("gcc failed for " + source + ":\n" + compiled);
        return exec(dir, binary.toString()).lines().toList();
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) return true;
        }
        return false;
    }

    private static String exec(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 60 s; output so far:\n" + out);
        }
        return out;
    }
}
