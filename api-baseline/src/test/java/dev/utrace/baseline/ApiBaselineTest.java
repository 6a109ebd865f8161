package dev.utrace.baseline;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The build's API check (issue 13): bnd's baseline of every project bundle this module depends on
 * against its committed record {@code <module>/api/<module>.api}. With
 * {@code -Dapi.baseline.update=true} (or {@code =force}) it writes the records instead; see
 * {@link ApiGate} for the rules and README.md, "API baseline", for the commands.
 */
class ApiBaselineTest {
    private static final Path ROOT = Path.of(property("api.baseline.root")).toAbsolutePath().normalize();

    @TestFactory
    Stream<DynamicTest> everyProjectBundleMatchesItsRecord() {
        ApiGate.Mode mode = ApiGate.Mode.of(System.getProperty("api.baseline.update"));
        return bundles().stream().map(jar -> dynamicTest(jar.getFileName().toString(), () -> {
            Path record = ApiModules.recordOf(ApiModules.moduleOf(jar, ROOT));
            ApiGate.Outcome outcome = ApiGate.run(mode, BundleApi.read(jar), record, ROOT.relativize(record).toString());
            if (outcome.failed()) {
                fail(outcome.message());
            }
            System.out.println(outcome.message());
        }));
    }

    @Test
    void everyModuleThatExportsPackagesIsChecked() {
        Set<Path> checked = bundles().stream().map(jar -> ApiModules.moduleOf(jar, ROOT)).collect(Collectors.toSet());
        List<String> unchecked = ApiModules.unchecked(ROOT, checked);
        assertTrue(unchecked.isEmpty(), () -> "The API check does not see every exported API:\n  "
                + String.join("\n  ", unchecked)
                + "\nAdd the module as a test dependency in api-baseline/pom.xml, then record its API with "
                + ApiGate.UPDATE + ".");
    }

    private static List<Path> bundles() {
        return Arrays.stream(property("api.baseline.bundles").split(","))
                .map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> Path.of(s).toAbsolutePath().normalize())
                .sorted().toList();
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            throw new IllegalStateException("System property " + name + " is not set: this check runs through Maven"
                    + " (bin/test, bin/api-baseline), whose api-baseline/pom.xml sets it");
        }
        return value;
    }
}
