package dev.utrace.passive.internal;

import java.util.function.IntFunction;

/**
 * Which traces an export covers: every trace ({@code root} 0), or the trace of {@code root} and
 * the traces followed from it, their threads and children and theirs (each trace knows the task
 * whose trace followed it into being, {@link TaskTrace#parent}).
 */
final class ExportScope {
    /** More links than any real family has: a guard against a cycle of reused tids. */
    private static final int MAX_DEPTH = 100_000;

    private final int root;
    private final IntFunction<TaskTrace> latest;

    /**
     * @param root   a trace's tid, or 0 for every trace
     * @param latest the most recent trace of a tid (live first), or null
     */
    ExportScope(int root, IntFunction<TaskTrace> latest) {
        this.root = root;
        this.latest = latest;
    }

    int root() {
        return root;
    }

    boolean covers(TaskTrace t) {
        if (root == 0 || t.tid == root) return true;
        int p = t.parent;
        for (int depth = 0; p != 0 && depth < MAX_DEPTH; depth++) {
            if (p == root) return true;
            TaskTrace up = latest.apply(p);
            if (up == null) return false;
            p = up.parent;
        }
        return false;
    }
}
