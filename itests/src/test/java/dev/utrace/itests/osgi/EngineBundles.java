package dev.utrace.itests.osgi;

import static org.ops4j.pax.exam.CoreOptions.streamBundle;

import dev.utrace.itests.engine.CountingOps;
import dev.utrace.itests.engine.EngineActivator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.ops4j.pax.exam.Option;

/**
 * Engine bundles written on the host side from test classes, installed but not started;
 * tests find them by symbolic name.
 */
final class EngineBundles {
    static final String COUNTING = "itest.engine";

    private EngineBundles() {
    }

    /** The counting engine bundle ({@link EngineActivator}); starts only when the test says so. */
    static Option counting() {
        return streamBundle(jar(COUNTING, EngineActivator.class, CountingOps.class)).noStart();
    }

    private static InputStream jar(String symbolicName, Class<?> activator, Class<?>... more) {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", symbolicName);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Bundle-Activator", activator.getName());
        a.putValue("Import-Package", "dev.utrace.api;version=\"[1.0,2)\",dev.utrace.api.task;version=\"[1.0,2)\",org.osgi.framework");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, m)) {
            add(out, activator);
            for (Class<?> c : more) add(out, c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ByteArrayInputStream(bytes.toByteArray());
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
