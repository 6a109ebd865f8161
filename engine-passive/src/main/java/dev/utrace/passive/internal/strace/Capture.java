package dev.utrace.passive.internal.strace;

import dev.utrace.api.task.MemoryFault;
import dev.utrace.api.task.Task;
import dev.utrace.passive.Copied;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Copies what a syscall's line needs from the task's memory, in the syscall's own entry or exit
 * callback (the one time the task is held and its memory is the syscall's). Only copies, never
 * formats. The Task API reads 1, 2, 4 or 8 bytes at a time; strings are read in aligned 8-byte
 * words, which never cross a page, so a string ending just before an unmapped page still reads.
 * Memory that cannot be read leaves the argument {@link Copied#NONE}: it prints as its address,
 * as strace prints it.
 */
final class Capture {
    /** How many bytes of a string or buffer strace shows (its {@code -s 32}). */
    static final int STRLEN = 32;
    /** How many bytes of a path it shows (PATH_MAX). */
    static final int PATH_MAX = 4096;
    /** How many strings of an argv it shows (as many as {@code -s}). */
    static final int ARGV_MAX = 32;
    /** How many environment variables it counts at most. */
    static final int ENVP_MAX = 4096;
    /** The words of {@code struct clone_args} (clone3) strace shows. */
    static final int CLONE_ARGS_WORDS = 11;

    private Capture() {
    }

    /** What to copy at the entry of syscall {@code s}; null if nothing could be. */
    static Copied[] entry(Signature s, Task t, long[] args) {
        Copied[] out = null;
        List<ArgKind> kinds = s.args();
        for (int i = 0; i < kinds.size(); i++) {
            Copied c = switch (kinds.get(i)) {
                case PATH -> string(t, args[i], PATH_MAX);
                case STR -> string(t, args[i], STRLEN);
                case IBUF -> buffer(t, args[i], args[i + 1], STRLEN);
                case ARGV -> argv(t, args[i]);
                case ENVP -> count(t, args[i]);
                default -> Copied.NONE;
            };
            out = put(out, i, c);
        }
        if (s.name().equals("clone3") && args[1] >= 8L * CLONE_ARGS_WORDS) {
            out = put(out, 0, words(t, args[0], CLONE_ARGS_WORDS));
        }
        return out;
    }

    /** {@code atEntry} with what to copy at the exit of syscall {@code s} (result {@code result}) added; may be null. */
    static Copied[] exit(Signature s, Task t, long[] args, long result, Copied[] atEntry) {
        if (result < 0) return atEntry; // a failed syscall wrote nothing strace shows
        Copied[] out = atEntry;
        List<ArgKind> kinds = s.args();
        for (int i = 0; i < kinds.size(); i++) {
            Copied c = switch (kinds.get(i)) {
                case OBUF, OBUFX -> buffer(t, args[i], result, STRLEN);
                case OPATH -> buffer(t, args[i], result, PATH_MAX);
                case OCWD -> string(t, args[i], PATH_MAX);
                case FDPAIR -> result == 0 ? ints(t, args[i], 2) : Copied.NONE;
                default -> Copied.NONE;
            };
            out = put(out, i, c);
        }
        if (s.name().equals("clone") && (args[0] & Constants.CLONE_PARENT_SETTID) != 0 && result > 0) {
            out = put(out, 2, ints(t, args[2], 1));
        } else if (s.name().equals("clone3") && result > 0 && out != null && out[0] instanceof Copied.Values v
                && (v.at(0) & Constants.CLONE_PARENT_SETTID) != 0) {
            out = put(out, 1, ints(t, v.at(3), 1)); // clone3's second slot: the tid stored at parent_tid
        }
        return out;
    }

    private static Copied[] put(Copied[] out, int i, Copied c) {
        if (c == Copied.NONE) return out;
        if (out == null) {
            out = new Copied[6];
            Arrays.fill(out, Copied.NONE);
        }
        out[i] = c;
        return out;
    }

    /** A NUL-terminated string of at most {@code limit} bytes (cut if longer). */
    static Copied string(Task t, long address, int limit) {
        if (address == 0) return Copied.NONE;
        Bytes b = new Bytes(Math.min(limit, 64));
        long word = address & ~7L;
        int skip = (int) (address - word);
        while (true) {
            long w;
            try {
                w = t.readMemory(word, 8);
            } catch (MemoryFault | IllegalStateException e) {
                return b.n == 0 ? Copied.NONE : b.done(true);
            }
            for (int k = skip; k < 8; k++) {
                byte c = (byte) (w >>> (8 * k));
                if (c == 0) return b.done(false);
                if (b.n == limit) return b.done(true);
                b.add(c);
            }
            word += 8;
            skip = 0;
        }
    }

    /** The first bytes of a buffer of {@code length}: at most {@code limit}, cut if it is longer. */
    static Copied buffer(Task t, long address, long length, int limit) {
        if (length < 0 || address == 0) return Copied.NONE;
        int n = (int) Math.min(length, limit);
        Bytes b = new Bytes(n);
        long word = address & ~7L;
        int skip = (int) (address - word);
        while (b.n < n) {
            long w;
            try {
                w = t.readMemory(word, 8);
            } catch (MemoryFault | IllegalStateException e) {
                return Copied.NONE;
            }
            for (int k = skip; k < 8 && b.n < n; k++) b.add((byte) (w >>> (8 * k)));
            word += 8;
            skip = 0;
        }
        return b.done(length > limit);
    }

    private static Copied argv(Task t, long address) {
        if (address == 0) return Copied.NONE;
        List<Copied.Bytes> items = new ArrayList<>();
        try {
            for (int i = 0; ; i++) {
                long p = t.readMemory(address + 8L * i, 8);
                if (p == 0) return new Copied.Strings(items, false);
                if (i == ARGV_MAX) return new Copied.Strings(items, true);
                items.add(string(t, p, STRLEN) instanceof Copied.Bytes s ? s : new Copied.Bytes(new byte[0], true));
            }
        } catch (MemoryFault | IllegalStateException e) {
            return items.isEmpty() ? Copied.NONE : new Copied.Strings(items, true);
        }
    }

    private static Copied count(Task t, long address) {
        if (address == 0) return Copied.NONE;
        try {
            for (int i = 0; i < ENVP_MAX; i++) {
                if (t.readMemory(address + 8L * i, 8) == 0) return new Copied.Count(i, false);
            }
            return new Copied.Count(ENVP_MAX, true);
        } catch (MemoryFault | IllegalStateException e) {
            return Copied.NONE;
        }
    }

    /** {@code n} ints (4 bytes each) at {@code address}. */
    private static Copied ints(Task t, long address, int n) {
        if (address == 0) return Copied.NONE;
        long[] v = new long[n];
        try {
            for (int i = 0; i < n; i++) v[i] = (int) t.readMemory(address + 4L * i, 4);
        } catch (MemoryFault | IllegalStateException e) {
            return Copied.NONE;
        }
        return new Copied.Values(v);
    }

    /** {@code n} 8-byte words at {@code address}. */
    private static Copied words(Task t, long address, int n) {
        if (address == 0) return Copied.NONE;
        long[] v = new long[n];
        try {
            for (int i = 0; i < n; i++) v[i] = t.readMemory(address + 8L * i, 8);
        } catch (MemoryFault | IllegalStateException e) {
            return Copied.NONE;
        }
        return new Copied.Values(v);
    }

    /** A growing byte array. */
    private static final class Bytes {
        byte[] data;
        int n;

        Bytes(int capacity) {
            data = new byte[Math.max(capacity, 1)];
        }

        void add(byte b) {
            if (n == data.length) data = Arrays.copyOf(data, data.length * 2);
            data[n++] = b;
        }

        Copied.Bytes done(boolean cut) {
            return new Copied.Bytes(n == data.length ? data : Arrays.copyOf(data, n), cut);
        }
    }
}
