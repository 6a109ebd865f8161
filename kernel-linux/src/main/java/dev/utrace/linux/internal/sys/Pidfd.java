package dev.utrace.linux.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
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
        static final MethodHandle OPEN = Libc.downcall("pidfd_open",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), Libc.ERRNO);
        static final MethodHandle WAITID = Libc.downcall("waitid",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), Libc.ERRNO);
    }

    /** Raw {@code pidfd_open(pid, 0)}: the descriptor, or -1 with errno. */
    public static int open(MemorySegment callState, int pid) {
        try {
            return (int) Handle.OPEN.invokeExact(callState, pid, 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Raw {@code waitid(P_PIDFD, pidfd, info, options)}: 0, or -1 with errno. */
    public static int waitid(MemorySegment callState, int pidfd, MemorySegment siginfo, int options) {
        try {
            return (int) Handle.WAITID.invokeExact(callState, P_PIDFD, pidfd, siginfo, options);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
