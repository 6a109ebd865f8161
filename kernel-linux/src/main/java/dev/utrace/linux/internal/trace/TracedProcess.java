package dev.utrace.linux.internal.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A thread group with at least one traced thread. Tracer thread only. */
final class TracedProcess {

    final int pid;
    final List<Tracee> threads = new ArrayList<>(4);
    /** Set when the tracer started this process; it is then the tracer thread's child. */
    final Spawned spawned;
    /** Killed rather than detached when the tracer closes (inherited by traced children). */
    final boolean killOnClose;
    /** A detach in progress, or null. */
    CompletableFuture<Void> detach;
    /**
     * The syscalls of the seccomp filter this tracer installed in it (or in the process it was
     * forked from: a filter is inherited), or null for none. Its threads stop only at those,
     * unless they stop at every syscall ({@link Tracee#stopsAtEverySyscall()}).
     */
    dev.utrace.api.SyscallSet filter;

    TracedProcess(int pid, Spawned spawned, boolean killOnClose) {
        this.pid = pid;
        this.spawned = spawned;
        this.killOnClose = killOnClose;
    }

    @Override
    public String toString() {
        return "process " + pid + " " + threads;
    }
}
