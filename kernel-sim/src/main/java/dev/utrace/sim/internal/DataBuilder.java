package dev.utrace.sim.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds a program's data segment: strings, reservations and small structs, each 8-byte aligned.
 * The segment is held whole in memory by every loaded program, so its size is bounded
 * ({@link #MAX_SIZE}): a source that asks for more is refused where it crosses the limit.
 */
final class DataBuilder {
    /** The most bytes a data segment may hold, alignment included (4 MiB; docs/programs.md). */
    static final int MAX_SIZE = 4 << 20;

    /** Builds the error for the statement being parsed, at a column of its line. */
    interface Errors {
        ProgramSyntaxException at(int column, String message);
    }

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Errors errors;

    DataBuilder(Errors errors) {
        this.errors = errors;
    }

    /** Appends {@code s} NUL-terminated; returns its address. */
    long string(String s, Token at) throws ProgramSyntaxException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        long addr = align(b.length + 1L, at, "the string");
        bytes.write(b, 0, b.length);
        bytes.write(0);
        return addr;
    }

    /** Reserves {@code size} zero bytes; returns their address. */
    long reserve(int size, Token at) throws ProgramSyntaxException {
        long addr = align(size, at, "these " + size + " bytes");
        bytes.write(new byte[size], 0, size);
        return addr;
    }

    /** Appends the little-endian words; returns the address of the first. */
    long words(Token at, long... values) throws ProgramSyntaxException {
        long addr = align(8L * values.length, at, "the struct this form builds");
        for (long v : values) {
            for (int i = 0; i < 8; i++) bytes.write((int) (v >>> (8 * i)));
        }
        return addr;
    }

    /** Overwrites the word at address {@code at} (for code addresses known only at the end). */
    void patch(long at, long value, byte[] image) {
        int off = (int) (at - Program.DATA_BASE);
        for (int i = 0; i < 8; i++) image[off + i] = (byte) (value >>> (8 * i));
    }

    byte[] image() {
        return bytes.toByteArray();
    }

    /** Pads to 8 bytes and checks that {@code size} more bytes fit; returns where they will start. */
    private long align(long size, Token at, String what) throws ProgramSyntaxException {
        int padded = (bytes.size() + 7) & -8;
        if (padded + size > MAX_SIZE) {
            throw errors.at(at.column(), "the data segment is full: " + what + " would take it to " + (padded + size)
                    + " bytes, and a program's data (strings, .data and the structs of signal, block, exec ...)"
                    + " may hold at most " + MAX_SIZE + " bytes (4 MiB); reserve less, or mmap memory at run time");
        }
        while (bytes.size() < padded) bytes.write(0);
        return Program.DATA_BASE + padded;
    }
}
