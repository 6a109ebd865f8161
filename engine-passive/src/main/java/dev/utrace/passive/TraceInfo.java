package dev.utrace.passive;

import java.util.Set;

/**
 * One trace, live or ended.
 *
 * @param tid       the traced thread
 * @param tgid      its process
 * @param comm      its program when the trace began
 * @param events    what is recorded
 * @param follow    whether new threads and children are traced too
 * @param active    whether the engine is still attached (false once untraced, dead or released)
 * @param ended     why the trace ended ({@code untraced}, {@code died}, {@code released}), or empty while active
 * @param recorded  events recorded so far (dropped ones included)
 * @param dropped   events lost because the ring was full (the oldest go first)
 * @param ringSize  the ring's capacity
 */
public record TraceInfo(int tid, int tgid, String comm, Set<Kind> events, boolean follow, boolean active,
                        String ended, long recorded, long dropped, int ringSize) {
}
