package dev.utrace.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which modules the check must see, and which bundle paths it refuses. */
class ApiModulesTest {
    @TempDir
    Path root;

    private Path module(String name, String packageInfo) throws Exception {
        Path module = Files.createDirectories(root.resolve(name));
        Files.writeString(module.resolve("pom.xml"), "<project/>");
        if (packageInfo != null) {
            Path info = module.resolve("src/main/java/a/" + name.replace('-', '_') + "/package-info.java");
            Files.createDirectories(info.getParent());
            Files.writeString(info, packageInfo);
        }
        return module;
    }

    @Test
    void aModuleThatExportsOrHasARecordButIsNotCheckedIsReported() throws Exception {
        Path checked = module("api", "@Export\n@Version(\"1.0.0\")\npackage a.api;\n");
        module("engine-new", "/** Not {@code @Export}ed in a comment. */\n@org.osgi.annotation.bundle.Export\npackage a.engine_new;\n");
        module("internal", "/**\n * @Export is only mentioned here.\n */\npackage a.internal;\n");
        Path old = module("old", null);
        Files.createDirectories(ApiModules.recordOf(old).getParent());
        Files.writeString(ApiModules.recordOf(old), "format 1\n");

        List<String> unchecked = ApiModules.unchecked(root, Set.of(checked));

        assertEquals(List.of("engine-new exports packages (engine-new/src/main/java/a/engine_new/package-info.java)",
                "old has an API record (old/api/old.api)"), unchecked);
    }

    @Test
    void aBundleIsReadOnlyAsPackagedByThisReactor() throws Exception {
        Path module = module("api", null);
        Path jar = Files.createDirectories(module.resolve("target")).resolve("api-1.jar");
        Files.writeString(jar, "");
        assertEquals(module, ApiModules.moduleOf(jar, root));
        assertEquals(root.resolve("api/api/api.api"), ApiModules.recordOf(module));

        Path classes = Files.createDirectories(module.resolve("target/classes"));
        IllegalStateException notPackaged = assertThrows(IllegalStateException.class, () -> ApiModules.moduleOf(classes, root));
        assertEquals(classes + " is a classes directory, not a packaged bundle: the API check reads the bundles as released,"
                + " so it runs in `mvn verify` (bin/test, bin/api-baseline), not `mvn test`", notPackaged.getMessage());

        Path elsewhere = Files.createDirectories(root.resolve("repo/dev/utrace/api/1")).resolve("api-1.jar");
        Files.writeString(elsewhere, "");
        IllegalStateException foreign = assertThrows(IllegalStateException.class, () -> ApiModules.moduleOf(elsewhere, root));
        assertEquals(elsewhere + " was not built by this project's reactor: run the check from the project root"
                + " (bin/test, bin/api-baseline), so that it reads the bundles just built", foreign.getMessage());
    }
}
