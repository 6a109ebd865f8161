package dev.utrace.linux.internal.sys;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code waitpid(2)} and the decoding of its status word.
 *
 * <p>A tracer in a JVM waits with {@code __WALL | __WNOTHREAD}: without {@code __WNOTHREAD} the
 * kernel also reports the children of every other thread of the JVM, and the tracer would reap
 * the exits the JDK's process reaper waits for (measured: {@code waitFor()} returned 0 for a
 * child that ran {@code exit 3} in 3 of 10 trials).
 */
public final class Wait {

    public static final int WNOHANG = 1;
    public static final int WUNTRACED = 2;
    public static final int WNOTHREAD = 0x20000000;
    public static final int WALL = 0x40000000;

    private Wait() {}

    private static final class Handle {
        static final MethodHandle WAITPID = Libc.function("waitpid");
    }

    /** Returns the tid whose status was stored in {@code status} (an int), 0 (WNOHANG), or -1 with errno. */
    public static int waitpid(MemorySegment callState, int pid, MemorySegment status, int options) {
        try {
            return (int) (long) Handle.WAITPID.invokeExact(callState, (long) pid, Libc.address(status), (long) options, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public static boolean isStopped(int status) {
        return (status & 0xff) == 0x7f;
    }

    public static boolean isExited(int status) {
        return (status & 0x7f) == 0;
    }

    public static boolean isKilled(int status) {
        return (status & 0x7f) != 0 && (status & 0x7f) != 0x7f;
    }

    /** The stop signal of a stopped status; {@code SIGTRAP | 0x80} for a syscall stop. */
    public static int stopSignal(int status) {
        return (status >> 8) & 0xff;
    }

    /** The {@code PTRACE_EVENT_*} of a stopped status, 0 for none. */
    public static int event(int status) {
        return (status >>> 16) & 0xffff;
    }

    public static int exitCode(int status) {
        return (status >> 8) & 0xff;
    }

    public static int termSignal(int status) {
        return status & 0x7f;
    }

    public static boolean coreDumped(int status) {
        return (status & 0x80) != 0;
    }

    /** The status word of {@code exit(code)}. */
    public static int exitedStatus(int code) {
        return (code & 0xff) << 8;
    }

    /** The status word of a death by {@code signal}. */
    public static int killedStatus(int signal) {
        return signal & 0x7f;
    }

    /** {@code "exited 3"}, {@code "killed by SIGKILL"}, {@code "stopped SIGSTOP (PTRACE_EVENT_STOP)"}. */
    public static String describe(int status) {
        if (isExited(status)) return "exited " + exitCode(status);
        if (isStopped(status)) {
            int sig = stopSignal(status);
            int event = event(status);
            String what = sig == (Signals.SIGTRAP | 0x80) ? "stopped at a syscall" : "stopped " + Signals.name(sig);
            return event == 0 ? what : what + " (" + Ptrace.eventName(event) + ")";
        }
        if (isKilled(status)) {
            return "killed by " + Signals.name(termSignal(status)) + (coreDumped(status) ? " (core dumped)" : "");
        }
        return "wait status 0x" + Integer.toHexString(status);
    }
}
