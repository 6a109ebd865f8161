package dev.utrace.passive.internal;

import dev.utrace.passive.Kind;
import java.util.Set;

/** The configuration as values: defaults for new traces ({@link SettingsReader} reads them). */
record Settings(Set<Kind> events, int ringSize, boolean follow, int keepEnded) {
    static final Settings DEFAULT = new Settings(Kind.all(), 1024, false, 256);

    Settings {
        events = Set.copyOf(events);
        if (ringSize < 1) throw new IllegalArgumentException("ringSize must be at least 1, not " + ringSize);
        keepEnded = Math.max(0, keepEnded);
    }
}
