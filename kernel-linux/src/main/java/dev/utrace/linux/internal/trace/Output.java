package dev.utrace.linux.internal.trace;

import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.Fd;
import dev.utrace.linux.internal.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The stdout and stderr of a spawned program, read from two pipes by a thread of its own (in
 * {@code poll}, so the tracer thread never waits for output). Keeps the last {@link #LIMIT}
 * bytes of each.
 */
public final class Output {

    public static final int LIMIT = 1 << 20;

    private final Buffer out = new Buffer();
    private final Buffer err = new Buffer();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    /** Starts reading {@code stdoutFd} and {@code stderrFd} (read ends this object closes at end of file). */
    static Output start(int pid, int stdoutFd, int stderrFd) {
        Output o = new Output();
        Thread t = new Thread(() -> o.pump(stdoutFd, stderrFd), "utrace-output-" + pid);
        t.setDaemon(true);
        t.start();
        return o;
    }

    private Output() {}

    /** Everything the program wrote to stdout so far, decoded as UTF-8. */
    public String stdout() {
        return out.text();
    }

    public String stderr() {
        return err.text();
    }

    public byte[] stdoutBytes() {
        return out.bytes();
    }

    /** Completes when both pipes reached end of file: every process holding them has closed them or ended. */
    public CompletableFuture<Void> closed() {
        return closed.copy();
    }

    private void pump(int stdoutFd, int stderrFd) {
        int[] fds = {stdoutFd, stderrFd};
        Buffer[] into = {out, err};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            MemorySegment pollfds = arena.allocate(Fd.POLLFD_SIZE * 2, 8);
            MemorySegment chunk = arena.allocate(65536);
            int open = 2;
            while (open > 0) {
                for (int i = 0; i < 2; i++) Fd.setPollFd(pollfds, i, fds[i], Fd.POLLIN);
                if (Fd.poll(cs, pollfds, 2, -1) < 0) {
                    if (Libc.errno(cs) == Errno.EINTR) continue;
                    break;
                }
                for (int i = 0; i < 2; i++) {
                    if (fds[i] < 0 || Fd.revents(pollfds, i) == 0) continue;
                    long n = Fd.read(cs, fds[i], chunk, chunk.byteSize());
                    if (n > 0) {
                        into[i].append(chunk.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
                    } else if (n == 0 || Libc.errno(cs) != Errno.EINTR) {
                        Fd.close(fds[i]);
                        fds[i] = -1;
                        open--;
                    }
                }
            }
        } finally {
            Fd.close(fds[0]);
            Fd.close(fds[1]);
            closed.complete(null);
        }
    }

    /** The last {@link #LIMIT} bytes of one stream. */
    private static final class Buffer {
        private byte[] data = new byte[256];
        private int length;

        synchronized void append(byte[] bytes) {
            if (length + bytes.length > data.length) {
                int needed = Math.min(LIMIT, length + bytes.length);
                if (needed > data.length) data = Arrays.copyOf(data, Math.max(needed, Math.min(LIMIT, data.length * 2)));
            }
            int keep = Math.min(length, LIMIT - Math.min(bytes.length, LIMIT));
            if (keep < length) {
                System.arraycopy(data, length - keep, data, 0, keep);
                length = keep;
            }
            int take = Math.min(bytes.length, LIMIT);
            System.arraycopy(bytes, bytes.length - take, data, length, take);
            length += take;
        }

        synchronized byte[] bytes() {
            return Arrays.copyOf(data, length);
        }

        String text() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }
    }
}
