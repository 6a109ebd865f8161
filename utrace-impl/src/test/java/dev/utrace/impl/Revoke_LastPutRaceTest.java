package dev.utrace.impl;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Race (4) of {@link Lifetime_RaceTest} in the passive model: the controller puts its
 * references right after attaching, so the only reference left is the attached one, which the
 * tracee's reset drops when it meets the revoked (marked-detached) engine.
 *
 * <p>This found a bug: when the tracee's last {@code put()} won the release hook, revoke()
 * returned before that release ran, and its {@code forgetData()} could make the release see
 * null. Revoke now waits (bounded) for a release another thread is running, and the data is
 * read before the hook is taken.
 */
class Revoke_LastPutRaceTest extends RaceFixture {

    @Test
    @DisplayName("R-REL-1, R-REF-5, R-BAR-6: revoke() races the tracee's last put (passive engines)")
    void revokeVersusLastPutOnTheTracee(TestInfo info) {
        race(info, i -> revokeRound(i, false));
    }
}
