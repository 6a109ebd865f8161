package dev.utrace.baseline;

import aQute.bnd.differ.Baseline;
import aQute.bnd.differ.Baseline.Info;
import aQute.bnd.differ.DiffPluginImpl;
import aQute.bnd.osgi.Instructions;
import aQute.bnd.osgi.Processor;
import aQute.bnd.service.diff.Delta;
import aQute.bnd.service.diff.Diff;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * bnd's baseline of a bundle against its record, sorted into what the build must refuse, what
 * makes the record out of date, and what is only worth saying.
 *
 * <p>bnd's rules decide: its {@code Baseline} compares the two API trees package by package and
 * suggests the lowest version each package may have (a MAJOR change needs the next major, a MINOR
 * one the next minor; adding a method to an interface is MINOR for a {@code @ProviderType} and
 * MAJOR for a {@code @ConsumerType} or unannotated one). Unlike bnd, a package at 0.x is not
 * exempt: the suggested version is the floor for every package.
 */
final class ApiCheck {
    /** Versions too low for the change since the record (or lower than recorded): refused. */
    final List<String> breaks = new ArrayList<>();
    /** The record no longer lists what the bundle exports: it needs a deliberate update. */
    final List<String> stale = new ArrayList<>();
    /** Correctly versioned changes, and versions raised without a change. */
    final List<String> notes = new ArrayList<>();

    static ApiCheck compare(BundleApi current, ApiRecord recorded) throws Exception {
        ApiCheck check = new ApiCheck();
        if (!current.bsn.equals(recorded.bsn)) {
            check.stale.add("the record is of bundle " + recorded.bsn + ", the jar is " + current.bsn);
        }
        try (Processor reporter = new Processor()) {
            Baseline baseline = new Baseline(reporter, new DiffPluginImpl());
            List<Info> infos = new ArrayList<>(baseline.baseline(
                    current.api.tree(), current.exports, recorded.tree(), recorded.exports(), new Instructions()));
            infos.sort(Comparator.comparing(i -> i.packageName));
            for (Info info : infos) {
                check.judge(info);
            }
        }
        return check;
    }

    private void judge(Info info) {
        String pkg = info.packageName;
        Delta delta = info.packageDiff.getDelta();
        if (delta == Delta.REMOVED) {
            stale.add(pkg + " (recorded at " + info.olderVersion + ") is no longer exported");
        } else if (delta == Delta.ADDED) {
            stale.add(pkg + " (" + info.newerVersion + ") is exported but not in the record");
        } else if (info.newerVersion.compareTo(info.olderVersion) < 0) {
            breaks.add(pkg + ": version " + info.newerVersion + " is lower than the recorded " + info.olderVersion
                    + "; a package's version never goes back");
        } else if (info.suggestedVersion != null && info.newerVersion.compareTo(info.suggestedVersion) < 0) {
            StringBuilder b = new StringBuilder();
            b.append(pkg).append(": ").append(delta).append(" change since the record; its version ")
                    .append(info.newerVersion).append(" (recorded ").append(info.olderVersion)
                    .append(") must be at least ").append(info.suggestedVersion);
            if (info.suggestedIfProviders != null && info.providers != null && !info.providers.isEmpty()) {
                b.append(", or ").append(info.suggestedIfProviders).append(" if ").append(String.join(", ", new java.util.TreeSet<>(info.providers)))
                        .append(" were @ProviderType (implemented only by the API's provider)");
            }
            b.append("\n    bnd's diff:\n");
            appendDiff(b, info.packageDiff, "      ");
            breaks.add(b.toString().stripTrailing());
        } else if (delta != Delta.UNCHANGED && delta != Delta.IGNORED) {
            notes.add(pkg + ": " + delta + " change, version raised " + info.olderVersion + " -> " + info.newerVersion
                    + " as bnd asks (at least " + info.suggestedVersion + ")");
        } else if (!info.newerVersion.equals(info.olderVersion)) {
            notes.add(pkg + ": no API change, version " + info.olderVersion + " -> " + info.newerVersion);
        }
    }

    /**
     * bnd's diff of one package, down to what was added or removed: an added or removed element
     * is the cause, its own children are not listed.
     */
    static void appendDiff(StringBuilder b, Diff diff, String indent) {
        Delta delta = diff.getDelta();
        if (delta == Delta.UNCHANGED || delta == Delta.IGNORED) {
            return;
        }
        b.append(indent).append(String.format("%-9s %-10s %s%n", delta, diff.getType(), diff.getName()));
        if (delta == Delta.ADDED || delta == Delta.REMOVED) {
            return;
        }
        List<Diff> children = new ArrayList<>(diff.getChildren());
        children.sort(Comparator.comparing((Diff d) -> d.getType()).thenComparing(Diff::getName));
        for (Diff child : children) {
            appendDiff(b, child, indent + "  ");
        }
    }
}
