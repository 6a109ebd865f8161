package dev.utrace.itests.launcher;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * One {@code bin/run} process with commands piped in, as a script drives it: its standard
 * output and error collected line by line. Waits are bounded (2 min, against a hung run on a
 * loaded machine), never a measure of speed.
 */
final class Launcher {
    private static final long WAIT_NANOS = TimeUnit.MINUTES.toNanos(2);

    private final Process process;
    private final Writer in;
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();
    private final Thread outReader;
    private final Thread errReader;

    Launcher(Process process) {
        this.process = process;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.outReader = Thread.ofPlatform().daemon().start(() -> collect(process.getInputStream(), out));
        this.errReader = Thread.ofPlatform().daemon().start(() -> collect(process.getErrorStream(), err));
    }

    private static void collect(InputStream stream, List<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) lines.add(line);
        } catch (IOException e) {
            lines.add("(reading failed: " + e.getMessage() + ")");
        }
    }

    /** Types {@code command}, again every half second, until an output line matches {@code wanted}. */
    void awaitOutput(String what, String command, Predicate<String> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        int from = out.size();
        while (true) {
            send(command);
            for (int i = 0; i < 10; i++) {
                List<String> lines = out.subList(Math.min(from, out.size()), out.size());
                if (lines.stream().anyMatch(wanted)) return;
                if (!process.isAlive()) fail(what + ": bin/run ended; output " + out + ", errors " + err);
                Thread.sleep(50);
            }
            if (System.nanoTime() - deadline > 0) fail("timed out waiting until " + what + "; output " + out + ", errors " + err);
        }
    }

    /** Types {@code command} once. */
    void send(String command) {
        try {
            in.write(command + "\n");
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("bin/run no longer reads its input", e);
        }
    }

    /** Ends the input (as Ctrl-D does) and waits for bin/run to end; its exit status. */
    int end() throws IOException, InterruptedException {
        in.close();
        if (!process.waitFor(WAIT_NANOS, TimeUnit.NANOSECONDS)) fail("bin/run did not end at the end of its input; output " + out);
        outReader.join();
        errReader.join();
        return process.exitValue();
    }

    List<String> output() {
        return List.copyOf(out);
    }

    List<String> errors() {
        return List.copyOf(err);
    }

    /** Ends the process and what it started, if a failed test left it running. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) fail("timed out waiting until " + what);
            Thread.sleep(50);
        }
    }
}
