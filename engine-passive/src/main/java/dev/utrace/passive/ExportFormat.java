package dev.utrace.passive;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats of {@link PassiveTracer#export} and {@link PassiveTracer#exportFollowing}. */
public enum ExportFormat {
    /**
     * Chrome's JSON trace-event format (a JSON array, one event a line), which Perfetto's UI and
     * {@code chrome://tracing} open: a track per process and thread, a slice per syscall, instants
     * for signals, clones, execs, exits and deaths, and an arrow from each clone to the new task.
     */
    CHROME,
    /** One JSON object per event per line (the schema is in the README), for {@code jq} and log shippers. */
    NDJSON;

    /** This format's name as the shell takes it: {@code chrome}, {@code ndjson}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a format's name, case insensitive ({@code json}, {@code perfetto}, {@code jsonl} also work).
     *
     * @throws IllegalArgumentException naming the word and the known formats
     */
    public static ExportFormat parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "chrome", "json", "perfetto" -> CHROME;
            case "ndjson", "jsonl" -> NDJSON;
            default -> throw new IllegalArgumentException("unknown format '" + text + "'; known formats: chrome, ndjson");
        };
    }

    /** The format a file's name suggests: {@link #NDJSON} for {@code .ndjson} and {@code .jsonl}, else {@link #CHROME}. */
    public static ExportFormat forFile(Path file) {
        Path name = file.getFileName();
        String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".ndjson") || n.endsWith(".jsonl") ? NDJSON : CHROME;
    }
}
