package dev.utrace.itests.soak;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Faults of the core or the machine that are known and being fixed (issue 12, 1-3, and one
 * this soak found). The soak
 * exercises all of them by default. Naming one in {@code -Dsoak.exclude=} makes the soak stop
 * provoking it where it can, and count what still matches its signature as "known" instead of
 * a violation, so a run can hunt for other faults meanwhile.
 */
public enum KnownFault {
    /** Issue 12.1: SIGKILL never ends a task held in its EXIT stop (R-STOP-6). */
    EXIT_STOP_KILL("exit-stop-kill"),
    /** Issue 12.2: HOLD on a signal report that carries no signal kills the task (R-SIG-4, R-SIG-5). */
    HOLD_WITHOUT_SIGNAL("hold-without-signal"),
    /** Issue 12.3: a job-control stop is adopted while the task still runs its JCTL callbacks. */
    JCTL_ADOPTED_EARLY("jctl-adopted-early"),
    /**
     * Found by this soak: two first attaches to one task at once; the loser of the race to create
     * the task's record throws IllegalStateException ("carries state of another utrace core").
     * Reproduced by {@code Attach_FirstAttachRaceTest} in utrace-impl.
     */
    FIRST_ATTACH_RACE("first-attach-race"),
    /**
     * Found by this soak: prepareExamine answers DONE while the core is still stopping the task,
     * before the machine shows it stopped, so the registers cannot be read though finishExamine
     * answers DONE too. Reproduced by {@code Examine_StopPublishedTest} in utrace-impl.
     */
    EXAMINE_BEFORE_STOP("examine-before-stop");

    private final String switchName;

    KnownFault(String switchName) {
        this.switchName = switchName;
    }

    public String switchName() {
        return switchName;
    }

    /** Parses a comma-separated list of switch names; an unknown name is an error that lists the known ones. */
    public static Set<KnownFault> parse(String text) {
        Set<KnownFault> out = EnumSet.noneOf(KnownFault.class);
        if (text == null || text.isBlank()) return out;
        for (String word : text.split("[,\\s]+")) {
            if (word.isEmpty()) continue;
            KnownFault found = null;
            for (KnownFault f : values()) {
                if (f.switchName.equals(word.toLowerCase(Locale.ROOT))) found = f;
            }
            if (found == null) {
                StringBuilder known = new StringBuilder();
                for (KnownFault f : values()) known.append(known.isEmpty() ? "" : ", ").append(f.switchName);
                throw new IllegalArgumentException("soak.exclude: unknown fault '" + word + "'; known: " + known);
            }
            out.add(found);
        }
        return out;
    }
}
