package dev.utrace.linux.internal.machine;

import dev.utrace.linux.internal.trace.Output;
import java.util.ArrayList;
import java.util.List;

/**
 * A traced thread group. Its threads list holds every task not yet released (zombies kept for a
 * tracer link included). The group-stop bookkeeping tells the one thread whose JCTL report is the
 * last to stop (its {@code notify}), and the one thread that reports the continue. Everything is
 * guarded by this object's monitor.
 */
final class LinuxProcess {
    final int pid;
    /** What it and its children write (a spawned program's pipes), or null for an adopted process. */
    final Output console;
    /** Whether this machine started it (it is then the machine's child). */
    final boolean spawned;
    private final List<LinuxTask> threads = new ArrayList<>(2);
    /** Threads that have exited or been released: their group is dead when this reaches the count of threads seen. */
    private int live;
    /** Threads that reported their part of the current group stop. */
    private int stoppedThreads;
    private int groupStopSignal;
    private boolean continueReported = true;

    LinuxProcess(int pid, Output console, boolean spawned) {
        this.pid = pid;
        this.console = console;
        this.spawned = spawned;
    }

    synchronized void add(LinuxTask t) {
        threads.add(t);
        live++;
    }

    synchronized void remove(LinuxTask t) {
        threads.remove(t);
    }

    /** {@code t} has died; returns whether it was the last live thread (the group is dead). */
    synchronized boolean died(LinuxTask t) {
        return --live == 0;
    }

    private int leaderStatus = -1;
    private boolean allDead;
    private boolean endGiven;

    /**
     * The process's wait status once its threads are all dead and its leader's status is known,
     * given once; -1 otherwise. The kernel reports the leader's death last, but with a hook thread
     * per task the deaths are handled in any order, so either may come last.
     */
    synchronized int end(boolean leader, boolean groupDead, int status) {
        if (leader) leaderStatus = status;
        if (groupDead) allDead = true;
        if (!allDead || leaderStatus < 0 || endGiven) return -1;
        endGiven = true;
        return leaderStatus;
    }

    synchronized List<LinuxTask> threads() {
        return List.copyOf(threads);
    }

    synchronized int liveThreads() {
        return live;
    }

    /** Threads not released yet, zombies included. */
    synchronized int unreleased() {
        return threads.size();
    }

    /** A thread reached its group stop by {@code signal}: CLD_STOPPED if it is the last of the live threads to stop, else 0. */
    synchronized int threadStopped(int signal) {
        groupStopSignal = signal;
        continueReported = false;
        stoppedThreads++;
        return stoppedThreads >= live ? dev.utrace.api.task.Signals.CLD_STOPPED : 0;
    }

    /** A thread left the group stop because it ended (SIGCONT); true for the one thread that reports the continue. */
    synchronized boolean threadContinued() {
        stoppedThreads = 0;
        if (continueReported) return false;
        continueReported = true;
        return true;
    }

    /** A thread left the group stop on its own (ptrace's resume of one thread); the others stay stopped. */
    synchronized void threadLeftStop() {
        if (stoppedThreads > 0) stoppedThreads--;
    }

    synchronized int groupStopSignal() {
        return groupStopSignal;
    }

    @Override
    public String toString() {
        return "process " + pid;
    }
}
