package dev.utrace.passive.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.passive.Kind;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The passive tracer's configuration: good values taken, bad ones refused in words, keeping the last good value. */
class SettingsReaderTest {
    private static final String FILE = "file:/work/deploy/dev.utrace.passive.cfg";
    private static final Settings LAST = new Settings(EnumSet.of(Kind.SYSCALLS), 4096, true, 10);

    @Test
    void goodValuesAsAFileWritesThemAreTaken() {
        SettingsReader.Result r = read(Map.of("ringSize", "4096", "defaultEvents", "syscalls, signals",
                "followChildren", "TRUE", "keepEnded", "0"), Settings.DEFAULT);
        assertEquals(List.of(), r.problems());
        assertEquals(new Settings(EnumSet.of(Kind.SYSCALLS, Kind.SIGNALS), 4096, true, 0), r.settings());
    }

    @Test
    void typedValuesAreTakenToo() {
        SettingsReader.Result r = read(Map.of("ringSize", 8, "defaultEvents", new String[] {"exec", "exit"},
                "followChildren", Boolean.FALSE, "keepEnded", 3L), LAST);
        assertEquals(List.of(), r.problems());
        assertEquals(new Settings(EnumSet.of(Kind.EXEC, Kind.EXIT), 8, false, 3), r.settings());
    }

    @Test
    void aKeyLeftOutTakesItsDefault() {
        SettingsReader.Result r = read(Map.of(), LAST);
        assertEquals(List.of(), r.problems());
        assertEquals(Settings.DEFAULT, r.settings());
    }

    @Test
    void aRingSizeThatIsNoNumberIsRefusedKeepingTheLastGoodValue() {
        SettingsReader.Result r = read(Map.of("ringSize", "banana", "keepEnded", "7"), LAST);
        assertEquals(4096, r.settings().ringSize(), "the last good ring size stays");
        assertEquals(7, r.settings().keepEnded(), "the good key of the same file is taken");
        assertEquals(List.of("/work/deploy/dev.utrace.passive.cfg: ringSize = banana refused: not a whole number; "
                + "ringSize takes a whole number from 1 to 1048576 (events kept per traced task); keeping ringSize = 4096"),
                r.problems());
    }

    @Test
    void numbersOutOfRangeAreRefusedNotClamped() {
        SettingsReader.Result r = read(Map.of("ringSize", "-5", "keepEnded", "-1"), LAST);
        assertEquals(4096, r.settings().ringSize());
        assertEquals(10, r.settings().keepEnded());
        assertEquals(2, r.problems().size(), r.problems().toString());
        assertTrue(r.problems().get(0).contains("ringSize = -5 refused: out of range; ringSize takes a whole number from 1 to 1048576"),
                r.problems().get(0));
        assertTrue(r.problems().get(1).contains("keepEnded = -1 refused: out of range; keepEnded takes a whole number from 0 up"),
                r.problems().get(1));

        SettingsReader.Result huge = read(Map.of("ringSize", "99999999999999999999"), LAST);
        assertEquals(4096, huge.settings().ringSize());
        assertTrue(huge.problems().get(0).contains("ringSize = 99999999999999999999 refused: out of range"), huge.problems().toString());
        SettingsReader.Result tooBig = read(Map.of("ringSize", "1048577"), LAST);
        assertEquals(4096, tooBig.settings().ringSize());
        assertEquals(1048576, read(Map.of("ringSize", "1048576"), LAST).settings().ringSize(), "the largest allowed");
    }

    @Test
    void badEventsAndBadBooleansAreRefusedSayingWhatIsAllowed() {
        SettingsReader.Result r = read(Map.of("defaultEvents", "syscalls,bogus", "followChildren", "yes"), LAST);
        assertEquals(LAST.events(), r.settings().events());
        assertEquals(true, r.settings().follow());
        assertEquals(List.of(
                "/work/deploy/dev.utrace.passive.cfg: defaultEvents = syscalls,bogus refused: unknown event 'bogus'; "
                        + "known events: syscalls, signals, clone, exec, exit, death, all; keeping defaultEvents = syscalls",
                "/work/deploy/dev.utrace.passive.cfg: followChildren = yes refused: followChildren is true or false; "
                        + "keeping followChildren = true"), r.problems());
    }

    @Test
    void anUnknownKeyIsNamedAndTheFrameworksOwnKeysAreNot() {
        Map<String, Object> p = new HashMap<>(Map.of("ringsize", "8", "service.pid", "dev.utrace.passive",
                "component.name", "x", "component.id", 3L));
        SettingsReader.Result r = read(p, LAST);
        assertEquals(Settings.DEFAULT, r.settings());
        assertEquals(List.of("/work/deploy/dev.utrace.passive.cfg: unknown key 'ringsize' ignored; "
                + "the keys are defaultEvents, ringSize, followChildren, keepEnded"), r.problems());
    }

    @Test
    void withoutAFileTheProblemNamesThePid() {
        SettingsReader.Result r = SettingsReader.read(Map.of("ringSize", "0"), LAST);
        assertTrue(r.problems().get(0).startsWith("configuration dev.utrace.passive: ringSize = 0 refused"), r.problems().toString());
    }

    private static SettingsReader.Result read(Map<String, ?> values, Settings last) {
        Map<String, Object> p = new HashMap<>(values);
        p.put("felix.fileinstall.filename", FILE);
        return SettingsReader.read(p, last);
    }
}
