package dev.utrace.api;

import java.util.Arrays;
import java.util.Collection;
import java.util.function.IntFunction;

/**
 * A set of syscall numbers: which syscalls an engine wants reported
 * ({@link Utrace#setSyscalls}), as {@code strace -e trace=} selects them. Immutable and
 * thread-safe; {@link #contains} allocates nothing, so reporting passes can ask it.
 *
 * <p>Numbers are those of the machine's syscall table ({@code Processes.syscallNumber} turns a
 * name into one), from 0 to {@link #LIMIT} - 1. {@link #ALL} contains every number, also those
 * outside that range (a syscall -1 or an unassigned number a program may still call).
 */
public final class SyscallSet {
    /** One more than the largest number a set other than {@link #ALL} can hold. */
    public static final int LIMIT = 1024;

    /** Every syscall: a new engine's set (reports as without a set). */
    public static final SyscallSet ALL = new SyscallSet(null);

    /** No syscall. */
    public static final SyscallSet NONE = new SyscallSet(new long[LIMIT / 64]);

    /** The bit of each number; null for {@link #ALL}. */
    private final long[] bits;

    private SyscallSet(long[] bits) {
        this.bits = bits;
    }

    /**
     * The set of {@code numbers} (repeats allowed).
     *
     * @throws IllegalArgumentException for a number outside 0..{@link #LIMIT} - 1, naming it
     */
    public static SyscallSet of(int... numbers) {
        long[] b = new long[LIMIT / 64];
        for (int n : numbers) set(b, n);
        return new SyscallSet(b);
    }

    /** As {@link #of(int...)}. */
    public static SyscallSet of(Collection<Integer> numbers) {
        long[] b = new long[LIMIT / 64];
        for (Integer n : numbers) set(b, n);
        return new SyscallSet(b);
    }

    private static void set(long[] b, int n) {
        if (n < 0 || n >= LIMIT) {
            throw new IllegalArgumentException("syscall number " + n + " is outside 0.." + (LIMIT - 1)
                    + "; use SyscallSet.ALL for every syscall");
        }
        b[n >>> 6] |= 1L << n;
    }

    /** Whether syscall {@code number} is in this set; always true for {@link #ALL}. */
    public boolean contains(long number) {
        long[] b = bits;
        if (b == null) return true;
        return number >= 0 && number < LIMIT && (b[(int) number >>> 6] & (1L << number)) != 0;
    }

    /** Whether this is {@link #ALL}. */
    public boolean isAll() {
        return bits == null;
    }

    /** Whether this set contains no syscall. */
    public boolean isEmpty() {
        if (bits == null) return false;
        for (long w : bits) {
            if (w != 0) return false;
        }
        return true;
    }

    /** Whether every syscall of {@code other} is in this set. */
    public boolean containsAll(SyscallSet other) {
        if (bits == null) return true;
        if (other.bits == null) return false;
        for (int i = 0; i < bits.length; i++) {
            if ((other.bits[i] & ~bits[i]) != 0) return false;
        }
        return true;
    }

    /** The syscalls in this set or {@code other}; one of the two itself when it contains the other. */
    public SyscallSet union(SyscallSet other) {
        if (containsAll(other)) return this;
        if (other.containsAll(this)) return other;
        long[] b = new long[LIMIT / 64];
        for (int i = 0; i < b.length; i++) b[i] = bits[i] | other.bits[i];
        return new SyscallSet(b);
    }

    /**
     * The numbers in this set, ascending.
     *
     * @throws IllegalStateException for {@link #ALL}, which has no list
     */
    public int[] numbers() {
        if (bits == null) throw new IllegalStateException("SyscallSet.ALL has no list of numbers; ask isAll() first");
        int[] out = new int[size()];
        int k = 0;
        for (int n = 0; n < LIMIT; n++) {
            if (contains(n)) out[k++] = n;
        }
        return out;
    }

    /** The number of syscalls in this set; {@link Integer#MAX_VALUE} for {@link #ALL}. */
    public int size() {
        if (bits == null) return Integer.MAX_VALUE;
        int n = 0;
        for (long w : bits) n += Long.bitCount(w);
        return n;
    }

    /**
     * For people: {@code all}, {@code none}, or the names {@code names} gives, comma separated, in
     * ascending number order (e.g. {@code openat,connect} with the machine's syscall names).
     */
    public String format(IntFunction<String> names) {
        if (bits == null) return "all";
        if (isEmpty()) return "none";
        StringBuilder sb = new StringBuilder();
        for (int n : numbers()) {
            if (!sb.isEmpty()) sb.append(',');
            sb.append(names.apply(n));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyscallSet s && Arrays.equals(bits, s.bits);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bits);
    }

    /** {@code all}, or the numbers, e.g. {@code [42, 257]}. */
    @Override
    public String toString() {
        return bits == null ? "all" : Arrays.toString(numbers());
    }
}
