package dev.utrace.baseline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the build does with one bundle and its record: check the bundle against it, or write it.
 *
 * <p>The record is the API as last released. Between releases the API may change as long as
 * each package's version is raised as bnd's baseline asks; the record keeps the released
 * versions until the next {@code bin/api-baseline update}, so one raise covers every change of a
 * release. What no version can express (a package gone, a new package unrecorded) makes the
 * record out of date, and an update, a deliberate and reviewed change of the record file, is the
 * only way past it.
 */
final class ApiGate {
    static final String UPDATE = "bin/api-baseline update";
    static final String FORCE = "bin/api-baseline force";

    enum Mode {
        /** Check: fail on a version too low and on a record out of date. */
        CHECK,
        /** Write the record, unless a version is too low for the change since the old one. */
        UPDATE,
        /** Write the record whatever the versions: a break taken deliberately before a first release. */
        FORCE;

        /** Reads {@code -Dapi.baseline.update}. */
        static Mode of(String property) {
            if (property == null || property.isBlank() || property.equals("false")) {
                return CHECK;
            }
            if (property.equals("true")) {
                return UPDATE;
            }
            if (property.equals("force")) {
                return FORCE;
            }
            throw new IllegalArgumentException("-Dapi.baseline.update=" + property + " is not understood: use true"
                    + " (record the API, refusing a version too low for its change) or force (record it whatever the versions)");
        }
    }

    record Outcome(boolean failed, String message) {}

    private ApiGate() {}

    /**
     * @param recordFile where the record is
     * @param shown      how to name the record in messages (relative to the project root)
     */
    static Outcome run(Mode mode, BundleApi current, Path recordFile, String shown) throws Exception {
        ApiRecord recorded = null;
        String unreadable = null;
        if (Files.exists(recordFile)) {
            try {
                recorded = ApiRecord.read(recordFile);
            } catch (ApiRecord.FormatException e) {
                unreadable = e.getMessage();
            }
        }
        String bsn = current.bsn;
        if (current.api.packages.isEmpty() && recorded == null && unreadable == null) {
            return new Outcome(false, bsn + " exports no package: no API to check");
        }
        if (unreadable != null && mode != Mode.FORCE) {
            return new Outcome(true, "The API record " + shown + " cannot be read: " + unreadable + ".\n"
                    + "It is written by " + UPDATE + ", not by hand: restore it from git, or write it anew from the"
                    + " current API with " + FORCE + ".");
        }
        ApiCheck check = recorded == null ? null : ApiCheck.compare(current, recorded);
        return switch (mode) {
            case CHECK -> check == null ? missing(bsn, shown) : verdict(bsn, shown, check);
            case UPDATE -> check != null && !check.breaks.isEmpty()
                    ? new Outcome(true, breaks(bsn, shown, check) + "\nThe record is left as it was.")
                    : write(current, recordFile, shown, check, false);
            case FORCE -> write(current, recordFile, shown, check, true);
        };
    }

    private static Outcome missing(String bsn, String shown) {
        return new Outcome(true, "No API record for bundle " + bsn + ": " + shown + " does not exist.\n"
                + "Every bundle that exports packages has one, so that bnd's baseline checks its API.\n"
                + "Record the current API with " + UPDATE + ", and commit the file.");
    }

    private static Outcome verdict(String bsn, String shown, ApiCheck check) {
        StringBuilder b = new StringBuilder();
        if (!check.breaks.isEmpty()) {
            b.append(breaks(bsn, shown, check));
        }
        if (!check.stale.isEmpty()) {
            if (!b.isEmpty()) {
                b.append('\n');
            }
            b.append("The API record ").append(shown).append(" is out of date:\n");
            lines(b, check.stale);
            b.append("If that is deliberate (a package moved to another bundle, or dropped in a major release),\n"
                    + "record the API with ").append(UPDATE).append(", and commit the file.\n");
        }
        if (!b.isEmpty()) {
            return new Outcome(true, b.toString().stripTrailing());
        }
        if (!check.notes.isEmpty()) {
            StringBuilder n = new StringBuilder("API of " + bsn + " changed since its record " + shown
                    + ", versioned as bnd asks:\n");
            lines(n, check.notes);
            n.append("The record keeps the released API until ").append(UPDATE).append(" at the next release.");
            return new Outcome(false, n.toString());
        }
        return new Outcome(false, "API of " + bsn + " matches its record " + shown);
    }

    private static String breaks(String bsn, String shown, ApiCheck check) {
        StringBuilder b = new StringBuilder("API of bundle " + bsn + " changed since its record " + shown
                + " without the version bnd's baseline asks for:\n");
        lines(b, check.breaks);
        b.append("Raise the package's @Version in its package-info.java to at least the version shown (MAJOR: code\n"
                + "compiled against the old API breaks; MINOR: a compatible addition; on an interface, @ProviderType\n"
                + "or @ConsumerType decides which one an added method is), then, at a release, record the API with\n"
                + UPDATE + ". Before a first release, " + FORCE + " records it without the raise.\n");
        return b.toString();
    }

    private static Outcome write(BundleApi current, Path recordFile, String shown, ApiCheck check, boolean forced)
            throws IOException {
        String text = current.api.text();
        boolean same = Files.exists(recordFile) && Files.readString(recordFile, StandardCharsets.UTF_8).equals(text);
        if (same) {
            return new Outcome(false, "API record " + shown + " is up to date");
        }
        current.api.write(recordFile);
        StringBuilder b = new StringBuilder("Recorded the API of " + current.bsn + " (" + current.api.packages.size()
                + " packages) in " + shown + (forced ? ", forced" : "") + "; commit it.\n");
        if (check != null) {
            if (!check.breaks.isEmpty()) {
                b.append("Recorded although bnd's baseline asks for higher versions:\n");
                lines(b, check.breaks);
            }
            if (!check.stale.isEmpty() || !check.notes.isEmpty()) {
                b.append("Changes since the old record:\n");
                lines(b, check.stale);
                lines(b, check.notes);
            }
        }
        return new Outcome(false, b.toString().stripTrailing());
    }

    private static void lines(StringBuilder b, List<String> items) {
        for (String item : items) {
            b.append("  ").append(item).append('\n');
        }
    }
}
