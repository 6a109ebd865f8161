package dev.utrace.linux.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** Signal numbers of x86_64 Linux, their names, and {@code kill(2)} / {@code tgkill(2)}. */
public final class Signals {

    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGTRAP = 5;
    public static final int SIGABRT = 6;
    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGSEGV = 11;
    public static final int SIGUSR2 = 12;
    public static final int SIGPIPE = 13;
    public static final int SIGALRM = 14;
    public static final int SIGTERM = 15;
    public static final int SIGCHLD = 17;
    public static final int SIGCONT = 18;
    public static final int SIGSTOP = 19;
    public static final int SIGTSTP = 20;
    public static final int SIGTTIN = 21;
    public static final int SIGTTOU = 22;
    public static final int SIGURG = 23;
    /** The first real-time signal as the kernel numbers it (glibc reserves 32 and 33 for itself). */
    public static final int SIGRTMIN_KERNEL = 32;
    /** The highest signal number. */
    public static final int MAX = 64;

    private static final String[] NAMES = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
        "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
        "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
        "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    private Signals() {}

    private static final class Handle {
        static final MethodHandle KILL = Libc.function("kill");
        static final MethodHandle TGKILL = Libc.function("tgkill");
    }

    /** {@code "SIGKILL"}, {@code "SIGRT3"} (kernel number 35), {@code "signal 99"}. */
    public static String name(int signal) {
        if (signal > 0 && signal < NAMES.length) return NAMES[signal];
        if (signal >= SIGRTMIN_KERNEL && signal <= MAX) return "SIGRT" + (signal - SIGRTMIN_KERNEL);
        return "signal " + signal;
    }

    /** Whether {@code signal} stops a process by default (the four job-control stop signals). */
    public static boolean isStopSignal(int signal) {
        return signal == SIGSTOP || signal == SIGTSTP || signal == SIGTTIN || signal == SIGTTOU;
    }

    /** Raw {@code kill}: 0, or -1 with errno in {@code callState}. */
    public static int kill(MemorySegment callState, int pid, int signal) {
        try {
            return (int) (long) Handle.KILL.invokeExact(callState, (long) pid, (long) signal, 0L, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Raw {@code tgkill}: 0, or -1 with errno in {@code callState}. */
    public static int tgkill(MemorySegment callState, int tgid, int tid, int signal) {
        try {
            return (int) (long) Handle.TGKILL.invokeExact(callState, (long) tgid, (long) tid, (long) signal, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** {@code kill} from any thread; throws with the errno on failure (ESRCH: no such process). */
    public static void send(int pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            if (kill(cs, pid, signal) != 0) {
                throw new LinuxException("kill(" + pid + ", " + name(signal) + ")", Libc.errno(cs),
                        "check that process " + pid + " exists and that this JVM may signal it");
            }
        }
    }

    /** {@code tgkill} from any thread; throws with the errno on failure. */
    public static void sendToThread(int tgid, int tid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            if (tgkill(cs, tgid, tid, signal) != 0) {
                throw new LinuxException("tgkill(" + tgid + ", " + tid + ", " + name(signal) + ")", Libc.errno(cs),
                        "check that thread " + tid + " of process " + tgid + " exists");
            }
        }
    }
}
