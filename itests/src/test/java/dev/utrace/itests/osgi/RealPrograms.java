package dev.utrace.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real programs for the Pax Exam tests on the Linux machine: kernel-linux's C workloads
 * (system property {@code workloads.dir}), built with gcc (a test skips, saying why, without it),
 * started as a user starts a program the framework did not: a shell runs it in the background,
 * its output into a file, and writes its exit status into another when it ends. The JVM never
 * learns the program's pid (the JDK's process reaper would take the stops a tracer waits for);
 * it waits for the shell. Signals go through {@code /bin/kill}, from outside, as a user sends them.
 */
final class RealPrograms {
    private static final long WAIT_SECONDS = 30; // a bound against a hang on a loaded machine, not a speed check

    private RealPrograms() {
    }

    /** Builds workload {@code name} into {@code dir}; skips the test if there is no gcc. */
    static Path build(String name, Path dir) throws IOException, InterruptedException {
        assumeTrue("gcc is not installed, so the C workloads cannot be built (apt-get install gcc)",
                Files.isExecutable(Path.of("/usr/bin/gcc")));
        Path source = Path.of(System.getProperty("workloads.dir", "../kernel-linux/src/test/resources/workloads"))
                .resolve(name + ".c");
        assertTrue("no workload source " + source, Files.isRegularFile(source));
        Path binary = dir.resolve(name);
        Process gcc = new ProcessBuilder("gcc", "-O1", "-Wall", "-pthread", "-o", binary.toString(), source.toString())
                .redirectErrorStream(true).start();
        String messages = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("gcc did not end", gcc.waitFor(60, TimeUnit.SECONDS));
        assertEquals("gcc " + source + ": " + messages, 0, gcc.exitValue());
        return binary;
    }

    /** One run of a program: its pid, its output file, the file its exit status goes to, and the shell waiting for it. */
    record Run(int pid, Path out, Path status, Process shell) {
        String output() {
            try {
                return Files.readString(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void awaitOutput(String text) throws InterruptedException {
            Tally.await("program " + pid + " printed '" + text.strip() + "'", () -> output().contains(text));
        }

        /** Waits for the program's end; its exit status as the shell saw it ({@code $?}: 128+N if killed by signal N). */
        int awaitEnd() throws InterruptedException, IOException {
            if (!shell.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) fail("program " + pid + " did not end; it wrote: " + output());
            return Integer.parseInt(Files.readString(status).strip());
        }

        /** The thread ids of the program, from /proc. */
        List<Integer> threads() throws IOException {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                return tasks.map(p -> Integer.parseInt(p.getFileName().toString())).sorted().toList();
            }
        }

        /** Ends the program if it is still there (a failed test's leftovers), and waits for its shell. */
        void kill() throws InterruptedException {
            if (shell.isAlive()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                if (!shell.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) shell.destroyForcibly();
            }
        }
    }

    /** Starts {@code program} with {@code args} in the background, as described above. */
    static Run start(Path program, Path dir, String... args) throws IOException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path status = Files.createTempFile(dir, "status", ".txt");
        List<String> cmd = new ArrayList<>(List.of("sh", "-c",
                "p=$1; o=$2; s=$3; shift 3; \"$p\" \"$@\" >\"$o\" 2>&1 </dev/null & echo $!; wait $!; echo $? >\"$s\"",
                "sh", program.toString(), out.toString(), status.toString()));
        cmd.addAll(List.of(args));
        Process shell = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String first = readLine(shell);
        return new Run(Integer.parseInt(first.strip()), out, status, shell);
    }

    private static String readLine(Process p) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = p.getInputStream().read()) != -1 && c != '\n'; ) line.append((char) c);
        return line.toString();
    }

    /** Sends {@code signal} (a name kill(1) knows, e.g. {@code RTMIN+1}, {@code USR2}) to process {@code pid}. */
    static void signal(int pid, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("/bin/kill", "-s", signal, Integer.toString(pid)).redirectErrorStream(true).start();
        String said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("kill did not end", kill.waitFor(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals("kill -s " + signal + " " + pid + ": " + said, 0, kill.exitValue());
    }

    /** Deletes {@code dir} and what it holds. */
    static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    /** A line of {@code /proc/TID/status}, e.g. {@code TracerPid}'s value. */
    static String status(int pid, int tid, String field) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/task/" + tid + "/status")).stream()
                .filter(l -> l.startsWith(field + ":")).map(l -> l.substring(field.length() + 1).strip())
                .findFirst().orElseThrow(() -> new AssertionError("no " + field + " in the status of " + tid));
    }

    /** How often thread {@code tid} went to sleep: it grows with each of the program's nanosleeps, whoever traces it. */
    static long sleeps(int pid, int tid) throws IOException {
        return Long.parseLong(status(pid, tid, "voluntary_ctxt_switches"));
    }
}
