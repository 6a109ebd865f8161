package dev.utrace.sim.internal;

import dev.utrace.api.task.Reg;
import java.util.List;

/**
 * One machine instruction of a loaded {@link Program}. The text format's convenience forms
 * ({@code exit 0}, {@code print "..."}) are expanded by the parser into these, so a
 * single-step trap comes after each of them as on x86.
 */
sealed interface Instr {

    /** {@code dst = src}. */
    record Mov(Reg dst, Operand src) implements Instr {
    }

    /** {@code dst = dst + src} (or minus, when {@code subtract}). */
    record Arith(Reg dst, Operand src, boolean subtract) implements Instr {
    }

    /** Reads {@code size} bytes at {@code address} into {@code dst}, zero-extended. */
    record Load(int size, Reg dst, Operand address) implements Instr {
    }

    /** Writes the low {@code size} bytes of {@code src} at {@code address}. */
    record Store(int size, Operand address, Operand src) implements Instr {
    }

    /** The kinds of {@link Jump}. */
    enum JumpKind { ALWAYS, IF_ZERO, IF_NOT_ZERO, LOOP }

    /**
     * A jump to {@code target} (a code address). {@code LOOP} decrements {@code reg} and
     * jumps while it is not zero; {@code reg} is null for {@code ALWAYS}.
     */
    record Jump(JumpKind kind, Reg reg, long target) implements Instr {
    }

    /** The {@code syscall} instruction: number in rax, arguments in rdi, rsi, rdx, r10, r8, r9. */
    record Syscall() implements Instr {
    }

    /**
     * Formats {@code parts} (text, and registers printed in decimal) into the thread's stack
     * below rsp, then sets rsi to the text's address and rdx to its length: the buffer for the
     * {@code write} that follows.
     */
    record Format(List<Object> parts) implements Instr {
        public Format {
            parts = List.copyOf(parts);
        }
    }

    /** Does nothing. */
    record Nop() implements Instr {
    }
}
