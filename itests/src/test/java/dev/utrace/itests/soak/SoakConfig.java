package dev.utrace.itests.soak;

import java.util.Set;

/**
 * What one soak run does. Read from system properties: {@code soak.seed} (default
 * {@link #DEFAULT_SEED}, so the default build draws the same operations each time, though
 * threads interleave differently; {@code random} for a fresh seed, printed), {@code soak.ops} (controller operations in all), {@code soak.roundOps}
 * (operations between two quiet points), {@code soak.controllers}, {@code soak.maxProcs}
 * (processes alive at once), {@code soak.hangSeconds} (the bound after which a SIGKILLed process
 * that has not ended, or a call that has not returned, is reported as a hang) and
 * {@code soak.exclude} (see {@link KnownFault}).
 */
public record SoakConfig(long seed, long ops, int roundOps, int controllers, int maxProcs, int hangSeconds,
                         Set<KnownFault> excluded) {
    /** The default build's run: short, well under a minute on two cores. */
    public static final long DEFAULT_OPS = 500_000;
    public static final int DEFAULT_ROUND_OPS = 20_000;
    /** The default build's seed. */
    public static final long DEFAULT_SEED = 20261204L;

    public SoakConfig {
        if (ops < 1 || roundOps < 1 || controllers < 1 || maxProcs < 1 || hangSeconds < 1) {
            throw new IllegalArgumentException("soak settings must be positive: ops=" + ops + " roundOps=" + roundOps
                    + " controllers=" + controllers + " maxProcs=" + maxProcs + " hangSeconds=" + hangSeconds);
        }
    }

    public static SoakConfig fromSystemProperties() {
        String seedText = System.getProperty("soak.seed", "").strip();
        long seed = seedText.isEmpty() ? DEFAULT_SEED
                : seedText.equals("random") ? new java.util.SplittableRandom().nextLong() : Long.decode(seedText);
        return new SoakConfig(seed,
                Long.getLong("soak.ops", DEFAULT_OPS),
                Integer.getInteger("soak.roundOps", DEFAULT_ROUND_OPS),
                Integer.getInteger("soak.controllers", 3),
                Integer.getInteger("soak.maxProcs", 8),
                Integer.getInteger("soak.hangSeconds", 20),
                KnownFault.parse(System.getProperty("soak.exclude", "")));
    }

    public boolean excludes(KnownFault f) {
        return excluded.contains(f);
    }

    /** The system properties that replay this run (as far as threads allow). */
    public String replay() {
        StringBuilder sb = new StringBuilder("-Dsoak.seed=" + seed + " -Dsoak.ops=" + ops);
        if (roundOps != DEFAULT_ROUND_OPS) sb.append(" -Dsoak.roundOps=").append(roundOps);
        if (controllers != 3) sb.append(" -Dsoak.controllers=").append(controllers);
        if (maxProcs != 8) sb.append(" -Dsoak.maxProcs=").append(maxProcs);
        if (!excluded.isEmpty()) {
            sb.append(" -Dsoak.exclude=");
            boolean first = true;
            for (KnownFault f : excluded) {
                sb.append(first ? "" : ",").append(f.switchName());
                first = false;
            }
        }
        return sb.toString();
    }
}
