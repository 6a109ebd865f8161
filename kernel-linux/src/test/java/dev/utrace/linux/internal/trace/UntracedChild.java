package dev.utrace.linux.internal.trace;

import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.Fd;
import dev.utrace.linux.internal.sys.Libc;
import dev.utrace.linux.internal.sys.LinuxException;
import dev.utrace.linux.internal.sys.Signals;
import dev.utrace.linux.internal.sys.Spawn;
import dev.utrace.linux.internal.sys.Wait;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * A process the test starts itself, untraced, to attach to: posix_spawn'ed from the test thread
 * (so the JDK's reaper never waits for it), its stdout read like a spawned program's. The test
 * thread is its parent and reaps it; it must not wait for it while a tracer of this JVM traces
 * it (that wait would receive the tracer's ptrace stops).
 */
public final class UntracedChild implements AutoCloseable {

    public final int pid;
    final Output output;
    private int status = -1;

    public UntracedChild(String program, String... args) {
        int[] out = Fd.pipe();
        int[] err = Fd.pipe();
        List<String> argv = new java.util.ArrayList<>();
        argv.add(program);
        argv.addAll(List.of(args));
        try {
            pid = Spawn.spawn(new Spawn.Request(program, argv, null, null, out[1], err[1]));
        } finally {
            Fd.close(out[1]);
            Fd.close(err[1]);
        }
        output = Output.start(pid, out[0], err[0]);
    }

    /** Waits until stdout contains {@code text}. */
    public void awaitOutput(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TracerTestBase.TIMEOUT_SECONDS * 1_000_000_000L;
        while (!output.stdout().contains(text)) {
            if (System.nanoTime() > deadline) throw new AssertionError("process " + pid + " never wrote " + text + ": " + output.stdout());
            Thread.sleep(2);
        }
    }

    /** Waits for it to end and reaps it: its wait status. Only once no tracer traces it. */
    public int waitExit() {
        if (status >= 0) return status;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            MemorySegment st = arena.allocate(ValueLayout.JAVA_INT);
            while (true) {
                int r = Wait.waitpid(cs, pid, st, 0);
                if (r == pid) return status = st.get(ValueLayout.JAVA_INT, 0);
                if (Libc.errno(cs) != Errno.EINTR) throw new LinuxException("waitpid(" + pid + ")", Libc.errno(cs), null);
            }
        }
    }

    /** What it has written to stdout so far. */
    public String stdoutSoFar() {
        return output.stdout();
    }

    /** Its stdout once the pipe closed. */
    public String stdout() throws Exception {
        TracerTestBase.get(output.closed());
        return output.stdout();
    }

    /** Kills it if it still runs, and reaps it. */
    @Override
    public void close() {
        if (status >= 0) return;
        try {
            Signals.send(pid, Signals.SIGKILL);
        } catch (LinuxException e) {
            // exited already; the wait below reaps it
        }
        waitExit();
    }
}
