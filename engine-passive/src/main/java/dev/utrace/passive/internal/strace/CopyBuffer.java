package dev.utrace.passive.internal.strace;

import dev.utrace.passive.Copied;
import java.util.Arrays;
import java.util.List;

/**
 * What one syscall copied from memory, by argument (0..5), kept in reusable arrays: bytes (paths,
 * strings, buffers) are written in place, so copying them allocates nothing once the arrays have
 * grown to the sizes a program uses; the rarer kinds (argv, counts, values) are kept as their
 * {@link Copied} objects. {@link Copied} objects for the bytes are made only when asked for
 * ({@link #get}, {@link #toList}). Not thread-safe: its owner guards it.
 */
public final class CopyBuffer {
    private static final int ARGS = 6;
    private static final byte NONE = 0;
    private static final byte BYTES = 1;
    private static final byte OTHER = 2;

    private final byte[] state = new byte[ARGS];
    private final byte[][] data = new byte[ARGS][];
    private final int[] length = new int[ARGS];
    private final boolean[] cut = new boolean[ARGS];
    private final Copied[] other = new Copied[ARGS];
    private int used;

    /** Forgets every argument (keeps the arrays for the next syscall). */
    public void clear() {
        if (used == 0) return;
        for (int i = 0; i < ARGS; i++) {
            state[i] = NONE;
            other[i] = null;
        }
        used = 0;
    }

    /** Whether nothing was copied for any argument. */
    public boolean isEmpty() {
        return used == 0;
    }

    /** What was copied for argument {@code arg}, as a new object; {@link Copied#NONE} if nothing. */
    public Copied get(int arg) {
        return switch (state[arg]) {
            case BYTES -> new Copied.Bytes(Arrays.copyOf(data[arg], length[arg]), cut[arg]);
            case OTHER -> other[arg];
            default -> Copied.NONE;
        };
    }

    /** All six arguments, or null if nothing was copied (as a record without copies has them). */
    public List<Copied> toList() {
        if (used == 0) return null;
        Copied[] all = new Copied[ARGS];
        for (int i = 0; i < ARGS; i++) all[i] = get(i);
        return List.of(all);
    }

    /** The bytes of argument {@code arg}'s value (for a caller's own reads); at least {@code capacity} long, contents kept. */
    byte[] bytes(int arg, int capacity) {
        byte[] d = data[arg];
        if (d == null || d.length < capacity) {
            d = d == null ? new byte[Math.max(capacity, 64)] : Arrays.copyOf(d, Math.max(capacity, d.length * 2));
            data[arg] = d;
        }
        return d;
    }

    /** Argument {@code arg} is the first {@code n} bytes of {@link #bytes}; {@code wasCut} if more followed. */
    void setBytes(int arg, int n, boolean wasCut) {
        length[arg] = n;
        cut[arg] = wasCut;
        other[arg] = null;
        mark(arg, BYTES);
    }

    /** Argument {@code arg} is {@code c} (not {@link Copied.Bytes}: argv, a count, values). */
    void setOther(int arg, Copied c) {
        if (c == Copied.NONE) return;
        other[arg] = c;
        mark(arg, OTHER);
    }

    /** The object kept for argument {@code arg} by {@link #setOther}, or null. */
    Copied other(int arg) {
        return state[arg] == OTHER ? other[arg] : null;
    }

    private void mark(int arg, byte s) {
        if (state[arg] == NONE) used++;
        state[arg] = s;
    }
}
