package dev.utrace.sim.internal;

import java.util.List;

/**
 * A loaded program: immutable, shared by every task that runs it. Instruction {@code i} sits
 * at code address {@link #CODE_BASE} + 4i, where the text segment ({@link #text}, see
 * {@link TextCode}) maps its encoding; the data segment (string literals and {@code .data}
 * reservations) is mapped at {@link #DATA_BASE} with {@link #data} as its initial contents.
 */
record Program(String name, String description, String origin, List<Instr> code, byte[] data, byte[] text) {

    /** Where instruction 0 lives. */
    static final long CODE_BASE = 0x400000L;
    /** The size of one instruction in code addresses. */
    static final int INSTR_SIZE = 4;
    /** Where the data segment is mapped. */
    static final long DATA_BASE = 0x600000L;

    Program {
        code = List.copyOf(code);
    }

    /** A program whose text segment holds the encoding of {@code code} ({@link TextCode}). */
    Program(String name, String description, String origin, List<Instr> code, byte[] data) {
        this(name, description, origin, code, data, TextCode.image(code));
    }

    /** The code address of instruction {@code index}. */
    static long address(int index) {
        return CODE_BASE + (long) index * INSTR_SIZE;
    }

    /** The instruction at code address {@code rip}, or null if none is there. */
    Instr at(long rip) {
        long off = rip - CODE_BASE;
        if (off < 0 || off % INSTR_SIZE != 0 || off / INSTR_SIZE >= code.size()) return null;
        return code.get((int) (off / INSTR_SIZE));
    }
}
