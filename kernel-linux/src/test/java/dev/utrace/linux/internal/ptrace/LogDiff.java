package dev.utrace.linux.internal.ptrace;

import java.util.List;

/** The lines where two logs part: a short report for a failed comparison (empty when equal). */
final class LogDiff {
    private static final int CONTEXT = 2;

    private LogDiff() {
    }

    static String of(String expectedName, List<String> expected, String actualName, List<String> actual) {
        if (expected.equals(actual)) return "";
        int first = 0;
        while (first < expected.size() && first < actual.size() && expected.get(first).equals(actual.get(first))) first++;
        // Lines in common at the end, so that one extra or missing line shows as just that.
        int tail = 0;
        while (tail < expected.size() - first && tail < actual.size() - first
                && expected.get(expected.size() - 1 - tail).equals(actual.get(actual.size() - 1 - tail))) {
            tail++;
        }
        StringBuilder out = new StringBuilder("--- " + actualName + " parts from " + expectedName + " at line " + (first + 1) + ":\n");
        for (int i = Math.max(0, first - CONTEXT); i < first; i++) out.append("   ").append(expected.get(i)).append('\n');
        for (int i = first; i < expected.size() - tail; i++) out.append(" - ").append(expected.get(i)).append('\n');
        for (int i = first; i < actual.size() - tail; i++) out.append(" + ").append(actual.get(i)).append('\n');
        for (int i = expected.size() - tail; i < Math.min(expected.size(), expected.size() - tail + CONTEXT); i++) {
            out.append("   ").append(expected.get(i)).append('\n');
        }
        return out.toString();
    }
}
