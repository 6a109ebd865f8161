package dev.utrace.linux.internal.trace;

import java.util.List;

/**
 * An attach that finished: every thread the process had is traced and has reported its first
 * stop. Threads it creates later arrive as {@link StopKind#CLONE} children.
 *
 * @param pid  the process
 * @param tids the threads seized (some may have exited since)
 */
public record Attached(int pid, List<Integer> tids) {}
