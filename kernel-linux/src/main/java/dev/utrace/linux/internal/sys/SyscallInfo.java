package dev.utrace.linux.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * {@code struct ptrace_syscall_info} (88 bytes), filled by {@code PTRACE_GET_SYSCALL_INFO}; its
 * {@code op} says whether a syscall stop is an entry or an exit, which a per-thread toggle can
 * only guess (an attach or an exec in the middle of a syscall breaks the toggle).
 */
public final class SyscallInfo {

    public static final long SIZE = 88;
    public static final int OP_NONE = 0;
    public static final int OP_ENTRY = 1;
    public static final int OP_EXIT = 2;
    public static final int OP_SECCOMP = 3;

    private SyscallInfo() {}

    public static int op(MemorySegment info) {
        return info.get(JAVA_BYTE, 0) & 0xff;
    }

    public static int arch(MemorySegment info) {
        return info.get(JAVA_INT, 4);
    }

    public static long instructionPointer(MemorySegment info) {
        return info.get(JAVA_LONG, 8);
    }

    public static long stackPointer(MemorySegment info) {
        return info.get(JAVA_LONG, 16);
    }

    /** The syscall number (entry and seccomp stops). */
    public static long nr(MemorySegment info) {
        return info.get(JAVA_LONG, 24);
    }

    /** Argument {@code i} (entry and seccomp stops). */
    public static long arg(MemorySegment info, int i) {
        return info.get(JAVA_LONG, 32 + 8L * i);
    }

    /** The return value (exit stops); a negated errno when {@link #isError}. */
    public static long rval(MemorySegment info) {
        return info.get(JAVA_LONG, 24);
    }

    public static boolean isError(MemorySegment info) {
        return info.get(JAVA_BYTE, 32) != 0;
    }
}
