package dev.utrace.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Who attached a set of engines: one per using bundle (or per test). Revoking an owner
 * stops every one of its engines for good.
 *
 * <p>{@link #gate} orders attaches against revocation: an attach holds the read lock from
 * its "not revoked" check until its engine is recorded, and revocation takes the write lock
 * to set {@code revoked}, so no engine can slip in after the revocation took its snapshot.
 */
final class Owner {
    private final String name;
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final Set<UtraceEngine> engines = ConcurrentHashMap.newKeySet();
    private volatile boolean revoked;

    Owner(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    boolean revoked() {
        return revoked;
    }

    /** Enters an attach; false if revoked (then do not attach). Pair with {@link #endAttach}. */
    boolean beginAttach() {
        gate.readLock().lock();
        if (revoked) {
            gate.readLock().unlock();
            return false;
        }
        return true;
    }

    void endAttach(UtraceEngine attachedOrNull) {
        if (attachedOrNull != null) engines.add(attachedOrNull);
        gate.readLock().unlock();
    }

    /** Called when an engine is freed (its last reference dropped). */
    void forget(UtraceEngine e) {
        engines.remove(e);
    }

    /** Marks this owner revoked and returns the engines it still has. */
    List<UtraceEngine> revoke() {
        gate.writeLock().lock();
        try {
            revoked = true;
            List<UtraceEngine> all = new ArrayList<>(engines);
            engines.clear();
            return all;
        } finally {
            gate.writeLock().unlock();
        }
    }

    int engineCount() {
        return engines.size();
    }

    @Override
    public String toString() {
        return name;
    }
}
