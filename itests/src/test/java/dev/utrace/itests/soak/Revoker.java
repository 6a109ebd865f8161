package dev.utrace.itests.soak;

/** Revoking an owner (its bundle goes away) and checking what revocation promises. */
final class Revoker {
    private Revoker() {
    }

    /**
     * Revokes {@code owner}: once revoke() returned, every engine it created has been released
     * exactly once (R-REF-5, whatever references are still held), no callback of them is
     * running, and none may start (checked at every callback).
     */
    static void revoke(SoakContext cx, SoakOwner owner) {
        owner.revokeStarted = true;
        owner.facade.revoke();
        owner.revokeReturned = true;
        cx.stats.revocations.increment();
        for (EngineRecord r : owner.records) {
            r.note("its owner " + owner + " was revoked");
            String running = r.runningCallback;
            if (r.created() && r.releases.get() == 0) {
                cx.violations.add("revocation", "revoke() of " + owner + " returned before release ran for " + r.describe());
            }
            if (r.inCallback.get() > 0) {
                cx.violations.add("revocation", "revoke() of " + owner + " returned while " + running + " was running: "
                        + r.describe(), CallbackChaos.jctl(running));
            }
        }
    }
}
