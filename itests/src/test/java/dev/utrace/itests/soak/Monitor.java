package dev.utrace.itests.soak;

import dev.utrace.api.proc.TaskInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The soak's watchdog thread: every SIGKILLed process must end within the hang bound
 * (R-STOP-6), and no API call may hang; a barrier that waits more than a second (a detached
 * engine on a task blocked in a syscall: legitimate, as in Linux) is interrupted.
 */
final class Monitor implements AutoCloseable {
    private static final long BARRIER_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Kill(int pid, long sentAt, long op, String how) {
    }

    /** One thread's API call in progress: what, since when, and a sequence number that tells calls apart. */
    private record Call(Thread thread, String what, long since, long seq) {
    }

    private final SoakContext cx;
    private final ConcurrentLinkedQueue<Kill> kills = new ConcurrentLinkedQueue<>();
    private final AtomicReferenceArray<Call> calls;
    private final long[] interruptedSeq;
    private final long[] reportedSeq;
    private final Thread thread;
    private volatile boolean stop;
    private long seq;

    Monitor(SoakContext cx, int slots) {
        this.cx = cx;
        this.calls = new AtomicReferenceArray<>(slots);
        this.interruptedSeq = new long[slots];
        this.reportedSeq = new long[slots];
        this.thread = Thread.ofPlatform().name("soak-monitor").daemon().unstarted(this::loop);
        thread.start();
    }

    /** A SIGKILL was sent to process {@code pid}: it must end within the hang bound. */
    void killed(int pid, String how) {
        kills.add(new Kill(pid, System.nanoTime(), cx.ops.get(), how));
    }

    /**
     * Waits until every process SIGKILLed so far has ended or been reported as hung; engines
     * may still hold stops meanwhile, which SIGKILL overrides (R-STOP-6).
     */
    void awaitKilled() throws InterruptedException {
        long deadline = System.nanoTime() + cx.hangNanos() + TimeUnit.SECONDS.toNanos(2);
        while (!kills.isEmpty() && System.nanoTime() < deadline) Thread.sleep(5);
    }

    /** Slot {@code slot}'s thread begins an API call. */
    synchronized void calling(int slot, String what) {
        calls.set(slot, new Call(Thread.currentThread(), what, System.nanoTime(), ++seq));
    }

    /** Slot {@code slot}'s call returned; clears an interrupt meant for it. */
    void returned(int slot) {
        calls.set(slot, null);
        Thread.interrupted();
    }

    private void loop() {
        while (!stop) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            checkCalls();
            checkKills();
        }
    }

    private void checkCalls() {
        long now = System.nanoTime();
        for (int i = 0; i < calls.length(); i++) {
            Call c = calls.get(i);
            if (c == null) continue;
            long waited = now - c.since();
            if (c.what().startsWith("barrier") && waited > BARRIER_PATIENCE_NANOS && interruptedSeq[i] != c.seq()) {
                interruptedSeq[i] = c.seq();
                cx.stats.barriersInterrupted.increment();
                c.thread().interrupt();
            } else if (waited > cx.hangNanos() && reportedSeq[i] != c.seq()) {
                reportedSeq[i] = c.seq();
                cx.violations.add("no call hangs", c.what() + " has not returned after " + TimeUnit.NANOSECONDS.toSeconds(waited)
                        + " s; its thread:\n" + TaskThreads.stackOf(c.thread()));
            }
        }
    }

    private void checkKills() {
        if (kills.isEmpty()) return;
        long now = System.nanoTime();
        List<TaskInfo> tasks = cx.sim.tasks();
        for (Kill k : kills) {
            List<TaskInfo> alive = aliveIn(tasks, k.pid());
            if (alive.isEmpty()) {
                kills.remove(k);
            } else if (now - k.sentAt() > cx.hangNanos()) {
                kills.remove(k);
                reportHang("R-STOP-6", "process " + k.pid() + " has not ended " + TimeUnit.NANOSECONDS.toSeconds(now - k.sentAt())
                        + " s after " + k.how() + " (sent at op " + k.op() + ")", alive);
            }
        }
    }

    /** The tasks of process {@code pid} that have not exited. */
    static List<TaskInfo> aliveIn(List<TaskInfo> tasks, int pid) {
        List<TaskInfo> out = new ArrayList<>();
        for (TaskInfo t : tasks) {
            if (t.tgid() == pid && !t.state().hasExited()) out.add(t);
        }
        return out;
    }

    /**
     * Reports tasks that hang, with their stacks. A task held in the core's stop inside its EXIT
     * report is known fault 1 of issue 12.
     */
    void reportHang(String rule, String what, List<TaskInfo> alive) {
        cx.hangReported = true;
        StringBuilder sb = new StringBuilder(what).append("; its tasks:");
        boolean allInExitStop = true;
        for (TaskInfo t : alive) {
            dev.utrace.spi.TracedTask task = cx.sim.findTask(t.tid());
            Thread thread = task == null ? null : TaskThreads.threadOf(task);
            allInExitStop &= TaskThreads.inExitStop(thread);
            sb.append("\n  ").append(t);
            if (task != null) {
                sb.append(" fatal pending ").append(task.fatalSignalPending()).append(", job-control stopped ")
                        .append(task.isJobControlStopped()).append(", engines ").append(cx.probe.engines(task));
            }
            sb.append("\n    ").append(TaskThreads.stackOf(thread).replace("\n", "\n    "));
        }
        cx.violations.add(rule, sb.toString(), allInExitStop ? KnownFault.EXIT_STOP_KILL : null);
    }

    @Override
    public void close() {
        stop = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
