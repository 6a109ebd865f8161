package dev.utrace.sim.internal;

import java.util.List;

/**
 * The bytes of a program's text segment, so a tracer reads and patches code as on Linux
 * ({@code PTRACE_PEEKTEXT}/{@code POKETEXT}, docs/programs.md "The text segment"). Instruction
 * {@code i} is the little-endian word {@code opcode | i << 8}: its kind in the low byte, and in
 * the upper three bytes its number in the program, which names its operands (the format has no
 * binary encoding of operands; the number stands for them). A word decodes only if its number
 * exists and its opcode is that instruction's, so overwritten text is never silently misread.
 * {@link #INT3} in the low byte is x86's breakpoint instruction, whatever the other bytes hold.
 */
final class TextCode {
    /** x86's {@code int3}: a debugger writes it over an instruction's first byte. */
    static final int INT3 = 0xcc;
    static final int MOV = 0x01, ADD = 0x02, SUB = 0x03, LOAD = 0x04, STORE = 0x05, JUMP = 0x06, SYSCALL = 0x07,
            FORMAT = 0x08, NOP = 0x09;

    private TextCode() {
    }

    static int opcode(Instr in) {
        return switch (in) {
            case Instr.Mov m -> MOV;
            case Instr.Arith a -> a.subtract() ? SUB : ADD;
            case Instr.Load l -> LOAD;
            case Instr.Store s -> STORE;
            case Instr.Jump j -> JUMP;
            case Instr.Syscall s -> SYSCALL;
            case Instr.Format f -> FORMAT;
            case Instr.Nop n -> NOP;
        };
    }

    /** The word at the code address of instruction {@code index}. */
    static int encode(List<Instr> code, int index) {
        return opcode(code.get(index)) | index << 8;
    }

    /** The text segment's initial image: every instruction's word, little-endian. */
    static byte[] image(List<Instr> code) {
        byte[] b = new byte[code.size() * Program.INSTR_SIZE];
        for (int i = 0; i < code.size(); i++) {
            int w = encode(code, i);
            for (int k = 0; k < Program.INSTR_SIZE; k++) b[i * Program.INSTR_SIZE + k] = (byte) (w >>> (8 * k));
        }
        return b;
    }

    /** The instruction {@code word} encodes, or null if it encodes none of {@code code} (an invalid opcode). */
    static Instr decode(List<Instr> code, int word) {
        int index = word >>> 8;
        if (index >= code.size()) return null;
        Instr in = code.get(index);
        return opcode(in) == (word & 0xff) ? in : null;
    }
}
