package dev.utrace.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.baseline.ApiGate.Mode;
import dev.utrace.baseline.ApiGate.Outcome;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checker itself: a small bundle built here is recorded, changed, and baselined again; each
 * test shows one of bnd's rules failing the build (or not) and what the message says.
 */
class ApiGateTest {
    @TempDir
    Path dir;

    /** syn.api 1.0.0: a provider interface, a consumer interface, a class. */
    private static SyntheticBundle v1() {
        return new SyntheticBundle()
                .exported("syn.api", "1.0.0")
                .source("syn/api/Machine.java", """
                        package syn.api;
                        @org.osgi.annotation.versioning.ProviderType
                        public interface Machine { int pid(); }
                        """)
                .source("syn/api/Callback.java", """
                        package syn.api;
                        @org.osgi.annotation.versioning.ConsumerType
                        public interface Callback { void onEvent(int code); }
                        """)
                .source("syn/api/Info.java", """
                        package syn.api;
                        public final class Info { public int pid() { return 1; } }
                        """);
    }

    private Path record() {
        return dir.resolve("api/syn.api");
    }

    /** Records v1 and returns the outcome of checking {@code changed} against it. */
    private Outcome checkAgainstV1(SyntheticBundle changed) throws Exception {
        Outcome recorded = ApiGate.run(Mode.UPDATE, BundleApi.read(v1().build(dir, "v1")), record(), "api/syn.api");
        assertFalse(recorded.failed(), recorded.message());
        return check(changed, "changed");
    }

    private Outcome check(SyntheticBundle bundle, String name) throws Exception {
        return ApiGate.run(Mode.CHECK, BundleApi.read(bundle.build(dir, name)), record(), "api/syn.api");
    }

    @Test
    void anUnchangedApiMatchesItsRecord() throws Exception {
        Outcome outcome = checkAgainstV1(v1());

        assertFalse(outcome.failed(), outcome.message());
        assertTrue(outcome.message().contains("matches its record"), outcome.message());
        String text = Files.readString(record());
        assertTrue(text.contains("\nformat 1\nbundle syn.bundle\nPACKAGE MINOR/MAJOR syn.api\n"), text);
        assertTrue(text.contains("\n  VERSION IGNORED/IGNORED 1.0.0\n"), text);
        assertTrue(text.contains("  INTERFACE MINOR/MAJOR syn.api.Machine\n"), text);
        assertTrue(text.contains("    METHOD MINOR/MAJOR pid()\n"), text);
        // A consumer interface: adding a method breaks its implementers (and removing one its callers).
        assertTrue(text.contains("    METHOD MAJOR/MAJOR onEvent(int)\n"), text);
    }

    @Test
    void theRecordHoldsNothingFromTheJdkThatWroteIt() throws Exception {
        checkAgainstV1(v1());
        String text = Files.readString(record());

        // Info inherits hashCode() and toString() from java.lang.Object; bnd would list them,
        // with the running JDK's jdk.internal annotations, if it loaded Object from that JDK.
        assertFalse(text.contains("hashCode()"), text);
        assertFalse(text.contains("jdk.internal"), text);
        assertFalse(text.contains("CLASS_VERSION"), text);
    }

    @Test
    void aMethodAddedToAProviderInterfaceNeedsAMinorRaise() throws Exception {
        SyntheticBundle added = v1().source("syn/api/Machine.java", """
                package syn.api;
                @org.osgi.annotation.versioning.ProviderType
                public interface Machine { int pid(); long startTime(); }
                """);

        Outcome unraised = checkAgainstV1(added);
        assertTrue(unraised.failed(), unraised.message());
        assertTrue(unraised.message().contains("syn.api: MINOR change since the record; its version 1.0.0 (recorded 1.0.0)"
                + " must be at least 1.1.0"), unraised.message());
        assertTrue(unraised.message().contains("bnd's diff:"), unraised.message());
        assertTrue(unraised.message().matches("(?s).*MINOR +INTERFACE +syn\\.api\\.Machine\\n +ADDED +METHOD +startTime\\(\\).*"),
                unraised.message());

        Outcome raised = check(added.exported("syn.api", "1.1.0"), "raised");
        assertFalse(raised.failed(), raised.message());
        assertTrue(raised.message().contains("syn.api: MINOR change, version raised 1.0.0 -> 1.1.0"), raised.message());
    }

