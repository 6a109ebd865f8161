package dev.utrace.watchpoint;

import dev.utrace.api.hw.Access;
import java.util.List;

/**
 * A snapshot of one watch.
 *
 * @param id        the watch's number, for {@link Watchpoints#remove} and {@link Watchpoints#hits(int, int)}
 * @param pid       the thread watched ({@link Scope#THREAD}) or the process ({@link Scope#PROCESS}, its tgid)
 * @param threads   how many threads it is installed on now (0 once ended)
 * @param hits      hits recorded so far
 * @param dropped   the oldest hits no longer kept (each watch keeps its last {@link Watchpoints#HITS_KEPT})
 * @param stopped   threads held stopped on one of its hits ({@code stopOnHit}), waiting for {@link Watchpoints#resume}
 * @param state     "watching", or why it ended: "removed", "exec", "exit", "unloaded"
 */
public record WatchInfo(int id, int pid, Scope scope, long address, int length, Access access, boolean stopOnHit,
        int threads, long hits, long dropped, List<Integer> stopped, String state) {
    public WatchInfo {
        stopped = List.copyOf(stopped);
    }

    /** Whether it still watches. */
    public boolean active() {
        return state.equals("watching");
    }
}
