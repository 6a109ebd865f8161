package dev.utrace.api.hw;

import java.util.List;

/** A used debug slot of a thread and the watchpoints sharing it (one per claim). */
public record SlotInfo(int slot, long address, int length, Access access, List<Watchpoint> claims) {
    public SlotInfo {
        claims = List.copyOf(claims);
    }
}
