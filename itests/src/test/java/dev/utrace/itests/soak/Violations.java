package dev.utrace.itests.soak;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The invariant violations a run found, each with the seed, the operation count at the time,
 * the thread, the rule and the context needed to reproduce it. Thread-safe. A violation that
 * matches a {@link KnownFault} the run excludes is counted as known instead.
 */
public final class Violations {
    /** Violations kept in full per rule and known fault (or none); beyond that they are only counted. */
    private static final int KEPT_PER_KIND = 3;

    private final long seed;
    private final LongSupplier opCount;
    private final SoakConfig config;
    private final Map<String, List<String>> kept = new TreeMap<>();
    private final Map<String, Long> counts = new TreeMap<>();
    /** Per rule: how many looked like each known fault ("" for none), so unknown faults stand out. */
    private final Map<String, Map<String, Long>> kinds = new TreeMap<>();
    private final Map<KnownFault, Long> known = new EnumMap<>(KnownFault.class);
    private final AtomicLong total = new AtomicLong();

    Violations(SoakConfig config, LongSupplier opCount) {
        this.config = config;
        this.seed = config.seed();
        this.opCount = opCount;
    }

    /** Records a violation of {@code rule}; {@code matches} names the known fault it looks like, or null. */
    void add(String rule, String message, KnownFault matches) {
        if (matches != null && config.excludes(matches)) {
            synchronized (this) {
                known.merge(matches, 1L, Long::sum);
            }
            return;
        }
        total.incrementAndGet();
        String text = "[seed " + seed + ", op " + opCount.getAsLong() + ", thread " + Thread.currentThread().getName()
                + "] " + rule + ": " + message + (matches == null ? "" : " (looks like known fault "
                + matches.switchName() + ")");
        synchronized (this) {
            counts.merge(rule, 1L, Long::sum);
            String kind = matches == null ? "" : matches.switchName();
            long n = kinds.computeIfAbsent(rule, r -> new TreeMap<>()).merge(kind, 1L, Long::sum);
            if (n <= KEPT_PER_KIND) kept.computeIfAbsent(rule, r -> new ArrayList<>()).add(text);
        }
    }

    void add(String rule, String message) {
        add(rule, message, null);
    }

    /** A throwable with the first lines of its stack, for a violation's text. */
    static String stackText(Throwable t) {
        StringBuilder sb = new StringBuilder(t.toString());
        StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < Math.min(st.length, 12); i++) sb.append("\n    at ").append(st[i]);
        return sb.toString();
    }

    public long count() {
        return total.get();
    }

    public synchronized Map<KnownFault, Long> known() {
        return new EnumMap<>(known);
    }

    /** Every rule's count and its first violations in full; empty if there were none. */
    public synchronized String describe() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            sb.append(e.getKey()).append(": ").append(e.getValue()).append(" violation(s)");
            String sep = " (";
            for (Map.Entry<String, Long> k : kinds.get(e.getKey()).entrySet()) {
                sb.append(sep).append(k.getValue()).append(k.getKey().isEmpty() ? " like no known fault" : " like " + k.getKey());
                sep = ", ";
            }
            sb.append(")\n");
            for (String v : kept.get(e.getKey())) sb.append("  ").append(v.replace("\n", "\n    ")).append('\n');
        }
        return sb.toString();
    }
}
