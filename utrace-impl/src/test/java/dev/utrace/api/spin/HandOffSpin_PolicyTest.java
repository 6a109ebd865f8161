package dev.utrace.api.spin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A spin for a hand-off's answer (both sides: the machine's tracer thread, an engine's waiting thread): bounded, never with one CPU, paused when it is mostly in vain. */
class HandOffSpin_PolicyTest {
    private static final long BUDGET = 100_000;

    @Test
    @DisplayName("with one CPU it never spins")
    void oneCpu() {
        HandOffSpin spin = new HandOffSpin(1, BUDGET);
        for (int i = 0; i < 1000; i++) assertEquals(0, spin.budget());
        assertFalse(spin.spinning());
    }

    @Test
    @DisplayName("answered spins keep it spinning, up to its bound")
    void answeredKeepsSpinning() {
        HandOffSpin spin = new HandOffSpin(2, BUDGET);
        for (int i = 0; i < 10 * HandOffSpin.WINDOW; i++) {
            assertEquals(BUDGET, spin.budget());
            if (i % 8 == 0) spin.timedOut(); // one in eight in vain: still worth it
            else spin.answered(1_000);
        }
        assertTrue(spin.spinning());
        assertEquals(10 * HandOffSpin.WINDOW, spin.spins());
        assertEquals(10 * HandOffSpin.WINDOW * 7 / 8, spin.answeredSpins());
    }

    @Test
    @DisplayName("a negative budget is refused, saying what to give")
    void negativeBudget() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new HandOffSpin(2, -1));
        assertTrue(e.getMessage().contains("give 0"), e.getMessage());
    }

    @Test
    @DisplayName("a window in vain (more than a quarter of its spins ran out) pauses at once the spinning, twice as long after each such window in a row, up to a bound; a good window ends the back-off")
    void backsOff() {
        HandOffSpin spin = new HandOffSpin(2, BUDGET);
        int expectedPause = HandOffSpin.MIN_PAUSE;
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i <= HandOffSpin.IN_VAIN; i++) {
                assertEquals(BUDGET, spin.budget(), "spinning, round " + round + ", spin " + i);
                spin.timedOut();
            }
            assertEquals(expectedPause, handOffsWithoutSpin(spin), "pause after bad window " + (round + 1));
            expectedPause = Math.min(HandOffSpin.MAX_PAUSE, expectedPause * 2);
        }
        assertEquals(HandOffSpin.MAX_PAUSE, expectedPause);
        for (int i = 0; i < HandOffSpin.WINDOW; i++) {
            assertEquals(BUDGET, spin.budget());
            spin.answered(1_000);
        }
        for (int i = 0; i <= HandOffSpin.IN_VAIN; i++) {
            spin.budget();
            spin.timedOut();
        }
        assertEquals(HandOffSpin.MIN_PAUSE, handOffsWithoutSpin(spin), "after a good window the back-off starts over");
    }

    @Test
    @DisplayName("a window is in vain at once when more than a quarter of its spins run out, however many were answered before: a trial after a pause burns at most a quarter of a window of budgets")
    void decidesAtOnce() {
        HandOffSpin spin = new HandOffSpin(2, BUDGET);
        int quarter = HandOffSpin.WINDOW / 4;
        int answered = HandOffSpin.WINDOW - quarter - 1;
        for (int i = 0; i < answered; i++) {
            spin.budget();
            spin.answered(1_000);
        }
        for (int i = 0; i < quarter; i++) {
            assertEquals(BUDGET, spin.budget());
            spin.timedOut();
            assertTrue(spin.spinning(), "a quarter run out is not yet in vain (" + (i + 1) + ")");
        }
        spin.budget();
        spin.timedOut();
        assertFalse(spin.spinning(), "one more than a quarter run out is in vain");
        assertEquals(HandOffSpin.MIN_PAUSE, handOffsWithoutSpin(spin));
        // The trial window after the pause: in vain again after a quarter of a window and one budgets, not a whole window.
        for (int i = 0; i <= quarter; i++) {
            assertEquals(BUDGET, spin.budget(), "trial spin " + i);
            spin.timedOut();
        }
        assertEquals(2 * HandOffSpin.MIN_PAUSE, handOffsWithoutSpin(spin));
    }

    /** Counts the budget() calls that answer 0 until one answers a spin again. */
    private static int handOffsWithoutSpin(HandOffSpin spin) {
        int n = 0;
        while (spin.budget() == 0) {
            n++;
            if (n > 10 * HandOffSpin.MAX_PAUSE) throw new AssertionError("never spins again");
        }
        return n;
    }
}
