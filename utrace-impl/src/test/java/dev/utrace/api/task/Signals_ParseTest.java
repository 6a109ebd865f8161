package dev.utrace.api.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link Signals#parse}: numbers in ASCII digits, names with or without SIG, anything else refused with what is accepted. */
class Signals_ParseTest {

    @Test
    void numbersAndNames() {
        assertEquals(9, Signals.parse("9"));
        assertEquals(9, Signals.parse(" 9 "));
        assertEquals(Signals.SIGUSR1, Signals.parse("usr1"));
        assertEquals(Signals.SIGTERM, Signals.parse("SIGTERM"));
        assertEquals(Signals.NSIG, Signals.parse("64"));
    }

    @Test
    void otherDigitsSignsAndRangesAreRefused() {
        assertEquals("unknown signal '９'; use a number 1..64 or a name such as SIGKILL, TERM, usr1",
                assertThrows(IllegalArgumentException.class, () -> Signals.parse("９")).getMessage());
        assertEquals("unknown signal '+9'; use a number 1..64 or a name such as SIGKILL, TERM, usr1",
                assertThrows(IllegalArgumentException.class, () -> Signals.parse("+9")).getMessage());
        assertEquals("bad signal number 0; use 1..64", assertThrows(IllegalArgumentException.class, () -> Signals.parse("0")).getMessage());
        assertEquals("bad signal number -1; use 1..64", assertThrows(IllegalArgumentException.class, () -> Signals.parse("-1")).getMessage());
        assertEquals("bad signal number 4294967306; use 1..64",
                assertThrows(IllegalArgumentException.class, () -> Signals.parse("4294967306")).getMessage());
    }
}
