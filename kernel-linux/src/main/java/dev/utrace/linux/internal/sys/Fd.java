package dev.utrace.linux.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** File descriptors: pipes for a child's output, {@code poll}, and positioned I/O on {@code /proc} files. */
public final class Fd {

    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_CLOEXEC = 0x80000;
    public static final short POLLIN = 0x1;
    public static final short POLLHUP = 0x10;
    /** {@code struct pollfd}: int fd, short events, short revents. */
    public static final long POLLFD_SIZE = 8;

    private Fd() {}

    private static final class Handle {
        static final MethodHandle PIPE2 = Libc.function("pipe2");
        static final MethodHandle CLOSE = Libc.function("close");
        static final MethodHandle READ = Libc.function("read");
        static final MethodHandle PREAD = Libc.function("pread64");
        static final MethodHandle PWRITE = Libc.function("pwrite64");
        static final MethodHandle POLL = Libc.function("poll");
        static final MethodHandle OPEN = Libc.function("open");
    }

    /** A close-on-exec pipe: {@code {readEnd, writeEnd}}. */
    public static int[] pipe() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            if ((int) (long) Handle.PIPE2.invokeExact(cs, Libc.address(fds), (long) O_CLOEXEC, 0L, 0L, 0L, 0L) != 0) {
                throw new LinuxException("pipe2", Libc.errno(cs), "this JVM may have run out of file descriptors");
            }
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Closes {@code fd}, ignoring errors (there is nothing a caller could do about them). */
    public static void close(int fd) {
        if (fd < 0) return;
        try (Arena arena = Arena.ofConfined()) {
            long ignored = (long) Handle.CLOSE.invokeExact(Libc.newCallState(arena), (long) fd, 0L, 0L, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Raw {@code open}: the descriptor, or -1 with errno in {@code callState}. */
    public static int open(MemorySegment callState, MemorySegment path, int flags) {
        try {
            return (int) (long) Handle.OPEN.invokeExact(callState, Libc.address(path), (long) flags, 0L, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Raw {@code read}: bytes read, 0 at end of file, or -1 with errno. */
    public static long read(MemorySegment callState, int fd, MemorySegment buffer, long count) {
        try {
            return (long) Handle.READ.invokeExact(callState, (long) fd, Libc.address(buffer), count, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Raw {@code pread}: bytes read, or -1 with errno. */
    public static long pread(MemorySegment callState, int fd, MemorySegment buffer, long count, long offset) {
        try {
            return (long) Handle.PREAD.invokeExact(callState, (long) fd, Libc.address(buffer), count, offset, 0L, 0L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Raw {@code pwrite}: bytes written, or -1 with errno. */
    public static long pwrite(MemorySegment callState, int fd, MemorySegment buffer, long count, long offset) {
        try {
            return (long) Handle.PWRITE.invokeExact(callState, (long) fd, Libc.address(buffer), count, offset, 0L, 0L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Raw {@code poll} over {@code count} {@code struct pollfd}s: the number ready, or -1 with errno. */
    public static int poll(MemorySegment callState, MemorySegment pollfds, long count, int timeoutMillis) {
        try {
            return (int) (long) Handle.POLL.invokeExact(callState, Libc.address(pollfds), count, (long) timeoutMillis, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Fills pollfd {@code index} of {@code pollfds}. */
    public static void setPollFd(MemorySegment pollfds, int index, int fd, short events) {
        pollfds.set(JAVA_INT, index * POLLFD_SIZE, fd);
        pollfds.set(JAVA_SHORT, index * POLLFD_SIZE + 4, events);
        pollfds.set(JAVA_SHORT, index * POLLFD_SIZE + 6, (short) 0);
    }

    /** The {@code revents} of pollfd {@code index}. */
    public static short revents(MemorySegment pollfds, int index) {
        return pollfds.get(JAVA_SHORT, index * POLLFD_SIZE + 6);
    }
}
