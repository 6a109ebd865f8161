package dev.utrace.passive;

import java.util.Arrays;
import java.util.List;

/**
 * What the tracer copied from a traced task's memory for one argument of a syscall: a path or a
 * string at the syscall's entry (its memory may change once the syscall runs), a buffer it wrote
 * at its entry, or one it filled by its exit. {@link TraceEvent#copied(int)} gives it by argument;
 * an argument with nothing copied (a number, or memory that could not be read) is {@link #NONE},
 * and prints as its value.
 */
public sealed interface Copied {

    /** Nothing copied. */
    Copied NONE = new None();

    /** Nothing copied for this argument. */
    record None() implements Copied {
    }

    /**
     * Bytes: a string without its terminating NUL, or a buffer's first bytes.
     *
     * @param cut whether more bytes followed than were copied (strace's {@code "..."...})
     */
    record Bytes(byte[] data, boolean cut) implements Copied {
        public Bytes {
            data = data.clone();
        }

        /** A copy of the bytes. */
        @Override
        public byte[] data() {
            return data.clone();
        }

        /** How many bytes were copied. */
        public int length() {
            return data.length;
        }

        /** The byte at {@code i}, 0..255. */
        public int at(int i) {
            return data[i] & 0xff;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && b.cut == cut && Arrays.equals(b.data, data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data) * 31 + (cut ? 1 : 0);
        }

        @Override
        public String toString() {
            return "Bytes[" + data.length + (cut ? "+" : "") + "]";
        }
    }

    /**
     * A NULL-terminated array of strings (execve's argv).
     *
     * @param cut whether more strings followed than were copied
     */
    record Strings(List<Bytes> items, boolean cut) implements Copied {
        public Strings {
            items = List.copyOf(items);
        }
    }

    /**
     * How many entries a NULL-terminated array of pointers has (execve's environment).
     *
     * @param cut whether the counting stopped at its limit before the NULL
     */
    record Count(int count, boolean cut) implements Copied {
    }

    /** Numbers read from the task: pipe's two descriptors, the tid clone stored, clone3's arguments. */
    record Values(long[] values) implements Copied {
        public Values {
            values = values.clone();
        }

        @Override
        public long[] values() {
            return values.clone();
        }

        /** The value at {@code i}. */
        public long at(int i) {
            return values[i];
        }

        /** How many values. */
        public int length() {
            return values.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Values v && Arrays.equals(v.values, values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return "Values" + Arrays.toString(values);
        }
    }
}
