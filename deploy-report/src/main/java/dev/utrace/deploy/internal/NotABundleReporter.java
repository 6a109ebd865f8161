package dev.utrace.deploy.internal;

import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Says, as a warning, that a {@code .jar} in a folder FileInstall watches is not an OSGi bundle.
 * FileInstall installs a jar only if its manifest names a {@code Bundle-SymbolicName}; anything
 * else it keeps asking its listeners about, silently, whenever the folder changes.
 *
 * <p>This listener never claims a file: {@link #canHandle} always answers false, so every file
 * stays FileInstall's and a jar rebuilt as a bundle is installed as usual. FileInstall asks it
 * about each new or changed file before its own bundle handling; it reports each version of a
 * file (path, file identity, time, size) once, however often it is asked again. About the files
 * already there when it starts, FileInstall asked before this listener existed (and asks again
 * only when a folder changes), so at activation it looks into FileInstall's folders itself.
 */
@Component(service = ArtifactInstaller.class,
        property = "service.description=Warns about jars in FileInstall's folders that are not OSGi bundles")
public final class NotABundleReporter implements ArtifactInstaller {
    static final String LOGGER = "dev.utrace.deploy";
    /** FileInstall's folders, comma separated (a framework property). */
    static final String WATCHED_FOLDERS = "felix.fileinstall.dir";
    private static final System.Logger LOG = System.getLogger(LOGGER);

    /** The version of each file last reported; a file that is now a bundle, or gone, is dropped. */
    private final Map<Path, FileVersion> reported = new ConcurrentHashMap<>();

    private record FileVersion(Object fileKey, FileTime modified, long size) {
    }

    /** The jars already in FileInstall's folders: FileInstall asked no listener about them yet. */
    @Activate
    void activate(BundleContext context) {
        String dirs = context.getProperty(WATCHED_FOLDERS);
        if (dirs == null) return;
        for (String dir : dirs.split(",")) {
            if (!dir.isBlank()) reportJarsIn(Path.of(dir.trim()));
        }
    }

    /** Reports each jar in {@code dir} that is not a bundle (and not reported in this version yet). */
    void reportJarsIn(Path dir) {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.{jar,JAR,Jar}")) {
            for (Path jar : jars) check(jar);
        } catch (IOException e) {
            // no such folder (yet): FileInstall warns about that itself
        }
    }

    @Override
    public boolean canHandle(File file) {
        if (file.getName().toLowerCase(Locale.ROOT).endsWith(".jar")) check(file.toPath());
        return false;
    }

    private void check(Path file) {
        Path path = file.toAbsolutePath();
        reported.keySet().removeIf(p -> !Files.exists(p));
        FileVersion version = versionOf(path);
        if (version == null) return;
        Optional<String> why = BundleCheck.whyNotABundle(path);
        if (why.isEmpty()) {
            reported.remove(path);
        } else if (!version.equals(reported.put(path, version))) {
            LOG.log(Level.WARNING, path + " is not an OSGi bundle: " + why.get()
                    + "; it is not installed. Build it as a bundle (bnd writes the manifest) or remove it.");
        }
    }

    private static FileVersion versionOf(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            if (!a.isRegularFile()) return null;
            return new FileVersion(Objects.requireNonNullElse(a.fileKey(), ""), a.lastModifiedTime(), a.size());
        } catch (IOException e) {
            return null; // gone meanwhile
        }
    }

    // Never called: canHandle claims no file.
    @Override
    public void install(File file) {
    }

    @Override
    public void update(File file) {
    }

    @Override
    public void uninstall(File file) {
    }
}