    @Test
    void aMethodAddedToAConsumerInterfaceNeedsAMajorRaise() throws Exception {
        SyntheticBundle added = v1().exported("syn.api", "1.1.0").source("syn/api/Callback.java", """
                package syn.api;
                @org.osgi.annotation.versioning.ConsumerType
                public interface Callback { void onEvent(int code); void onExit(); }
                """);

        Outcome minor = checkAgainstV1(added);
        assertTrue(minor.failed(), minor.message());
        assertTrue(minor.message().contains("syn.api: MAJOR change since the record; its version 1.1.0 (recorded 1.0.0)"
                + " must be at least 2.0.0, or 1.1.0 if Callback were @ProviderType"), minor.message());
        assertTrue(minor.message().matches("(?s).*ADDED +METHOD +onExit\\(\\).*"), minor.message());

        Outcome major = check(added.exported("syn.api", "2.0.0"), "major");
        assertFalse(major.failed(), major.message());
    }

    @Test
    void aChangedMethodNeedsAMajorRaise() throws Exception {
        SyntheticBundle changed = v1().source("syn/api/Info.java", """
                package syn.api;
                public final class Info { public long pid() { return 1; } }
                """);

        Outcome outcome = checkAgainstV1(changed);

        assertTrue(outcome.failed(), outcome.message());
        assertTrue(outcome.message().contains("syn.api: MAJOR change since the record; its version 1.0.0 (recorded 1.0.0)"
                + " must be at least 2.0.0"), outcome.message());
        assertTrue(outcome.message().matches("(?s).*MAJOR +METHOD +pid\\(\\)\\n +REMOVED +RETURN +int\\n +ADDED +RETURN +long\\n.*"),
                outcome.message());
    }

    @Test
    void aRemovedMethodNeedsAMajorRaise() throws Exception {
        SyntheticBundle removed = v1().exported("syn.api", "1.1.0").source("syn/api/Machine.java", """
                package syn.api;
                @org.osgi.annotation.versioning.ProviderType
                public interface Machine { }
                """);

        Outcome outcome = checkAgainstV1(removed);

        assertTrue(outcome.failed(), outcome.message());
        assertTrue(outcome.message().contains("must be at least 2.0.0"), outcome.message());
        assertTrue(outcome.message().matches("(?s).*REMOVED +METHOD +pid\\(\\).*"), outcome.message());
    }

    @Test
    void aNewClassNeedsAMinorRaise() throws Exception {
        SyntheticBundle added = v1().source("syn/api/Extra.java", "package syn.api;\npublic final class Extra {}\n");

        Outcome outcome = checkAgainstV1(added);

        assertTrue(outcome.failed(), outcome.message());
        assertTrue(outcome.message().contains("must be at least 1.1.0"), outcome.message());
        assertTrue(outcome.message().matches("(?s).*ADDED +CLASS +syn\\.api\\.Extra.*"), outcome.message());
        assertFalse(check(added.exported("syn.api", "1.1.0"), "raised").failed());
    }

    @Test
    void aPrivateChangeNeedsNoRaise() throws Exception {
        SyntheticBundle changed = v1()
                .source("syn/api/Info.java", """
                        package syn.api;
                        public final class Info { public int pid() { return helper(); } private int helper() { return 2; } }
                        """)
                .source("syn/impl/Worker.java", "package syn.impl;\npublic class Worker { public void work() {} }\n");

        Outcome outcome = checkAgainstV1(changed);

        assertFalse(outcome.failed(), outcome.message());
        assertTrue(outcome.message().contains("matches its record"), outcome.message());
    }

    @Test
    void aVersionBelowTheRecordedOneFails() throws Exception {
        Outcome recorded = ApiGate.run(Mode.UPDATE, BundleApi.read(v1().exported("syn.api", "1.2.0").build(dir, "v12")),
                record(), "api/syn.api");
        assertFalse(recorded.failed(), recorded.message());

        Outcome outcome = check(v1().exported("syn.api", "1.1.0"), "v11");

        assertTrue(outcome.failed(), outcome.message());
        assertTrue(outcome.message().contains("syn.api: version 1.1.0 is lower than the recorded 1.2.0"), outcome.message());
    }

    @Test
    void aMissingRecordFailsAndSaysHowToWriteIt() throws Exception {
        Outcome outcome = ApiGate.run(Mode.CHECK, BundleApi.read(v1().build(dir, "v1")), record(), "api/syn.api");

        assertTrue(outcome.failed());
        assertEquals("No API record for bundle syn.bundle: api/syn.api does not exist.\n"
                + "Every bundle that exports packages has one, so that bnd's baseline checks its API.\n"
                + "Record the current API with bin/api-baseline update, and commit the file.", outcome.message());
        assertFalse(Files.exists(record()));
    }

