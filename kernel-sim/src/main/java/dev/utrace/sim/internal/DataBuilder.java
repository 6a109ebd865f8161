package dev.utrace.sim.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds a program's data segment: strings, reservations and small structs, each 8-byte aligned. */
final class DataBuilder {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    /** Appends {@code s} NUL-terminated; returns its address. */
    long string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        long at = align();
        bytes.write(b, 0, b.length);
        bytes.write(0);
        return at;
    }

    /** Reserves {@code size} zero bytes; returns their address. */
    long reserve(int size) {
        long at = align();
        bytes.write(new byte[size], 0, size);
        return at;
    }

    /** Appends the little-endian words; returns the address of the first. */
    long words(long... values) {
        long at = align();
        for (long v : values) {
            for (int i = 0; i < 8; i++) bytes.write((int) (v >>> (8 * i)));
        }
        return at;
    }

    /** Overwrites the word at address {@code at} (for code addresses known only at the end). */
    void patch(long at, long value, byte[] image) {
        int off = (int) (at - Program.DATA_BASE);
        for (int i = 0; i < 8; i++) image[off + i] = (byte) (value >>> (8 * i));
    }

    byte[] image() {
        return bytes.toByteArray();
    }

    private long align() {
        while (bytes.size() % 8 != 0) bytes.write(0);
        return Program.DATA_BASE + bytes.size();
    }
}
