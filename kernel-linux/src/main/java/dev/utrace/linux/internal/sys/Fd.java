package dev.utrace.linux.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
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
        private static final FunctionDescriptor RW = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
        private static final FunctionDescriptor PRW = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG);
        static final MethodHandle PIPE2 = Libc.downcall("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Libc.ERRNO);
        static final MethodHandle CLOSE = Libc.downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), Libc.ERRNO);
        static final MethodHandle READ = Libc.downcall("read", RW, Libc.ERRNO);
        static final MethodHandle PREAD = Libc.downcall("pread64", PRW, Libc.ERRNO);
        static final MethodHandle PWRITE = Libc.downcall("pwrite64", PRW, Libc.ERRNO);
        static final MethodHandle POLL = Libc.downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), Libc.ERRNO);
        // open is variadic after the flags (the mode).
        static final MethodHandle OPEN = Libc.downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2), Libc.ERRNO);
    }

    /** A close-on-exec pipe: {@code {readEnd, writeEnd}}. */
    public static int[] pipe() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            if ((int) Handle.PIPE2.invokeExact(cs, fds, O_CLOEXEC) != 0) {
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
            int ignored = (int) Handle.CLOSE.invokeExact(Libc.newCallState(arena), fd);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Raw {@code open}: the descriptor, or -1 with errno in {@code callState}. */
    public static int open(MemorySegment callState, MemorySegment path, int flags) {
        try {
            return (int) Handle.OPEN.invokeExact(callState, path, flags, 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Raw {@code read}: bytes read, 0 at end of file, or -1 with errno. */
    public static long read(MemorySegment callState, int fd, MemorySegment buffer, long count) {
        try {
            return (long) Handle.READ.invokeExact(callState, fd, buffer, count);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Raw {@code pread}: bytes read, or -1 with errno. */
    public static long pread(MemorySegment callState, int fd, MemorySegment buffer, long count, long offset) {
        try {
            return (long) Handle.PREAD.invokeExact(callState, fd, buffer, count, offset);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Raw {@code pwrite}: bytes written, or -1 with errno. */
    public static long pwrite(MemorySegment callState, int fd, MemorySegment buffer, long count, long offset) {
        try {
            return (long) Handle.PWRITE.invokeExact(callState, fd, buffer, count, offset);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Raw {@code poll} over {@code count} {@code struct pollfd}s: the number ready, or -1 with errno. */
    public static int poll(MemorySegment callState, MemorySegment pollfds, long count, int timeoutMillis) {
        try {
            return (int) Handle.POLL.invokeExact(callState, pollfds, count, timeoutMillis);
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
