package dev.utrace.spi;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.hw.SlotInfo;
import dev.utrace.api.hw.WatchHit;
import dev.utrace.api.hw.Watchpoint;
import dev.utrace.api.task.Task;
import java.util.List;

/**
 * A machine's {@link DebugSlots} carried out by another object, its slot table. A machine
 * component offers {@code DebugSlots} as one of its own services (Declarative Services registers
 * the component instance), so it implements this and names the object that does the work.
 */
public interface DebugSlotsBy extends DebugSlots {

    /** The object that keeps this machine's debug slots. */
    DebugSlots debugSlots();

    @Override
    default Watchpoint install(Task task, Object owner, long address, int length, Access access) {
        return debugSlots().install(task, owner, address, length, access);
    }

    @Override
    default boolean remove(Watchpoint watchpoint) {
        return debugSlots().remove(watchpoint);
    }

    @Override
    default List<Watchpoint> claims(Task task, Object owner) {
        return debugSlots().claims(task, owner);
    }

    @Override
    default List<SlotInfo> slots(Task task) {
        return debugSlots().slots(task);
    }

    @Override
    default List<WatchHit> takeHits(Task task, Object owner) {
        return debugSlots().takeHits(task, owner);
    }

    @Override
    default boolean discardHits(Task task, Object owner) {
        return debugSlots().discardHits(task, owner);
    }

    @Override
    default List<Task> threads(Task task) {
        return debugSlots().threads(task);
    }
}
