package dev.utrace.api.hw;

import java.util.List;

/**
 * A used debug slot of a thread and the watchpoints sharing it (one per claim). {@code armed}
 * is false for a stale slot: its claims were made before the thread exec'd or exited and wait
 * for their owners to remove them.
 */
public record SlotInfo(int slot, long address, int length, Access access, boolean armed, List<Watchpoint> claims) {
    public SlotInfo {
        claims = List.copyOf(claims);
    }
}
