package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two first attaches to one task at once (found by the chaos soak, seed 13 with the known faults
 * excluded): both must get an engine, on the one per-task record the winner created (R-DATA-3).
 * {@code Controller.utraceFor} read the task's slot twice, first through {@code utraceOf}, then
 * to tell another core's state from none; when the other attach installs the record between the
 * two reads, the second read takes it for another core's and attach throws
 * {@link IllegalStateException} out of the API. The task below replays that interleaving
 * deterministically: its first slot read runs the other attach, then answers what it read before.
 */
class Attach_FirstAttachRaceTest extends CoreFixture {

    @Test
    @DisplayName("R-DATA-3, R-REF-1: a first attach that loses the race to create the task's record still attaches")
    void R_DATA_3_firstAttachThatLosesTheCreationRaceStillAttaches() {
        FakeTask task = newTask();
        SlotReadRacesAnAttach racing = new SlotReadRacesAnAttach(task,
                () -> assertTrue(utrace.attach(task, AttachFlags.CREATE, rec("B"), null).ok(), "the winner attaches"));
        AttachResult loser = utrace.attach(racing, AttachFlags.CREATE, rec("A"), null);
        assertTrue(loser.ok(), () -> "the loser of the creation race: " + loser);
        assertEquals(2, utrace.engines(task).size(), "both engines are on the task's one record");
    }

    /** A view of {@code task} whose first slot read lets another attach create the record, then returns the older value. */
    private static final class SlotReadRacesAnAttach extends DelegatingTask {
        private Runnable otherAttach;

        SlotReadRacesAnAttach(FakeTask task, Runnable otherAttach) {
            super(task);
            this.otherAttach = otherAttach;
        }

        @Override
        public Object utraceSlot() {
            Object seen = task.utraceSlot();
            Runnable other = otherAttach;
            if (other != null) {
                otherAttach = null;
                other.run(); // the other attach happens right after our read
            }
            return seen;
        }
    }
}
