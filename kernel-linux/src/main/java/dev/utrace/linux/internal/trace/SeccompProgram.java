package dev.utrace.linux.internal.trace;

import dev.utrace.api.SyscallSet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The seccomp-bpf program of a syscall filter: {@code SECCOMP_RET_TRACE} (a
 * {@code PTRACE_EVENT_SECCOMP} stop) for the syscalls of a set, {@code SECCOMP_RET_ALLOW} for
 * every other x86_64 syscall. A syscall of another ABI (i386 through {@code int 0x80}, whose
 * {@code seccomp_data.arch} is not x86_64, or x32, whose numbers have bit 30 set) always stops:
 * a filter never hides from the tracer a syscall it would have seen without one.
 *
 * <p>Laid out as {@code struct sock_fprog} (16 bytes: {@code u16 len}, padding, the address of
 * the instructions) followed by the {@code struct sock_filter} instructions (8 bytes each:
 * {@code u16 code, u8 jt, u8 jf, u32 k}), so one write puts both in the tracee's memory.
 */
final class SeccompProgram {
    static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    static final int RET_TRACE = 0x7ff00000;
    static final int RET_ALLOW = 0x7fff0000;
    static final int X32_SYSCALL_BIT = 0x40000000;
    /** {@code offsetof(struct seccomp_data, nr)} and {@code arch}. */
    private static final int NR = 0, ARCH = 4;
    private static final int LD_W_ABS = 0x20, JEQ_K = 0x15, JGE_K = 0x35, RET_K = 0x06;
    private static final int HEADER = 16, INSN = 8;

    private SeccompProgram() {
    }

    /** The number of instructions for {@code set}: 6, two per syscall, one. */
    static int length(SyscallSet set) {
        return 7 + 2 * set.size();
    }

    /** The bytes of {@code sock_fprog} and the program, for the tracee's memory at {@code address}. */
    static byte[] bytes(SyscallSet set, long address) {
        int len = length(set);
        ByteBuffer b = ByteBuffer.allocate(HEADER + INSN * len).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) len).putShort((short) 0).putInt(0).putLong(address + HEADER);
        insn(b, LD_W_ABS, 0, 0, ARCH);
        insn(b, JEQ_K, 1, 0, AUDIT_ARCH_X86_64); // x86_64: skip the next
        insn(b, RET_K, 0, 0, RET_TRACE);
        insn(b, LD_W_ABS, 0, 0, NR);
        insn(b, JGE_K, 0, 1, X32_SYSCALL_BIT); // x32: the next
        insn(b, RET_K, 0, 0, RET_TRACE);
        for (int nr : set.numbers()) {
            insn(b, JEQ_K, 0, 1, nr); // this one: the next; else skip it
            insn(b, RET_K, 0, 0, RET_TRACE);
        }
        insn(b, RET_K, 0, 0, RET_ALLOW);
        return b.array();
    }

    private static void insn(ByteBuffer b, int code, int jt, int jf, int k) {
        b.putShort((short) code).put((byte) jt).put((byte) jf).putInt(k);
    }
}
