package dev.utrace.linux.internal.trace;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.Fd;
import dev.utrace.linux.internal.sys.Libc;
import dev.utrace.linux.internal.sys.Pidfd;
import dev.utrace.linux.internal.sys.Wait;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Reaps a spawned program that outlives its tracer (left running at close). It was the tracer
 * thread's child; once that thread ends it belongs to another thread of the JVM, and nobody else
 * waits for it. The reaper waits in {@code poll} on a pidfd, which becomes readable only at exit:
 * a blocking {@code waitpid(pid)} from this thread would also receive the ptrace stops of the
 * process if another tracer of this JVM attached to it later, and steal them.
 */
final class Reaper {

    private static final System.Logger LOG = System.getLogger(Reaper.class.getName());
    private static final int CLD_EXITED = 1;
    private static final int CLD_DUMPED = 3;
    private static final int SI_STATUS = 24;

    private Reaper() {}

    static void reapLater(Spawned spawned) {
        Thread t = new Thread(() -> reap(spawned), "utrace-reaper-" + spawned.pid());
        t.setDaemon(true);
        t.start();
    }

    private static void reap(Spawned spawned) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            int fd = Pidfd.open(cs, spawned.pid());
            if (fd < 0) {
                LOG.log(System.Logger.Level.WARNING, "cannot watch {0} for its exit: {1}", spawned, Errno.describe(Libc.errno(cs)));
                return;
            }
            try {
                MemorySegment pollfd = arena.allocate(Fd.POLLFD_SIZE, 8);
                Fd.setPollFd(pollfd, 0, fd, Fd.POLLIN);
                while (Fd.poll(cs, pollfd, 1, -1) < 0 && Libc.errno(cs) == Errno.EINTR) {
                    Fd.setPollFd(pollfd, 0, fd, Fd.POLLIN);
                }
                MemorySegment info = arena.allocate(128, 8);
                while (Pidfd.waitid(cs, fd, info, Pidfd.WEXITED) < 0) {
                    if (Libc.errno(cs) != Errno.EINTR) return;
                }
                int code = info.get(JAVA_INT, 8);
                int status = info.get(JAVA_INT, SI_STATUS);
                spawned.exit.complete(code == CLD_EXITED ? Wait.exitedStatus(status)
                        : Wait.killedStatus(status) | (code == CLD_DUMPED ? 0x80 : 0));
            } finally {
                Fd.close(fd);
            }
        }
    }
}
