package dev.utrace.linux.internal.trace;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** An attach waiting for the first stop of each thread it seized. Tracer thread only. */
final class AttachJob {

    final int pid;
    final CompletableFuture<Attached> future = new CompletableFuture<>();
    private final Set<Integer> awaiting = new HashSet<>();
    private final List<Integer> seized = new ArrayList<>();

    AttachJob(int pid) {
        this.pid = pid;
    }

    void seized(Tracee t) {
        t.attachJob = this;
        awaiting.add(t.tid);
        seized.add(t.tid);
    }

    /** The thread reported its first stop, or ended before it did. */
    void arrived(Tracee t) {
        t.attachJob = null;
        if (awaiting.remove(t.tid) && awaiting.isEmpty() && !future.isDone()) {
            future.complete(new Attached(pid, List.copyOf(seized)));
        }
    }

    /** Completes a job that seized threads that all arrived before seizing ended. */
    void seizingDone() {
        if (awaiting.isEmpty() && !future.isDone()) future.complete(new Attached(pid, List.copyOf(seized)));
    }
}
