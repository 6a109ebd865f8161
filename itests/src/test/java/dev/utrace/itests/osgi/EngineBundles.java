package dev.utrace.itests.osgi;

import static org.ops4j.pax.exam.CoreOptions.streamBundle;

import dev.utrace.itests.engine.CountingOps;
import dev.utrace.itests.engine.EngineActivator;
import dev.utrace.itests.engine.TallyActivator;
import dev.utrace.itests.engine.TallyOps;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.ops4j.pax.exam.Option;

/**
 * Engine bundles written from test classes: {@link #counting()} on the host side, installed
 * but not started (tests find it by symbolic name); {@link #tally} inside the framework, as
 * bytes to install or update from, or as a file for FileInstall ({@link #writeTally}).
 */
final class EngineBundles {
    static final String COUNTING = "itest.engine";
    /** The symbolic name of the tally engine bundle ({@link TallyActivator}). */
    static final String TALLY = "itest.tally";

    private EngineBundles() {
    }

    /** The counting engine bundle ({@link EngineActivator}); starts only when the test says so. */
    static Option counting() {
        return streamBundle(jar(COUNTING, EngineActivator.class, CountingOps.class)).noStart();
    }

    /**
     * The tally engine bundle, version {@code version}, counting into the system properties
     * {@code itest.KEY.*} (see {@link TallyActivator}; {@link Tally} sets them up).
     */
    static byte[] tally(String key, String version) {
        return bytes(TALLY, version, Map.of("Itest-Key", key), TallyActivator.class, TallyOps.class);
    }

    /**
     * Writes the tally bundle to {@code file} in one atomic step (written beside the folder,
     * then moved in), so a watching FileInstall never sees half a jar.
     */
    static Path writeTally(Path file, String key, String version) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent().getParent(), "tally", ".part");
        Files.write(tmp, tally(key, version));
        return Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static InputStream jar(String symbolicName, Class<?> activator, Class<?>... more) {
        return new ByteArrayInputStream(bytes(symbolicName, "1.0.0", Map.of(), activator, more));
    }

    private static byte[] bytes(String symbolicName, String version, Map<String, String> headers, Class<?> activator,
            Class<?>... more) {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", symbolicName);
        a.putValue("Bundle-Version", version);
        a.putValue("Bundle-Activator", activator.getName());
        a.putValue("Import-Package", "dev.utrace.api;version=\"[1.0,2)\",dev.utrace.api.task;version=\"[1.0,2)\",org.osgi.framework");
        headers.forEach(a::putValue);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, m)) {
            add(out, activator);
            for (Class<?> c : more) add(out, c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void add(JarOutputStream out, Class<?> c) throws IOException {
        String name = c.getName().replace('.', '/') + ".class";
        try (InputStream in = c.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IOException("no class file for " + c.getName());
            out.putNextEntry(new JarEntry(name));
            in.transferTo(out);
            out.closeEntry();
        }
    }
}
