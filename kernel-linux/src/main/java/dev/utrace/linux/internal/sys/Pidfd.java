package dev.utrace.linux.internal.sys;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Process file descriptors: a pidfd becomes readable when its process exits, and is never
 * readable for a ptrace stop. Waiting in {@code poll} on one therefore cannot steal a stop from a
 * tracer of this JVM, as a blocking {@code waitpid(pid)} of another thread can.
 */
public final class Pidfd {

    private static final int P_PIDFD = 3;
    public static final int WEXITED = 4;

    private Pidfd() {}

    private static final class Handle {
        static final MethodHandle OPEN = Libc.function("pidfd_open");
        static final MethodHandle WAITID = Libc.function("waitid");
    }

    /** Raw {@code pidfd_open(pid, 0)}: the descriptor, or -1 with errno. */
    public static int open(MemorySegment callState, int pid) {
        try {
            return (int) (long) Handle.OPEN.invokeExact(callState, (long) pid, 0L, 0L, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Raw {@code waitid(P_PIDFD, pidfd, info, options)}: 0, or -1 with errno. */
    public static int waitid(MemorySegment callState, int pidfd, MemorySegment siginfo, int options) {
        try {
            return (int) (long) Handle.WAITID.invokeExact(callState, (long) P_PIDFD, (long) pidfd, Libc.address(siginfo), (long) options,
                    0L, 0L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
