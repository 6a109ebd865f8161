package dev.utrace.deploy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What FileInstall's silence about a jar that is not a bundle becomes: one warning per version of the file. */
class NotABundleReporterTest {
    @TempDir
    Path deploy;

    private final NotABundleReporter reporter = new NotABundleReporter();
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(NotABundleReporter.LOGGER);
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        logger.addHandler(capture);
        logger.setUseParentHandlers(false); // the warnings provoked here are this test's, not the build log's
    }

    @AfterEach
    void release() {
        logger.setUseParentHandlers(true);
        logger.removeHandler(capture);
    }

    @Test
    void aJarWithoutBundleSymbolicNameIsReportedOnceNamingTheFileAndWhy() throws IOException {
        Path plain = jar("plain.jar", null);

        assertFalse(reporter.canHandle(plain.toFile()), "never claims a file: it stays FileInstall's");
        assertFalse(reporter.canHandle(plain.toFile()), "asked again (another file changed): still not claimed");

        assertEquals(1, records.size(), "one warning however often FileInstall asks: " + messages());
        LogRecord r = records.get(0);
        assertEquals(Level.WARNING, r.getLevel());
        assertTrue(r.getMessage().startsWith(plain.toAbsolutePath() + " is not an OSGi bundle: "), r.getMessage());
        assertTrue(r.getMessage().contains("no Bundle-SymbolicName"), r.getMessage());
        assertTrue(r.getMessage().contains("it is not installed"), r.getMessage());
    }

    @Test
    void aNewVersionOfTheFileIsReportedAgainAndABundleNever() throws IOException {
        Path plain = jar("engine.jar", null);
        reporter.canHandle(plain.toFile());
        Files.setLastModifiedTime(plain, FileTime.fromMillis(Files.getLastModifiedTime(plain).toMillis() + 2000));
        reporter.canHandle(plain.toFile());
        assertEquals(2, records.size(), "changed but still no bundle: said again: " + messages());

        jar("engine.jar", "dev.example.engine"); // rebuilt as a bundle
        assertFalse(reporter.canHandle(plain.toFile()), "a bundle is left to FileInstall's own bundle handling");
        Path bundle = jar("other.jar", "dev.example.other");
        assertFalse(reporter.canHandle(bundle.toFile()));
        assertEquals(2, records.size(), "nothing said about bundles: " + messages());
    }

    @Test
    void aFileThatIsNoJarAtAllIsReportedAndOtherFilesAreNotLookedAt() throws IOException {
        Path garbage = Files.writeString(deploy.resolve("garbage.jar"), "not a zip");
        Path config = Files.writeString(deploy.resolve("dev.example.cfg"), "a = 1\n");
        Path notes = Files.writeString(deploy.resolve("README.txt"), "notes");

        assertFalse(reporter.canHandle(garbage.toFile()));
        assertFalse(reporter.canHandle(config.toFile()));
        assertFalse(reporter.canHandle(notes.toFile()));

        assertEquals(1, records.size(), messages().toString());
        assertTrue(records.get(0).getMessage().contains(garbage.toAbsolutePath() + " is not an OSGi bundle: it is not a jar (zip) file"),
                records.get(0).getMessage());
    }

    @Test
    void aJarRemovedAndCopiedInAgainIsReportedAgain() throws IOException {
        Path plain = jar("plain.jar", null);
        reporter.canHandle(plain.toFile());
        byte[] bytes = Files.readAllBytes(plain);
        FileTime time = Files.getLastModifiedTime(plain);
        Files.delete(plain);
        reporter.canHandle(jar("unrelated.jar", "dev.example.unrelated").toFile()); // FileInstall asks about another file meanwhile
        Files.write(plain, bytes);
        Files.setLastModifiedTime(plain, time); // cp -p: the same bytes and time

        reporter.canHandle(plain.toFile());
        assertEquals(2, records.size(), "the copied-in jar is a new file: " + messages());
    }

    @Test
    void theJarsAlreadyThereAtActivationAreReportedOnceAndTheirNextQuestionAddsNothing() throws IOException {
        Path plain = jar("plain.jar", null);
        jar("bundle.jar", "dev.example.bundle");
        Files.writeString(deploy.resolve("dev.example.cfg"), "a = 1\n");

        reporter.reportJarsIn(deploy);
        assertEquals(1, records.size(), messages().toString());
        assertTrue(records.get(0).getMessage().startsWith(plain.toAbsolutePath() + " is not an OSGi bundle"), messages().toString());

        reporter.canHandle(plain.toFile()); // FileInstall retries it when the folder changes
        reporter.reportJarsIn(deploy.resolve("no-such-folder"));
        assertEquals(1, records.size(), messages().toString());
    }

    private List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    /** A jar with one class-less entry; a bundle when {@code bsn} is given. */
    private Path jar(String name, String bsn) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (bsn != null) m.getMainAttributes().putValue("Bundle-SymbolicName", bsn);
        Path jar = deploy.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.putNextEntry(new ZipEntry("readme.txt"));
            j.write("hello".getBytes());
            j.closeEntry();
        }
        return jar;
    }
}
