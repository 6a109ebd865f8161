package dev.utrace.itests.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which rules of the semantics reference ({@code docs/utrace-semantics.md}) no test names. A
 * rule is defined where its ID is written in bold ({@code **R-XYZ-5 (release hook).**}); a test
 * names it when its source contains the ID, or the ID with underscores (a method name such as
 * {@code releaseRunsOnce_R_XYZ_5}), not followed by a letter or digit, so that R-XYZ-1 is not
 * named by a test of R-XYZ-10. (This file and its test write no real ID: they would name it.)
 */
final class RuleCoverage {
    private static final Pattern DEFINITION = Pattern.compile("\\*\\*(R-[A-Z0-9]+(?:-[A-Z0-9]+)*)");

    private RuleCoverage() {
    }

    /** The rule IDs the reference defines, in document order, each once. */
    static List<String> ruleIds(String reference) {
        Set<String> ids = new LinkedHashSet<>();
        Matcher m = DEFINITION.matcher(reference);
        while (m.find()) ids.add(m.group(1));
        return List.copyOf(ids);
    }

    /** The IDs of {@code ids} that none of {@code testSources} names, in the order given. */
    static List<String> unnamed(List<String> ids, Collection<String> testSources) {
        List<String> missing = new ArrayList<>();
        for (String id : ids) {
            Pattern named = Pattern.compile("(?<![A-Za-z0-9])(?:" + Pattern.quote(id) + "|"
                    + Pattern.quote(id.replace('-', '_')) + ")(?![A-Za-z0-9])");
            if (testSources.stream().noneMatch(s -> named.matcher(s).find())) missing.add(id);
        }
        return missing;
    }

    /** The text of every Java file under a {@code src/test} folder of the modules under {@code root}. */
    static List<String> testSources(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> isTestSource(root.relativize(p)))
                    .map(RuleCoverage::read)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code module/src/test/...}, not under a build output folder ({@code target}) or .git. */
    private static boolean isTestSource(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.equals("target") || name.equals(".git")) return false;
        }
        String unix = relative.toString().replace('\\', '/');
        return unix.contains("/src/test/");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
