package dev.utrace.linux.internal.sys;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code ptrace(2)}. Every request except {@link #SEIZE} and {@link #INTERRUPT} on a running task
 * works only from the thread that attached the tracee (a platform thread; any other thread,
 * virtual threads included, gets ESRCH), and only while the tracee is in a ptrace stop.
 */
public final class Ptrace {

    public static final int PEEKDATA = 2;
    public static final int PEEKUSER = 3;
    public static final int POKEDATA = 5;
    public static final int POKEUSER = 6;
    public static final int CONT = 7;
    public static final int KILL = 8;
    public static final int SINGLESTEP = 9;
    public static final int GETREGS = 12;
    public static final int SETREGS = 13;
    public static final int DETACH = 17;
    public static final int SYSCALL = 24;
    public static final int SETOPTIONS = 0x4200;
    public static final int GETEVENTMSG = 0x4201;
    public static final int GETSIGINFO = 0x4202;
    public static final int SETSIGINFO = 0x4203;
    public static final int SEIZE = 0x4206;
    public static final int INTERRUPT = 0x4207;
    public static final int LISTEN = 0x4208;
    public static final int GET_SYSCALL_INFO = 0x420e;

    public static final int O_TRACESYSGOOD = 0x1;
    public static final int O_TRACEFORK = 0x2;
    public static final int O_TRACEVFORK = 0x4;
    public static final int O_TRACECLONE = 0x8;
    public static final int O_TRACEEXEC = 0x10;
    public static final int O_TRACEVFORKDONE = 0x20;
    public static final int O_TRACEEXIT = 0x40;
    public static final int O_TRACESECCOMP = 0x80;
    public static final int O_EXITKILL = 0x100000;

    public static final int EVENT_FORK = 1;
    public static final int EVENT_VFORK = 2;
    public static final int EVENT_CLONE = 3;
    public static final int EVENT_EXEC = 4;
    public static final int EVENT_VFORK_DONE = 5;
    public static final int EVENT_EXIT = 6;
    public static final int EVENT_SECCOMP = 7;
    public static final int EVENT_STOP = 128;

    private Ptrace() {}

    private static final class Handle {
        static final MethodHandle PTRACE = Libc.function("ptrace");
    }

    /**
     * One request. Returns what glibc returns: -1 on failure with errno in {@code callState}; for
     * the PEEK requests the word read (which may be -1 legitimately: glibc sets errno to 0 then).
     * {@code addr} and {@code data} are raw words; pass a segment's {@code address()} for a buffer.
     */
    public static long call(MemorySegment callState, int request, int tid, long addr, long data) {
        try {
            return (long) Handle.PTRACE.invokeExact(callState, (long) request, (long) tid, addr, data, 0L, 0L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** {@code "PTRACE_GETREGS"}, for messages. */
    public static String requestName(int request) {
        return switch (request) {
            case PEEKDATA -> "PTRACE_PEEKDATA";
            case PEEKUSER -> "PTRACE_PEEKUSER";
            case POKEDATA -> "PTRACE_POKEDATA";
            case POKEUSER -> "PTRACE_POKEUSER";
            case CONT -> "PTRACE_CONT";
            case KILL -> "PTRACE_KILL";
            case SINGLESTEP -> "PTRACE_SINGLESTEP";
            case GETREGS -> "PTRACE_GETREGS";
            case SETREGS -> "PTRACE_SETREGS";
            case DETACH -> "PTRACE_DETACH";
            case SYSCALL -> "PTRACE_SYSCALL";
            case SETOPTIONS -> "PTRACE_SETOPTIONS";
            case GETEVENTMSG -> "PTRACE_GETEVENTMSG";
            case GETSIGINFO -> "PTRACE_GETSIGINFO";
            case SETSIGINFO -> "PTRACE_SETSIGINFO";
            case SEIZE -> "PTRACE_SEIZE";
            case INTERRUPT -> "PTRACE_INTERRUPT";
            case LISTEN -> "PTRACE_LISTEN";
            case GET_SYSCALL_INFO -> "PTRACE_GET_SYSCALL_INFO";
            default -> "ptrace request " + request;
        };
    }

    /** {@code "PTRACE_EVENT_CLONE"}, for messages. */
    public static String eventName(int event) {
        return switch (event) {
            case EVENT_FORK -> "PTRACE_EVENT_FORK";
            case EVENT_VFORK -> "PTRACE_EVENT_VFORK";
            case EVENT_CLONE -> "PTRACE_EVENT_CLONE";
            case EVENT_EXEC -> "PTRACE_EVENT_EXEC";
            case EVENT_VFORK_DONE -> "PTRACE_EVENT_VFORK_DONE";
            case EVENT_EXIT -> "PTRACE_EVENT_EXIT";
            case EVENT_SECCOMP -> "PTRACE_EVENT_SECCOMP";
            case EVENT_STOP -> "PTRACE_EVENT_STOP";
            default -> "ptrace event " + event;
        };
    }
}
