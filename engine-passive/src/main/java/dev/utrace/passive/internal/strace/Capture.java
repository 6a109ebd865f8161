package dev.utrace.passive.internal.strace;

import dev.utrace.api.task.MemoryFault;
import dev.utrace.api.task.Task;
import dev.utrace.passive.Copied;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies what a syscall's line needs from the task's memory, in the syscall's own entry or exit
 * callback (the one time the task is held and its memory is the syscall's), into the trace's
 * {@link CopyBuffer}. Only copies, never formats. Strings and buffers are read with the Task
 * API's bulk read, a page at most per read (so a string that ends just before an unmapped page
 * still reads, and the machine never has to try the rest of a read that crossed into one): a
 * path is one read. Nothing is allocated for them once the buffer has grown. Memory that cannot
 * be read leaves the argument {@link Copied#NONE}: it prints as its address, as strace prints it.
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
    /** A string's reads never cross a page of this size. */
    static final int PAGE = 4096;
    /** The first read of a string: most paths fit; a longer one reads on a page at a time. */
    static final int FIRST_READ = 256;

    private Capture() {
    }

    /** Copies into {@code out} what to copy at the entry of syscall {@code s}. */
    static void entry(Signature s, Task t, long[] args, CopyBuffer out) {
        List<ArgKind> kinds = s.args();
        for (int i = 0; i < kinds.size(); i++) {
            switch (kinds.get(i)) {
                case PATH -> string(t, args[i], PATH_MAX, out, i);
                case STR -> string(t, args[i], STRLEN, out, i);
                case IBUF -> buffer(t, args[i], args[i + 1], STRLEN, out, i);
                case ARGV -> out.setOther(i, argv(t, args[i]));
                case ENVP -> out.setOther(i, count(t, args[i]));
                default -> {
                }
            }
        }
        if (s.name().equals("clone3") && args[1] >= 8L * CLONE_ARGS_WORDS) {
            out.setOther(0, words(t, args[0], CLONE_ARGS_WORDS));
        }
    }

    /** Adds to {@code out} (what the entry copied) what to copy at the exit of syscall {@code s} (result {@code result}). */
    static void exit(Signature s, Task t, long[] args, long result, CopyBuffer out) {
        if (result < 0) return; // a failed syscall wrote nothing strace shows
        List<ArgKind> kinds = s.args();
        for (int i = 0; i < kinds.size(); i++) {
            switch (kinds.get(i)) {
                case OBUF, OBUFX -> buffer(t, args[i], result, STRLEN, out, i);
                case OPATH -> buffer(t, args[i], result, PATH_MAX, out, i);
                case OCWD -> string(t, args[i], PATH_MAX, out, i);
                case FDPAIR -> {
                    if (result == 0) out.setOther(i, ints(t, args[i], 2));
                }
                default -> {
                }
            }
        }
        if (s.name().equals("clone") && (args[0] & Constants.CLONE_PARENT_SETTID) != 0 && result > 0) {
            out.setOther(2, ints(t, args[2], 1));
        } else if (s.name().equals("clone3") && result > 0 && out.other(0) instanceof Copied.Values v
                && (v.at(0) & Constants.CLONE_PARENT_SETTID) != 0) {
            out.setOther(1, ints(t, v.at(3), 1)); // clone3's second slot: the tid stored at parent_tid
        }
    }

    /**
     * A NUL-terminated string of at most {@code limit} bytes into argument {@code arg} of {@code out}
     * (cut if longer, or if it runs into memory that cannot be read after its first byte).
     */
    static void string(Task t, long address, int limit, CopyBuffer out, int arg) {
        if (address == 0) return;
        int n = 0;
        while (true) {
            long a = address + n;
            int ask = Math.min(Math.min(limit + 1 - n, n == 0 ? FIRST_READ : PAGE), PAGE - (int) (a & (PAGE - 1)));
            byte[] d = out.bytes(arg, n + ask);
            int got;
            try {
                got = t.readMemory(a, d, n, ask);
            } catch (MemoryFault | IllegalStateException e) {
                got = 0;
            }
            for (int k = n; k < n + got; k++) {
                if (d[k] == 0) {
                    out.setBytes(arg, k, false);
                    return;
                }
                if (k == limit) {
                    out.setBytes(arg, limit, true);
                    return;
                }
            }
            n += got;
            if (got < ask) { // what follows cannot be read
                if (n > 0) out.setBytes(arg, n, true);
                return;
            }
        }
    }

    /** The first bytes of a buffer of {@code length} into argument {@code arg}: at most {@code limit}, cut if it is longer. */
    static void buffer(Task t, long address, long length, int limit, CopyBuffer out, int arg) {
        if (length < 0 || address == 0) return;
        int n = (int) Math.min(length, limit);
        byte[] d = out.bytes(arg, n);
        if (n > 0) {
            try {
                if (t.readMemory(address, d, 0, n) < n) return;
            } catch (MemoryFault | IllegalStateException e) {
                return;
            }
        }
        out.setBytes(arg, n, length > limit);
    }

    /** A string as its own object (an argv item); {@link Copied#NONE} if it cannot be read. */
    private static Copied string(Task t, long address, int limit) {
        CopyBuffer one = new CopyBuffer();
        string(t, address, limit, one, 0);
        return one.get(0);
    }

    private static Copied argv(Task t, long address) {
        if (address == 0) return Copied.NONE;
        List<Copied.Bytes> items = new ArrayList<>();
        PointerArray pointers = new PointerArray(t, address);
        try {
            for (int i = 0; ; i++) {
                long p = pointers.get(i);
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
        PointerArray pointers = new PointerArray(t, address);
        try {
            for (int i = 0; i < ENVP_MAX; i++) {
                if (pointers.get(i) == 0) return new Copied.Count(i, false);
            }
            return new Copied.Count(ENVP_MAX, true);
        } catch (MemoryFault | IllegalStateException e) {
            return Copied.NONE;
        }
    }

    /**
     * A NULL-terminated array of pointers (execve's argv and envp), read {@link #WORDS} words at a
     * time with the bulk read rather than a read per word: an environment of 30 variables is one
     * access, not 31. A read that stops at an unmapped page leaves the words before it; the first
     * word not read throws {@link MemoryFault} when it is asked for, as a read of it alone would.
     */
    static final class PointerArray {
        /** Words per read: 512 bytes, within one page or up to its end. */
        static final int WORDS = 64;
        private final Task task;
        private final long address;
        private final byte[] chunk = new byte[WORDS * 8];
        private int first = -1;
        private int words;

        PointerArray(Task task, long address) {
            this.task = task;
            this.address = address;
        }

        /** Pointer {@code i}; asked for in order (0, 1, 2, ...). */
        long get(int i) {
            if (first < 0 || i >= first + words) read(i);
            int at = (i - first) * 8;
            long v = 0;
            for (int b = 7; b >= 0; b--) v = v << 8 | (chunk[at + b] & 0xffL);
            return v;
        }

        private void read(int i) {
            long from = address + 8L * i;
            int length = (int) Math.min(chunk.length, PAGE - (from & (PAGE - 1)));
            if (length < 8) length = 8; // a word across pages: the read stops at the first unmapped byte
            int n = task.readMemory(from, chunk, 0, length);
            if (n < 8) throw new MemoryFault(from + n, "pointer " + i + " of the array at 0x" + Long.toHexString(address) + " is not mapped whole");
            first = i;
            words = n / 8;
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
}
