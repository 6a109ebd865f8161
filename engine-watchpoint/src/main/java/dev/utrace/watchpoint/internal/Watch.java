package dev.utrace.watchpoint.internal;

import dev.utrace.api.hw.Access;
import dev.utrace.watchpoint.Hit;
import dev.utrace.watchpoint.Scope;
import dev.utrace.watchpoint.WatchInfo;
import dev.utrace.watchpoint.Watchpoints;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One watch a user asked for: a range on a thread or a process, the threads it is installed on
 * now, and its last hits. Every mutable field is guarded by {@link WatchpointsImpl#lock}.
 */
final class Watch {
    static final String WATCHING = "watching";

    final int id;
    final int pid;
    final Scope scope;
    final long address;
    final int length;
    final Access access;
    final boolean stopOnHit;

    /** The threads it has a claim on now. */
    final Set<TaskWatch> on = new LinkedHashSet<>();
    String state = WATCHING;
    private final Hit[] ring = new Hit[Watchpoints.HITS_KEPT];
    private long recorded;

    Watch(int id, int pid, Scope scope, long address, int length, Access access, boolean stopOnHit) {
        this.id = id;
        this.pid = pid;
        this.scope = scope;
        this.address = address;
        this.length = length;
        this.access = access;
        this.stopOnHit = stopOnHit;
    }

    boolean active() {
        return state.equals(WATCHING);
    }

    void record(Hit h) {
        ring[(int) (recorded % ring.length)] = h;
        recorded++;
    }

    /** The last {@code n} hits, oldest first. */
    List<Hit> last(int n) {
        int have = (int) Math.min(recorded, ring.length);
        int k = Math.min(Math.max(n, 0), have);
        List<Hit> out = new ArrayList<>(k);
        for (long i = recorded - k; i < recorded; i++) out.add(ring[(int) (i % ring.length)]);
        return out;
    }

    WatchInfo info() {
        List<Integer> stopped = new ArrayList<>();
        for (TaskWatch tw : on) {
            if (tw.stoppedBy == this) stopped.add(tw.tid);
        }
        return new WatchInfo(id, pid, scope, address, length, access, stopOnHit, on.size(), recorded,
                Math.max(0, recorded - ring.length), stopped, state);
    }
}
