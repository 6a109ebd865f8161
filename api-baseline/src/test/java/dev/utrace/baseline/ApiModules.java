package dev.utrace.baseline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the project's bundles and their records are: a bundle built by the reactor is
 * {@code <module>/target/*.jar}, its record {@code <module>/api/<module>.api}.
 */
final class ApiModules {
    private static final Pattern EXPORT = Pattern.compile("(?m)^\\s*@(org\\.osgi\\.annotation\\.bundle\\.)?Export\\b");

    private ApiModules() {}

    static Path recordOf(Path module) {
        return module.resolve("api").resolve(module.getFileName() + ".api");
    }

    /**
     * The module a bundle jar of this reactor belongs to; fails with what to do when the path is
     * a classes directory ({@code mvn test} stops before the bundles are packaged) or a jar from
     * elsewhere (a local repository).
     */
    static Path moduleOf(Path bundle, Path root) {
        Path parent = bundle.getParent();
        if (Files.isDirectory(bundle)) {
            throw new IllegalStateException(bundle + " is a classes directory, not a packaged bundle: the API check"
                    + " reads the bundles as released, so it runs in `mvn verify` (bin/test, bin/api-baseline), not `mvn test`");
        }
        if (parent == null || !parent.getFileName().toString().equals("target") || parent.getParent() == null
                || !Files.exists(parent.getParent().resolve("pom.xml")) || !bundle.startsWith(root)) {
            throw new IllegalStateException(bundle + " was not built by this project's reactor: run the check from"
                    + " the project root (bin/test, bin/api-baseline), so that it reads the bundles just built");
        }
        return parent.getParent();
    }

    /**
     * What escapes the check: a module with an {@code @Export}ed package, or with a record, whose
     * bundle is not among those checked.
     */
    static List<String> unchecked(Path root, Set<Path> checkedModules) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path module : dirs.sorted().toList()) {
                if (!Files.exists(module.resolve("pom.xml")) || checkedModules.contains(module)) {
                    continue;
                }
                Optional<Path> exporting = exportingPackageInfo(module);
                if (exporting.isPresent()) {
                    found.add(module.getFileName() + " exports packages (" + root.relativize(exporting.get()) + ")");
                } else if (Files.exists(recordOf(module))) {
                    found.add(module.getFileName() + " has an API record (" + root.relativize(recordOf(module)) + ")");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static Optional<Path> exportingPackageInfo(Path module) throws IOException {
        Path sources = module.resolve("src/main/java");
        if (!Files.isDirectory(sources)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.getFileName().toString().equals("package-info.java")).sorted().toList()) {
                if (EXPORT.matcher(Files.readString(f)).find()) {
                    return Optional.of(f);
                }
            }
        }
        return Optional.empty();
    }
}
