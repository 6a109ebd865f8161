package dev.utrace.passive.internal.strace;

/**
 * Named bits, printed as strace prints them: each name whose bits are all set, in the table's
 * order (strace's, which is not always the values' order; where one name covers another, such as
 * {@code O_SYNC} and {@code O_DSYNC}, the wider comes first), joined with {@code |}; bits no name
 * covers as hex at the end; a value no name covers at all as {@code 0x10 /* PROT_??? *}{@code /}.
 */
final class FlagTable {
    private final String unknown;
    private final String zero;
    private final String[] names;
    private final long[] values;

    private FlagTable(String unknown, String zero, Object... pairs) {
        this.unknown = unknown;
        this.zero = zero;
        this.names = new String[pairs.length / 2];
        this.values = new long[pairs.length / 2];
        for (int i = 0; i < names.length; i++) {
            names[i] = (String) pairs[2 * i];
            values[i] = ((Number) pairs[2 * i + 1]).longValue();
        }
    }

    /**
     * A table: {@code unknown} is what strace's comment says of bits it has no name for
     * ({@code PROT_???}), {@code zero} what 0 prints as, then names and values in strace's order.
     */
    static FlagTable of(String unknown, String zero, Object... pairs) {
        return new FlagTable(unknown, zero, pairs);
    }

    String format(long value) {
        StringBuilder sb = new StringBuilder();
        append(sb, value);
        return sb.toString();
    }

    /** Appends {@code value} in this table's names. */
    void append(StringBuilder sb, long value) {
        if (value == 0) {
            sb.append(zero);
            return;
        }
        int start = sb.length();
        long rest = appendNames(sb, value, false);
        if (rest == 0) return;
        if (sb.length() == start) {
            sb.append("0x").append(Long.toHexString(rest)).append(" /* ").append(unknown).append(" */");
        } else {
            sb.append("|0x").append(Long.toHexString(rest));
        }
    }

    /**
     * Appends the names of the bits of {@code value} this table names, each after a {@code |} if
     * {@code joined} or once something precedes it; returns the bits left over.
     */
    long appendNames(StringBuilder sb, long value, boolean joined) {
        long rest = value;
        boolean first = !joined;
        for (int i = 0; i < names.length; i++) {
            long v = values[i];
            if (v != 0 && (rest & v) == v) {
                if (!first) sb.append('|');
                sb.append(names[i]);
                first = false;
                rest &= ~v;
            }
        }
        return rest;
    }

    /** The name of exactly {@code value}, or null (for tables of plain values, not bits). */
    String exact(long value) {
        for (int i = 0; i < names.length; i++) {
            if (values[i] == value) return names[i];
        }
        return null;
    }

    /** {@code value}'s name, or {@code 0x4 /* SIG_??? *}{@code /} (for tables of plain values). */
    String value(long value) {
        String n = exact(value);
        return n != null ? n : "0x" + Long.toHexString(value) + " /* " + unknown + " */";
    }
}
