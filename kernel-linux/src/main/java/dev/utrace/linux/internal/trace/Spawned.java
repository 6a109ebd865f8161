package dev.utrace.linux.internal.trace;

import java.util.concurrent.CompletableFuture;

/** A program the tracer started: its pid, its output, and its end. Safe to use from any thread. */
public final class Spawned {

    private final int pid;
    private final String path;
    private final Output output;
    final CompletableFuture<Integer> exit = new CompletableFuture<>();

    Spawned(int pid, String path, Output output) {
        this.pid = pid;
        this.path = path;
        this.output = output;
    }

    public int pid() {
        return pid;
    }

    /** The executable that was run (the program resolved on PATH). */
    public String path() {
        return path;
    }

    /** What it (and the children sharing its stdout and stderr) wrote. */
    public Output output() {
        return output;
    }

    /**
     * Its wait status once it has been reaped: while traced, after a detach (the tracer is its
     * parent and reaps it), and after the tracer closed (a reaper thread waits for it).
     */
    public CompletableFuture<Integer> exit() {
        return exit.copy();
    }

    @Override
    public String toString() {
        return "process " + pid + " (" + path + ")";
    }
}
