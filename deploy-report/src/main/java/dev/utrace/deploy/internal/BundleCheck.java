package dev.utrace.deploy.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipException;

/**
 * Whether a file is an OSGi bundle by FileInstall's own test: a jar whose manifest names a
 * {@code Bundle-SymbolicName}. FileInstall installs such a jar and passes over anything else
 * in silence.
 */
final class BundleCheck {
    private BundleCheck() {
    }

    /** Why {@code jar} is not a bundle, in words for the user; empty if it is one. */
    static Optional<String> whyNotABundle(Path jar) {
        try (JarFile j = new JarFile(jar.toFile(), false)) {
            Manifest m = j.getManifest();
            if (m == null) return Optional.of("it has no manifest (META-INF/MANIFEST.MF)");
            if (m.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                return Optional.of("its manifest has no Bundle-SymbolicName header");
            }
            return Optional.empty();
        } catch (ZipException e) {
            return Optional.of("it is not a jar (zip) file, or only part of one");
        } catch (IOException | RuntimeException e) {
            return Optional.of("it cannot be read (check its permissions)");
        }
    }
}
