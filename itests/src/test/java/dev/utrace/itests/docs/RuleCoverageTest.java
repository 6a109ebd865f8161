package dev.utrace.itests.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every rule of the semantics reference the repository ships ({@code docs/utrace-semantics.md})
 * is named by at least one test, as the project's conventions ask; plus the checker's own cases.
 */
class RuleCoverageTest {
    private static final Path ROOT = Path.of(System.getProperty("utrace.root", "..")).toAbsolutePath().normalize();

    @Test
    void everyRuleOfTheSemanticsReferenceIsNamedByATest() throws IOException {
        Path reference = ROOT.resolve("docs/utrace-semantics.md");
        assertTrue(Files.isRegularFile(reference), reference + " is missing: it is the behavioural contract the tests name");
        List<String> ids = RuleCoverage.ruleIds(Files.readString(reference));
        assertFalse(ids.isEmpty(), "no rule found in " + reference + " (rules are written **R-XXX-n ...**)");
        List<String> sources = RuleCoverage.testSources(ROOT);
        assertFalse(sources.isEmpty(), "no test sources found under " + ROOT);

        assertEquals(List.of(), RuleCoverage.unnamed(ids, sources),
                "rules of docs/utrace-semantics.md no test names: give the test that checks each one its ID"
                        + " in its name or @DisplayName");
    }

    @Test
    void aRuleIsNamedByItsIdOrTheIdWithUnderscoresButNotByALongerId() {
        List<String> ids = RuleCoverage.ruleIds("""
                * **R-ABC-1 (first).** text, mentioning R-ABC-9 in passing
                * **R-ABC-10 (tenth).** text
                * **R-ABC-2 (second).** text
                * **R-ABC-1 (defined twice).**
                * **R-XY-GO.** text
                """);
        assertEquals(List.of("R-ABC-1", "R-ABC-10", "R-ABC-2", "R-XY-GO"), ids, "only bold IDs define rules, each once");

        assertEquals(List.of("R-ABC-1", "R-ABC-2"), RuleCoverage.unnamed(ids, List.of(
                "@Test void tenth_R_ABC_10() {}", "@DisplayName(\"R-XY-GO: goes\")")),
                "R_ABC_10 names R-ABC-10 only, not R-ABC-1");
        assertEquals(List.of(), RuleCoverage.unnamed(ids, List.of(
                "void first_R_ABC_1_whenAttached()", "// R-ABC-2.", "R-ABC-10", "\"R-XY-GO\"")));
        assertEquals(List.of("R-ABC-2"), RuleCoverage.unnamed(List.of("R-ABC-2"), List.of("R-ABC-2B", "XR-ABC-2")));
    }

    @Test
    void testSourcesAreTheModulesSrcTestFilesOutsideBuildOutput() throws IOException {
        Path root = Files.createTempDirectory("rule-coverage");
        write(root.resolve("engine/src/test/java/a/ATest.java"), "R-ONE-1");
        write(root.resolve("engine/src/main/java/a/A.java"), "R-TWO-1");
        write(root.resolve("engine/target/generated-test-sources/src/test/B.java"), "R-THREE-1");
        assertEquals(List.of("R-TWO-1", "R-THREE-1"),
                RuleCoverage.unnamed(List.of("R-ONE-1", "R-TWO-1", "R-THREE-1"), RuleCoverage.testSources(root)));
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
