package dev.utrace.itests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.itests.soak.ChaosSoak;
import dev.utrace.itests.soak.SoakConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The chaos soak of the core on the simulated machine (issue 12, section 7). The default build
 * runs a short seeded run; {@code -Dsoak.ops=10000000} makes a long one, {@code -Dsoak.seed=N}
 * replays a seed (approximately: threads interleave differently), {@code -Dsoak.exclude=...}
 * leaves known faults out (see {@link dev.utrace.itests.soak.KnownFault}).
 */
class Chaos_SoakTest extends CoreOnSimFixture {

    @Test
    @DisplayName("R-REF-5, R-REF-7, R-REF-10, R-REAP-1, R-CTL-DETACH, R-ACT-3, R-BAR-5, R-EVT-3, R-STOP-2, R-STOP-6:"
            + " a seeded chaos soak of engines, controllers, revocations and signal-heavy programs keeps every invariant")
    void chaosSoak() throws InterruptedException {
        SoakConfig config = SoakConfig.fromSystemProperties();
        System.out.println("chaos soak: seed " + config.seed() + ", " + config.ops() + " operations (replay: "
                + config.replay() + ")");
        ChaosSoak.installPrograms(programs);
        ChaosSoak.Result result = new ChaosSoak(config, sim, core).run();
        System.out.println(result.summary());
        assertTrue(result.clean(), result::failure);
    }
}
