package dev.utrace.baseline;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Constants;
import aQute.bnd.osgi.Jar;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A small bundle made in a test, as the build makes the project's: Java sources compiled by the
 * running JDK, packed by bnd's Builder, which exports the packages whose package-info says
 * {@code @Export @Version}.
 */
final class SyntheticBundle {
    private final Map<String, String> sources = new TreeMap<>();

    /** Adds (or replaces) a source file, by its path such as {@code syn/api/Machine.java}. */
    SyntheticBundle source(String path, String code) {
        sources.put(path, code);
        return this;
    }

    SyntheticBundle without(String path) {
        sources.remove(path);
        return this;
    }

    /** An exported package at a version. */
    SyntheticBundle exported(String pkg, String version) {
        return source(pkg.replace('.', '/') + "/package-info.java",
                "@org.osgi.annotation.bundle.Export\n@org.osgi.annotation.versioning.Version(\"" + version + "\")\npackage "
                        + pkg + ";\n");
    }

    SyntheticBundle copy() {
        SyntheticBundle c = new SyntheticBundle();
        c.sources.putAll(sources);
        return c;
    }

    /** Compiles and packs the bundle {@code syn.bundle} into {@code dir/name.jar}. */
    Path build(Path dir, String name) throws Exception {
        Path src = dir.resolve(name + "-src");
        Path classes = dir.resolve(name + "-classes");
        Files.createDirectories(classes);
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-proc:none", "-nowarn",
                "-cp", Path.of(ProviderType.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString()));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = src.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        if (javac.run(null, null, new PrintStream(errors, true, StandardCharsets.UTF_8), args.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("the synthetic bundle does not compile:\n" + errors.toString(StandardCharsets.UTF_8));
        }
        Path out = dir.resolve(name + ".jar");
        try (Builder builder = new Builder()) {
            builder.setProperty(Constants.BUNDLE_SYMBOLICNAME, "syn.bundle");
            builder.setProperty(Constants.BUNDLE_VERSION, "1.0.0");
            builder.setProperty(Constants.PRIVATEPACKAGE, "syn.*");
            builder.setProperty(Constants.NOEXTRAHEADERS, "true");
            builder.addClasspath(classes.toFile());
            Jar jar = builder.build();
            if (!builder.isOk()) {
                throw new IllegalStateException("bnd could not build the synthetic bundle: " + builder.getErrors());
            }
            jar.write(out.toFile());
        }
        return out;
    }
}
