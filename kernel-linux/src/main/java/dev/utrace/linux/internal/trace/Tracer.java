package dev.utrace.linux.internal.trace;

import dev.utrace.linux.internal.sys.Affinity;
import dev.utrace.linux.internal.sys.LinuxException;
import dev.utrace.linux.internal.sys.Signals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Traces real processes through ptrace. One platform thread, the tracer thread, owns every
 * attachment (the kernel binds a tracee to the thread that attached it: any other thread gets
 * ESRCH), waits for all stops with {@code waitpid(-1, __WALL|__WNOTHREAD)}, calls the
 * {@link TraceeListener}s and runs the commands other threads {@link #submit}; a traced
 * {@code sleep} process, the doorbell, wakes it when a command arrives.
 *
 * <p>Futures complete on the tracer thread: a dependent action attached with
 * {@code thenApply} and friends runs there unless it is an {@code ...Async} variant, and must
 * not block. {@link #close()} lets every tracee run on untraced, except spawned programs that
 * asked to be killed ({@link SpawnSpec#killOnClose()}), and programs spawned under a syscall
 * filter ({@link SpawnSpec#syscalls()}), which stay attached until they end (see {@link #detach}).
 */
public final class Tracer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Tracer.class.getName());

    /**
     * @param threadName   the tracer thread's name
     * @param pinCpu       a CPU to pin the tracer thread to, or -1 (programs it spawns inherit the pin)
     * @param closeTimeout how long {@link #close()} waits for every tracee to be let go before it
     *                     ends the thread anyway (the kernel then detaches what is left, without
     *                     disarming debug registers)
     */
    public record Options(String threadName, int pinCpu, Duration closeTimeout) {
        public static Options defaults() {
            return new Options("utrace-ptrace", -1, Duration.ofSeconds(10));
        }

        public Options withPinCpu(int cpu) {
            return new Options(threadName, cpu, closeTimeout);
        }
    }

    /** Counters, for tests and measurements. */
    public record Stats(long stops, long orphanStops, int tracees) {}

    private final Options options;
    private final Thread thread;
    private final TracerLoop loop;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final Object lifecycle = new Object();
    private boolean ended;
    private boolean closeRequested;

    private Tracer(Options options) {
        this.options = options;
        this.thread = new Thread(this::body, options.threadName());
        this.thread.setDaemon(true);
        this.loop = new TracerLoop(thread);
    }

    public static Tracer start() {
        return start(Options.defaults());
    }

    /**
     * Starts the tracer thread.
     *
     * @throws LinuxException if ptrace cannot be used here (its message says why)
     */
    public static Tracer start(Options options) {
        Tracer t = new Tracer(options);
        t.thread.start();
        try {
            t.started.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the tracer started", e);
        }
        return t;
    }

    private void body() {
        try {
            if (options.pinCpu() >= 0) Affinity.pinCurrentThread(options.pinCpu());
            loop.init();
        } catch (RuntimeException | Error e) {
            loop.abortInit();
            started.completeExceptionally(e);
            return;
        }
        started.complete(null);
        try {
            loop.run();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "the tracer thread failed; the kernel detaches its tracees as it ends", e);
        } finally {
            List<Runnable> leftover = new ArrayList<>();
            synchronized (lifecycle) {
                ended = true;
                for (Runnable r; (r = loop.commands.poll()) != null; ) leftover.add(r);
            }
            leftover.forEach(Runnable::run); // each fails its future: the thread is ending
            handOffChildren();
            loop.finish();
            terminated.complete(null);
        }
    }

    /** Spawned programs still running when the tracer ends are reaped by a thread each. */
    private void handOffChildren() {
        for (Spawned s : loop.detachedChildren.values()) Reaper.reapLater(s);
        for (TracedProcess p : loop.processes.values()) {
            if (p.spawned != null && !p.spawned.exit.isDone()) Reaper.reapLater(p.spawned);
        }
    }

    /** Whether the calling thread is the tracer thread (where listeners and commands run). */
    public boolean onTracerThread() {
        return loop.onThread();
    }

    /**
     * Runs {@code command} on the tracer thread, between two stops, where tracees can be used.
     * From the tracer thread itself it runs after the current listener call.
     *
     * @return its result; failed with its exception, or with a {@code LinuxException} if the tracer has ended
     */
    public <T> CompletableFuture<T> submit(Callable<T> command) {
        CompletableFuture<T> f = new CompletableFuture<>();
        enqueue(() -> {
            if (ended && !loop.onThread()) {
                f.completeExceptionally(new LinuxException("the tracer has ended; start a new one"));
                return;
            }
            try {
                f.complete(command.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, f);
        return f;
    }

    /**
     * Runs {@code command} on the tracer thread, as {@link #submit} does, for a caller that needs
     * no answer (a held stop's answer, one per stop): nothing is made to carry a result. Once
     * the tracer has ended it is dropped; an exception it throws is logged.
     */
    public void execute(Runnable command) {
        enqueue(() -> {
            if (ended && !loop.onThread()) return;
            try {
                command.run();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "a command on the tracer thread failed", e);
            }
        }, null);
    }

    private void enqueue(Runnable command, CompletableFuture<?> f) {
        synchronized (lifecycle) {
            if (ended) {
                if (f != null) f.completeExceptionally(new LinuxException("the tracer has ended; start a new one"));
                return;
            }
            loop.commands.add(command);
        }
        // A tracer thread that has not blocked yet sees this one without a ring (TracerLoop.awake).
        if (!loop.onThread() && !loop.awake) loop.doorbell.ring();
    }

    /**
     * Starts {@code spec} traced; its first stop is {@link StopKind#EXEC}, before the program's
     * first instruction, so none of its syscalls is missed.
     *
     * @return the program, once its exec happened; failed with a {@code LinuxException} saying
     *         why (no such program, not executable, no such directory, exec failed)
     */
    public CompletableFuture<Spawned> spawn(SpawnSpec spec, TraceeListener listener) {
        if (listener == null) throw new NullPointerException("listener");
        CompletableFuture<Spawned> f = new CompletableFuture<>();
        enqueue(() -> {
            try {
                loop.spawner.spawn(spec, listener, f);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, f);
        return f;
    }

    /**
     * Attaches to running process {@code pid} and all its threads. Each thread's first stop is
     * {@link StopKind#ATTACHED} (or {@link StopKind#GROUP_STOP} if the process was stopped).
     *
     * @return once every thread reported its first stop; failed with a {@code LinuxException}
     *         if the process cannot be traced (gone, a zombie, this JVM or an ancestor, traced by another tool)
     */
    public CompletableFuture<Attached> attach(int pid, TraceeListener listener) {
        if (listener == null) throw new NullPointerException("listener");
        CompletableFuture<Attached> f = new CompletableFuture<>();
        enqueue(() -> {
            try {
                loop.attacher.attach(pid, listener).future.whenComplete((a, e) -> {
                    if (e != null) f.completeExceptionally(e);
                    else f.complete(a);
                });
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, f);
        return f;
    }

    /**
     * Lets process {@code pid} go, every thread as it was: no signal lost or added, no stop left,
     * debug registers disarmed. A process under a seccomp filter this tracer installed
     * ({@link SpawnSpec#syscalls()}) is not detached but kept: without a tracer, the syscalls its
     * filter traces would fail with ENOSYS, and a filter cannot be removed. Its threads' listener
     * is told {@link End#DETACHED} all the same, and the tracer answers their stops as the kernel
     * would without a tracer (syscalls run, signals are delivered, group stops kept) until they end,
     * after a {@link #close()} too; if this JVM ends first they are killed with it
     * (PTRACE_O_EXITKILL) rather than left to fail.
     *
     * @return once no thread of it is traced (or all are kept); failed if this tracer does not trace it
     */
    public CompletableFuture<Void> detach(int pid) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        enqueue(() -> {
            TracedProcess p = loop.processes.get(pid);
            if (p == null) {
                f.completeExceptionally(new LinuxException("process " + pid + " is not traced by this tracer"));
                return;
            }
            loop.detacher.detach(p).whenComplete((v, e) -> {
                if (e != null) f.completeExceptionally(e);
                else f.complete(null);
            });
        }, f);
        return f;
    }

    /** The tracee with thread id {@code tid}, or null. Tracer thread only. */
    public Tracee tracee(int tid) {
        loop.checkThread();
        return loop.tracees.get(tid);
    }

    /** Whether the calling thread is the tracer thread. */
    public boolean isTracerThread() {
        return loop.onThread();
    }

    /** The kernel tid of the tracer thread (what {@code TracerPid} in /proc shows for its tracees). */
    public int tracerTid() {
        return loop.tid;
    }

    /** Spins for hand-offs' answers so far, and how many an answer ended: {spins, answered} (tracer thread; tests). */
    /** The doorbell's rings so far: commands that found the tracer thread blocked in waitpid. */
    long doorbellRings() {
        return loop.doorbell.rings();
    }

    long[] handOffSpins() {
        loop.checkThread();
        return new long[] {loop.handOffSpin.spins(), loop.handOffSpin.answeredSpins()};
    }

    public CompletableFuture<Stats> stats() {
        return submit(() -> new Stats(loop.stops, loop.orphanCount(), loop.tracees.size()));
    }

    /**
     * Lets every tracee go and ends the tracer thread: detaches each process (as {@link #detach}),
     * kills the spawned programs that asked for it, then kills the doorbell. Spawned programs that
     * run on are reaped by a thread of their own when they exit. Idempotent.
     *
     * @throws IllegalStateException on the tracer thread (it cannot wait for itself)
     */
    @Override
    public void close() {
        if (loop.onThread()) throw new IllegalStateException("close the tracer from another thread: its own thread cannot wait for itself to end");
        boolean first;
        synchronized (lifecycle) {
            first = !closeRequested;
            closeRequested = true;
        }
        if (first) enqueue(this::shutdown, terminated);
        try {
            // Processes under a filter this tracer installed are kept, not detached (Detacher): the
            // thread runs on for them, and the close is done once they are all that is left.
            CompletableFuture.anyOf(terminated, loop.onlyKeptLeft).get(options.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "tracees did not all stop to be detached within {0}; ending the tracer thread "
                    + "(the kernel detaches them)", options.closeTimeout());
            loop.abandon = true;
            loop.doorbell.ring();
            terminated.join();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the tracer failed while closing", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void shutdown() {
        loop.closing = true;
        loop.spawner.abortAll();
        for (TracedProcess p : new ArrayList<>(loop.processes.values())) {
            if (p.killOnClose) {
                for (Tracee t : p.threads) t.killing = true;
                Signals.kill(loop.callState, p.pid, Signals.SIGKILL);
            } else {
                loop.detacher.detach(p);
            }
        }
    }
}
