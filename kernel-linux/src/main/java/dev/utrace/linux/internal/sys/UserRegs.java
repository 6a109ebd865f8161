package dev.utrace.linux.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * x86_64 {@code struct user_regs_struct} (27 unsigned 64-bit words, 216 bytes), the buffer of
 * {@code PTRACE_GETREGS} and {@code PTRACE_SETREGS}. Off-heap: a heap array would need a
 * {@code critical} downcall, which measured no faster.
 */
public final class UserRegs {

    /** The registers, in the order of the struct; {@link #offset()} is the byte offset. */
    public enum Reg {
        R15, R14, R13, R12, RBP, RBX, R11, R10, R9, R8, RAX, RCX, RDX, RSI, RDI, ORIG_RAX, RIP,
        CS, EFLAGS, RSP, SS, FS_BASE, GS_BASE, DS, ES, FS, GS;

        /** Byte offset in {@code struct user_regs_struct} (and in {@code struct user}, where it comes first). */
        public long offset() {
            return ordinal() * 8L;
        }
    }

    public static final long SIZE = 27 * 8;
    private static final Reg[] SYSCALL_ARGS = {Reg.RDI, Reg.RSI, Reg.RDX, Reg.R10, Reg.R8, Reg.R9};

    private final MemorySegment segment;

    public UserRegs(Arena arena) {
        this.segment = arena.allocate(SIZE, 8);
    }

    /** The buffer, to pass to ptrace. */
    public MemorySegment segment() {
        return segment;
    }

    public long get(Reg reg) {
        return segment.get(JAVA_LONG, reg.offset());
    }

    public void set(Reg reg, long value) {
        segment.set(JAVA_LONG, reg.offset(), value);
    }

    /** Syscall argument {@code i} (0-5): rdi, rsi, rdx, r10, r8, r9. */
    public long syscallArg(int i) {
        return get(SYSCALL_ARGS[i]);
    }

    public void setSyscallArg(int i, long value) {
        set(SYSCALL_ARGS[i], value);
    }

    /** Copies every register from {@code other}. */
    public void copyFrom(UserRegs other) {
        segment.copyFrom(other.segment);
    }
}
