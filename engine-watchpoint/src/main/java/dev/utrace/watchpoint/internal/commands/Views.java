package dev.utrace.watchpoint.internal.commands;

import dev.utrace.api.hw.SlotInfo;
import dev.utrace.watchpoint.Hit;
import dev.utrace.watchpoint.WatchInfo;
import java.util.List;

/**
 * What the {@code watch:} commands return: small values that {@link WatchConverter} formats for
 * people and that scripts can take apart (Gogo calls their accessors).
 */
public final class Views {
    private Views() {
    }

    /** {@code add} (the new watch), {@code rm} (the watch as it ended) and {@code list}. */
    public record Watches(List<WatchInfo> watches) {
        /** The ids of the live watches, for completion. */
        public List<String> ids() {
            return watches.stream().filter(WatchInfo::active).map(w -> Integer.toString(w.id())).toList();
        }

        /** The threads held stopped on a hit, for completion. */
        public List<String> stopped() {
            return watches.stream().flatMap(w -> w.stopped().stream()).distinct().sorted().map(String::valueOf).toList();
        }

        @Override
        public String toString() {
            return watches.size() + (watches.size() == 1 ? " watch" : " watches");
        }
    }

    /** {@code hits}: the last hits of one watch ({@code watch > 0}) or of all ({@code watch == 0}). */
    public record Hits(int watch, List<Hit> hits) {
        @Override
        public String toString() {
            return hits.size() + (hits.size() == 1 ? " hit" : " hits");
        }
    }

    /** {@code resume}: the thread let go. */
    public record Resumed(int tid) {
        @Override
        public String toString() {
            return "thread " + tid + " resumed";
        }
    }

    /** {@code slots}: a thread's debug slots as the machine has them, every owner's. */
    public record Slots(int tid, List<SlotInfo> slots) {
        @Override
        public String toString() {
            return slots.size() + " of 4 slots used on thread " + tid;
        }
    }
}
