package dev.utrace.linux.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/** {@code siginfo_t} (128 bytes), read with {@code PTRACE_GETSIGINFO} and written with {@code PTRACE_SETSIGINFO}. */
public final class SigInfo {

    public static final long SIZE = 128;
    /** si_code of a hardware breakpoint or watchpoint trap. */
    public static final int TRAP_HWBKPT = 4;
    /** si_code of a single-step trap. */
    public static final int TRAP_TRACE = 2;
    public static final int SI_USER = 0;
    public static final int SI_QUEUE = -1;
    public static final int SI_TKILL = -6;

    private SigInfo() {}

    public static int signo(MemorySegment info) {
        return info.get(JAVA_INT, 0);
    }

    public static int errno(MemorySegment info) {
        return info.get(JAVA_INT, 4);
    }

    public static int code(MemorySegment info) {
        return info.get(JAVA_INT, 8);
    }

    /** si_pid of a signal sent by kill, tgkill or sigqueue. */
    public static int pid(MemorySegment info) {
        return info.get(JAVA_INT, 16);
    }

    /** si_uid of a signal sent by kill, tgkill or sigqueue. */
    public static int uid(MemorySegment info) {
        return info.get(JAVA_INT, 20);
    }

    /** si_value (sival_int in the low half) of a sigqueue'd signal. */
    public static long value(MemorySegment info) {
        return info.get(JAVA_LONG, 24);
    }

    /** si_addr of a fault or trap. */
    public static long addr(MemorySegment info) {
        return info.get(JAVA_LONG, 16);
    }

    public static void setSigno(MemorySegment info, int signo) {
        info.set(JAVA_INT, 0, signo);
    }

    public static void setCode(MemorySegment info, int code) {
        info.set(JAVA_INT, 8, code);
    }

    public static void setValue(MemorySegment info, long value) {
        info.set(JAVA_LONG, 24, value);
    }
}