    @Test
    void anUnreadableRecordSaysWhereAndHowToRestoreIt() throws Exception {
        Files.createDirectories(record().getParent());
        Files.writeString(record(), "format 1\nbundle syn.bundle\nPACKAGE MINOR/MAJOR syn.api\n  FROB MINOR/MAJOR x\n");
        Path jar = v1().build(dir, "v1");

        Outcome check = ApiGate.run(Mode.CHECK, BundleApi.read(jar), record(), "api/syn.api");
        Outcome update = ApiGate.run(Mode.UPDATE, BundleApi.read(jar), record(), "api/syn.api");

        for (Outcome outcome : new Outcome[] {check, update}) {
            assertTrue(outcome.failed());
            assertEquals("The API record api/syn.api cannot be read: line 4: unknown element type 'FROB'.\n"
                    + "It is written by bin/api-baseline update, not by hand: restore it from git, or write it anew from"
                    + " the current API with bin/api-baseline force.", outcome.message());
        }
        Outcome forced = ApiGate.run(Mode.FORCE, BundleApi.read(jar), record(), "api/syn.api");
        assertFalse(forced.failed(), forced.message());
        assertFalse(ApiGate.run(Mode.CHECK, BundleApi.read(jar), record(), "api/syn.api").failed());
    }

    @Test
    void aPackageGoneOrUnrecordedMakesTheRecordOutOfDate() throws Exception {
        SyntheticBundle two = v1().exported("syn.more", "1.0.0")
                .source("syn/more/Thing.java", "package syn.more;\npublic interface Thing { }\n");
        Outcome unrecorded = checkAgainstV1(two);
        assertTrue(unrecorded.failed(), unrecorded.message());
        assertTrue(unrecorded.message().contains("The API record api/syn.api is out of date:\n"
                + "  syn.more (1.0.0) is exported but not in the record\n"), unrecorded.message());
        assertTrue(unrecorded.message().contains("record the API with bin/api-baseline update"), unrecorded.message());

        Outcome recorded = ApiGate.run(Mode.UPDATE, BundleApi.read(two.build(dir, "two")), record(), "api/syn.api");
        assertFalse(recorded.failed(), recorded.message());
        assertTrue(Files.readString(record()).contains("PACKAGE MINOR/MAJOR syn.more\n"));

        Outcome removed = check(v1(), "one");
        assertTrue(removed.failed(), removed.message());
        assertTrue(removed.message().contains("  syn.more (recorded at 1.0.0) is no longer exported\n"), removed.message());
    }

    @Test
    void anUpdateRefusesAVersionTooLowButForceRecordsIt() throws Exception {
        SyntheticBundle broken = v1().source("syn/api/Machine.java", """
                package syn.api;
                @org.osgi.annotation.versioning.ProviderType
                public interface Machine { long pid(); }
                """);
        checkAgainstV1(v1());
        byte[] before = Files.readAllBytes(record());
        Path jar = broken.build(dir, "broken");

        Outcome refused = ApiGate.run(Mode.UPDATE, BundleApi.read(jar), record(), "api/syn.api");
        assertTrue(refused.failed(), refused.message());
        assertTrue(refused.message().contains("must be at least 2.0.0"), refused.message());
        assertTrue(refused.message().endsWith("The record is left as it was."), refused.message());
        assertArrayEquals(before, Files.readAllBytes(record()));

        Outcome forced = ApiGate.run(Mode.FORCE, BundleApi.read(jar), record(), "api/syn.api");
        assertFalse(forced.failed(), forced.message());
        assertTrue(forced.message().contains("Recorded although bnd's baseline asks for higher versions:"), forced.message());
        assertFalse(ApiGate.run(Mode.CHECK, BundleApi.read(jar), record(), "api/syn.api").failed());
    }

    @Test
    void anUpdateOfAnUnchangedApiLeavesTheFileAlone() throws Exception {
        checkAgainstV1(v1());
        Files.setLastModifiedTime(record(), java.nio.file.attribute.FileTime.fromMillis(0));

        Outcome outcome = ApiGate.run(Mode.UPDATE, BundleApi.read(v1().build(dir, "again")), record(), "api/syn.api");

        assertFalse(outcome.failed());
        assertEquals("API record api/syn.api is up to date", outcome.message());
        assertEquals(0, Files.getLastModifiedTime(record()).toMillis());
    }

    @Test
    void anUnknownUpdateModeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mode.of("yes"));
        assertEquals("-Dapi.baseline.update=yes is not understood: use true (record the API, refusing a version too low"
                + " for its change) or force (record it whatever the versions)", e.getMessage());
        assertEquals(Mode.CHECK, Mode.of(null));
        assertEquals(Mode.CHECK, Mode.of("false"));
        assertEquals(Mode.UPDATE, Mode.of("true"));
        assertEquals(Mode.FORCE, Mode.of("force"));
    }
}
