package dev.utrace.watchpoint.internal;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.hw.SlotInfo;
import dev.utrace.api.hw.WatchHit;
import dev.utrace.api.hw.Watchpoint;
import dev.utrace.api.task.Task;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** The machine's DebugSlots, recording every claim made and every remove call with its answer. */
final class CountingSlots implements DebugSlots {
    private final DebugSlots machine;
    final List<Watchpoint> installed = Collections.synchronizedList(new ArrayList<>());
    private final Map<Watchpoint, List<Boolean>> removes = Collections.synchronizedMap(new IdentityHashMap<>());

    CountingSlots(DebugSlots machine) {
        this.machine = machine;
    }

    @Override
    public Watchpoint install(Task task, Object owner, long address, int length, Access access) {
        Watchpoint w = machine.install(task, owner, address, length, access);
        installed.add(w);
        return w;
    }

    @Override
    public boolean remove(Watchpoint watchpoint) {
        boolean r = machine.remove(watchpoint);
        synchronized (removes) {
            removes.computeIfAbsent(watchpoint, k -> new ArrayList<>()).add(r);
        }
        return r;
    }

    /** The answers remove gave for {@code w}, in call order. */
    List<Boolean> removes(Watchpoint w) {
        synchronized (removes) {
            return List.copyOf(removes.getOrDefault(w, List.of()));
        }
    }

    /** Every claim made was removed by exactly one call, which answered true (no leak, no second remove). */
    String problems() {
        StringBuilder sb = new StringBuilder();
        synchronized (installed) {
            for (Watchpoint w : installed) {
                List<Boolean> r = removes(w);
                if (!r.equals(List.of(true))) sb.append(w).append(" removes=").append(r).append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public List<Watchpoint> claims(Task task, Object owner) {
        return machine.claims(task, owner);
    }

    @Override
    public List<SlotInfo> slots(Task task) {
        return machine.slots(task);
    }

    @Override
    public List<WatchHit> takeHits(Task task, Object owner) {
        return machine.takeHits(task, owner);
    }

    @Override
    public boolean discardHits(Task task, Object owner) {
        return machine.discardHits(task, owner);
    }

    @Override
    public List<Task> threads(Task task) {
        return machine.threads(task);
    }
}
