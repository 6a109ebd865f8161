package dev.utrace.itests.soak;

import dev.utrace.impl.UtraceFacade;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One owner of engines (a bundle, without OSGi): its {@code Utrace} facade, the ops objects its
 * engines use (so MATCH_OPS lookups can find them), and whether it has been revoked.
 */
final class SoakOwner {
    final String name;
    final UtraceFacade facade;
    final List<SoakOps> ops;
    final ConcurrentLinkedQueue<EngineRecord> records = new ConcurrentLinkedQueue<>();
    /** Set just before revoke() is called: from then on release may run while references are held. */
    volatile boolean revokeStarted;
    /** Set once revoke() returned: no callback of this owner's engines may start any more. */
    volatile boolean revokeReturned;

    SoakOwner(String name, UtraceFacade facade, CallbackChaos chaos) {
        this.name = name;
        this.facade = facade;
        this.ops = List.of(new SoakSignalOps(chaos, name + "/ops-a"), new SoakSignalOps(chaos, name + "/ops-b"),
                new SoakOps(chaos, name + "/quiesce-only"));
    }

    @Override
    public String toString() {
        return name;
    }
}
