package dev.utrace.ptrace.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A session's spin for a change before its wait parks: bounded, never with one CPU, paused when it is mostly in vain. */
class WaitSpin_PolicyTest {

    @Test
    @DisplayName("with one CPU a wait never spins")
    void oneCpu() {
        WaitSpin spin = new WaitSpin(1, WaitSpin.MAX_NANOS);
        for (int i = 0; i < 1000; i++) assertEquals(0, spin.budget());
        assertFalse(spin.spinning());
    }

    @Test
    @DisplayName("answered spins keep it spinning, up to its bound")
    void answeredKeepsSpinning() {
        WaitSpin spin = new WaitSpin(2, WaitSpin.MAX_NANOS);
        for (int i = 0; i < 10 * WaitSpin.WINDOW; i++) {
            assertEquals(WaitSpin.MAX_NANOS, spin.budget());
            if (i % 2 == 0) spin.timedOut(); // half in vain: still worth it
            else spin.answered(1_000);
        }
        assertTrue(spin.spinning());
    }

    @Test
    @DisplayName("a window in vain (three quarters of its spins ran out) pauses the spinning, twice as long after each such window in a row, up to a bound; a good window ends the back-off")
    void backsOff() {
        WaitSpin spin = new WaitSpin(2, WaitSpin.MAX_NANOS);
        int expectedPause = WaitSpin.MIN_PAUSE;
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i <= WaitSpin.IN_VAIN; i++) {
                assertEquals(WaitSpin.MAX_NANOS, spin.budget(), "spinning, round " + round + ", spin " + i);
                spin.timedOut();
            }
            assertEquals(expectedPause, waitsWithoutSpin(spin), "pause after bad window " + (round + 1));
            expectedPause = Math.min(WaitSpin.MAX_PAUSE, expectedPause * 2);
        }
        assertEquals(WaitSpin.MAX_PAUSE, expectedPause);
        for (int i = 0; i < WaitSpin.WINDOW; i++) {
            assertEquals(WaitSpin.MAX_NANOS, spin.budget());
            spin.answered(1_000);
        }
        for (int i = 0; i <= WaitSpin.IN_VAIN; i++) {
            spin.budget();
            spin.timedOut();
        }
        assertEquals(WaitSpin.MIN_PAUSE, waitsWithoutSpin(spin), "after a good window the back-off starts over");
    }

    /** Counts the budget() calls that answer 0 until one answers a spin again. */
    private static int waitsWithoutSpin(WaitSpin spin) {
        int n = 0;
        while (spin.budget() == 0) {
            n++;
            if (n > 10 * WaitSpin.MAX_PAUSE) throw new AssertionError("never spins again");
        }
        return n;
    }
}
