package dev.utrace.impl;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Race (4) of {@link Lifetime_RaceTest} in the passive model: the controller puts its
 * references right after attaching, so the only reference left is the attached one, which the
 * tracee's reset drops when it meets the revoked (marked-detached) engine.
 *
 * <p>Fails within a few hundred rounds: {@code UtraceCore.revoke} step 4 calls
 * {@code e.runRelease()} and then {@code e.forgetData()}. When the tracee's last
 * {@code put()} has already won the swap of {@code releaseOps} in
 * {@code UtraceEngine.runRelease} but not yet called {@code release}, revoke's
 * {@code runRelease()} returns false at once, revoke() returns with release not yet run
 * (the bundle's code then runs after its unload), and {@code forgetData()} may null
 * {@code data} before the tracee reads it, so release gets {@code null} and the data is never
 * cleaned up.
 */
class PendingBug_RevokeReleaseRaceTest extends RaceFixture {

    @Test
    @Disabled("core bug: revoke() can return before release() ran in the thread that dropped the last "
            + "reference, and forgetData() can make that release see null data (UtraceCore.revoke step 4 "
            + "vs UtraceEngine.runRelease)")
    @DisplayName("R-REL-1, R-REF-5, R-BAR-6: revoke() races the tracee's last put (passive engines)")
    void revokeVersusLastPutOnTheTracee(TestInfo info) {
        race(info, i -> revokeRound(i, false));
    }
}
