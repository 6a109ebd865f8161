package dev.utrace.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * What FileInstall leaves unsaid, said by the deploy-report bundle as bin/run runs it: a jar in
 * the watched folder that is not a bundle is one warning (FileInstall passes over it in
 * silence), and FileInstall's own failures, which go to the OSGi Log Service, reach
 * {@code java.util.logging} (bin/run's console).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethodPortableFailures.class)
public class DeployReport_IT {
    private static final String REPORTER = "dev.utrace.deploy-report";

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        Path deploy;
        try {
            deploy = Files.createDirectories(Files.createTempDirectory("utrace-itest").resolve("deploy"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return options(UtraceOptions.core(), UtraceOptions.hotDeploy(deploy, 100), UtraceOptions.osgiLog(),
                UtraceOptions.projectBundle("deploy-report"), UtraceOptions.junit(), cleanCaches());
    }

    @Test
    public void aJarThatIsNotABundleIsReportedOnceAndABundleCopiedOverItIsInstalledAsUsual() throws Exception {
        Path deploy = deploy();
        try (LogCapture log = LogCapture.of("dev.utrace.deploy")) {
            Path plain = write(deploy.resolve("plain.jar"), jar(Map.of()));
            LogRecord first = log.await("the warning about plain.jar", r -> r.getMessage().contains("plain.jar"));
            assertEquals(Level.WARNING, first.getLevel());
            assertEquals(plain + " is not an OSGi bundle: its manifest has no Bundle-SymbolicName header; it is not"
                    + " installed. Build it as a bundle (bnd writes the manifest) or remove it.", first.getMessage());

            Path garbage = write(deploy.resolve("garbage.jar"), "not a zip".getBytes());
            LogRecord second = log.await("the warning about garbage.jar", r -> r.getMessage().contains("garbage.jar"));
            assertTrue(second.getMessage(), second.getMessage().startsWith(
                    garbage + " is not an OSGi bundle: it is not a jar (zip) file, or only part of one; it is not installed."));

            // A new bundle changes the folder: FileInstall asks about the two jars it could not handle again.
            write(deploy.resolve("other.jar"), jar(Map.of("Bundle-SymbolicName", "itest.other")));
            Tally.await("FileInstall started itest.other", () -> state("itest.other") == Bundle.ACTIVE);
            assertEquals("each jar reported once: " + log.messages(), 2, log.records().size());

            write(plain, jar(Map.of("Bundle-SymbolicName", "itest.fixed")));
            Tally.await("FileInstall installed the jar rebuilt as a bundle", () -> state("itest.fixed") == Bundle.ACTIVE);
            assertEquals("nothing said about bundles: " + log.messages(), 2, log.records().size());
        } finally {
            empty(deploy);
        }
    }

    @Test
    public void aJarAlreadyInTheFolderWhenTheReporterStartsIsReported() throws Exception {
        Path deploy = deploy();
        Bundle reporter = find(REPORTER);
        reporter.stop();
        try (LogCapture log = LogCapture.of("dev.utrace.deploy")) {
            Path plain = write(deploy.resolve("plain.jar"), jar(Map.of()));
            write(deploy.resolve("marker.jar"), jar(Map.of("Bundle-SymbolicName", "itest.marker")));
            Tally.await("FileInstall went through the folder", () -> state("itest.marker") == Bundle.ACTIVE);
            assertEquals("no reporter, no word: " + log.messages(), 0, log.records().size());

            reporter.start();
            LogRecord r = log.await("the warning about plain.jar", x -> x.getMessage().contains("plain.jar"));
            assertTrue(r.getMessage(), r.getMessage().startsWith(plain + " is not an OSGi bundle"));
            assertEquals(log.messages().toString(), 1, log.records().size());
        } finally {
            empty(deploy);
        }
    }

    @Test
    public void aBundleThatCannotStartIsReportedWithTheFrameworksReason() throws Exception {
        Path deploy = deploy();
        try (LogCapture log = LogCapture.of("dev.utrace.osgi-log")) {
            Path broken = write(deploy.resolve("broken.jar"),
                    jar(Map.of("Bundle-SymbolicName", "itest.broken", "Import-Package", "does.not.exist")));
            LogRecord r = log.await("FileInstall's failure to start broken.jar", x -> x.getMessage().contains("broken.jar"));
            assertEquals(Level.WARNING, r.getLevel());
            assertTrue(r.getMessage(), r.getMessage().startsWith(
                    "org.apache.felix.fileinstall: Error while starting bundle: " + broken.toFile().toURI()));
            assertTrue("the framework's reason: " + r.getMessage(), r.getMessage().contains("does.not.exist"));
        } finally {
            empty(deploy);
        }
    }

    /**
     * Deletes what the test put into the folder, which the next test's framework watches too.
     * Called by each test in a finally block: this probe invoker runs no {@code @After} inside
     * the framework.
     */
    private static void empty(Path deploy) throws IOException {
        try (Stream<Path> files = Files.list(deploy)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
        }
    }

    private Path deploy() {
        return Path.of(context.getProperty("felix.fileinstall.dir"));
    }

    /** Writes {@code file} whole (beside the folder, then moved in), so FileInstall never reads half of it. */
    private static Path write(Path file, byte[] bytes) throws IOException {
        Path tmp = Files.write(file.getParent().resolveSibling(file.getFileName() + ".part"), bytes);
        return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A jar with one text entry and these manifest headers (with Bundle-SymbolicName: a bundle). */
    private static byte[] jar(Map<String, String> headers) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (headers.containsKey("Bundle-SymbolicName")) a.putValue("Bundle-ManifestVersion", "2");
        headers.forEach(a::putValue);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, m)) {
            out.putNextEntry(new JarEntry("readme.txt"));
            out.write("a test jar".getBytes());
            out.closeEntry();
        }
        return bytes.toByteArray();
    }

    /** The bundle's state, or -1 when no such bundle is installed. */
    private int state(String symbolicName) {
        Bundle b = find(symbolicName);
        return b == null ? -1 : b.getState();
    }

    private Bundle find(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) return b;
        }
        return null;
    }
}
