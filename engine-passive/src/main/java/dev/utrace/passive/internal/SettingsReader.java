package dev.utrace.passive.internal;

import dev.utrace.passive.Kind;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the passive tracer's configuration properties ({@link PassiveConfig}, as ConfigAdmin
 * hands them over: the strings of a {@code .cfg} file, or typed values) into {@link Settings}.
 * A value that is not allowed is refused: that key keeps its last good value, and a problem
 * line names where the configuration came from, the key, what was given and what is allowed.
 * A key left out takes its default; an unknown key is named too (a misspelt key would
 * otherwise change nothing, silently).
 */
final class SettingsReader {
    static final String EVENTS = "defaultEvents";
    static final String RING_SIZE = "ringSize";
    static final String FOLLOW = "followChildren";
    static final String KEEP_ENDED = "keepEnded";
    static final int MAX_RING_SIZE = 1 << 20;
    private static final List<String> KEYS = List.of(EVENTS, RING_SIZE, FOLLOW, KEEP_ENDED);
    /** Where FileInstall says a configuration came from (a file: URL). */
    private static final String FILE_NAME = "felix.fileinstall.filename";

    /** The settings read, and one line per refused value or unknown key. */
    record Result(Settings settings, List<String> problems) {
    }

    private final Map<String, ?> properties;
    private final Settings last;
    private final String source;
    private final List<String> problems = new ArrayList<>();

    private SettingsReader(Map<String, ?> properties, Settings last) {
        this.properties = properties;
        this.last = last;
        this.source = source(properties);
    }

    /** Reads {@code properties}; a refused value keeps its value in {@code last}. */
    static Result read(Map<String, ?> properties, Settings last) {
        return new SettingsReader(properties, last).read();
    }

    private Result read() {
        Set<Kind> events = Settings.DEFAULT.events();
        if (properties.containsKey(EVENTS)) {
            String text = text(properties.get(EVENTS));
            try {
                events = Kind.parse(text);
            } catch (IllegalArgumentException e) {
                events = refuse(EVENTS, text, e.getMessage(), last.events(), Kind.format(last.events()));
            }
        }
        int ringSize = whole(RING_SIZE, Settings.DEFAULT.ringSize(), last.ringSize(), 1, MAX_RING_SIZE,
                "events kept per traced task");
        boolean follow = Settings.DEFAULT.follow();
        if (properties.containsKey(FOLLOW)) {
            Object value = properties.get(FOLLOW);
            String text = text(value);
            if (value instanceof Boolean b) follow = b;
            else if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) follow = Boolean.parseBoolean(text);
            else follow = refuse(FOLLOW, text, "followChildren is true or false", last.follow(), Boolean.toString(last.follow()));
        }
        int keepEnded = whole(KEEP_ENDED, Settings.DEFAULT.keepEnded(), last.keepEnded(), 0, Integer.MAX_VALUE,
                "how many ended traces stay listed");
        for (String key : properties.keySet()) {
            // Dotted keys are the framework's own (service.pid, component.name, felix.fileinstall.filename).
            if (!key.contains(".") && !KEYS.contains(key)) {
                problems.add(source + ": unknown key '" + key + "' ignored; the keys are " + String.join(", ", KEYS));
            }
        }
        return new Result(new Settings(events, ringSize, follow, keepEnded), List.copyOf(problems));
    }

    /** A whole number in {@code min..max}; absent: {@code dflt}; refused: {@code kept}. */
    private int whole(String key, int dflt, int kept, int min, int max, String meaning) {
        if (!properties.containsKey(key)) return dflt;
        String text = text(properties.get(key));
        String allowed = key + " takes a whole number from " + min
                + (max == Integer.MAX_VALUE ? " up" : " to " + max) + " (" + meaning + ")";
        if (!text.matches("[+-]?\\d+")) return refuse(key, text, "not a whole number; " + allowed, kept, Integer.toString(kept));
        BigInteger n = new BigInteger(text);
        if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            return refuse(key, text, "out of range; " + allowed, kept, Integer.toString(kept));
        }
        return n.intValueExact();
    }

    private <T> T refuse(String key, String given, String why, T kept, String keptText) {
        problems.add(source + ": " + key + " = " + given + " refused: " + why + "; keeping " + key + " = " + keptText);
        return kept;
    }

    /** A property value as text: arrays and collections (typed .cfg values) joined with commas. */
    private static String text(Object value) {
        if (value instanceof Object[] a) return Arrays.stream(a).map(String::valueOf).collect(Collectors.joining(","));
        if (value instanceof Collection<?> c) return c.stream().map(String::valueOf).collect(Collectors.joining(","));
        return String.valueOf(value).trim();
    }

    /** The configuration file FileInstall read, else the PID. */
    private static String source(Map<String, ?> properties) {
        Object file = properties.get(FILE_NAME);
        if (file != null) {
            try {
                return Path.of(URI.create(file.toString())).toString();
            } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
                return file.toString();
            }
        }
        return "configuration " + PassiveConfig.PID;
    }
}
