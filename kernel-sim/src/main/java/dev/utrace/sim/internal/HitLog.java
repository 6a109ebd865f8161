package dev.utrace.sim.internal;

import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.hw.WatchHit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A thread's untaken watchpoint hits, each with the owner it is for, oldest first. Bounded at
 * {@link DebugSlots#HITS_KEPT} over all owners: beyond that the oldest is dropped and counted,
 * so an owner that never takes its hits (or never existed for long) costs a bounded amount.
 * Guarded by the kernel lock, like the rest of {@link DebugRegisters}.
 */
final class HitLog {
    private record Entry(Object owner, WatchHit hit) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>(4);
    /** Hits dropped because the log was full. */
    long dropped;

    void add(Object owner, WatchHit hit) {
        if (entries.size() == DebugSlots.HITS_KEPT) {
            entries.removeFirst();
            dropped++;
        }
        entries.addLast(new Entry(owner, hit));
    }

    /** Removes and returns {@code owner}'s hits, oldest first. */
    List<WatchHit> take(Object owner) {
        List<WatchHit> out = new ArrayList<>();
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.owner == owner) {
                out.add(e.hit);
                it.remove();
            }
        }
        return out;
    }

    boolean has(Object owner) {
        for (Entry e : entries) {
            if (e.owner == owner) return true;
        }
        return false;
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }
}
