package dev.utrace.sim.internal;

import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.spi.TraceHooks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The simulated kernel: the pid table, init, and the paths (signals, exit, wait, fork, exec,
 * syscalls, the CPU) that tasks run through.
 *
 * <p><b>Locking.</b> {@link #lock} plays Linux's {@code tasklist_lock} and every
 * {@code siglock} at once: it guards the process tree, thread lists, exit states, and all
 * signal state (queues, masks, dispositions, group stop and group exit). One lock keeps the
 * cross-task rules easy to check; nothing blocks or calls the core while holding it (see
 * {@link Deferred}). {@link #pids} is a concurrent map written under the lock and read without
 * it. Leaf locks taken under it: {@link AddressSpace}'s, {@link Console}'s, {@link ExitRecords}'.
 */
final class Kernel {
    final ReentrantLock lock = new ReentrantLock();
    private final Map<Integer, SimTask> pids = new ConcurrentHashMap<>();
    private final AtomicInteger lastPid = new AtomicInteger();
    private volatile TraceHooks hooks;
    private volatile boolean shutdown;

    final ProgramLibrary library;
    final ExitRecords records = new ExitRecords();
    final SignalPath signals = new SignalPath(this);
    final SignalSyscalls sigcalls = new SignalSyscalls(this);
    final SignalDelivery delivery = new SignalDelivery(this);
    final ExitPath exits = new ExitPath(this);
    final WaitPath waits = new WaitPath(this);
    final ForkPath forks = new ForkPath(this);
    final ExecPath execs = new ExecPath(this);
    final Syscalls syscalls = new Syscalls(this);
    final Cpu cpu = new Cpu(this);
    final TraceLinks links = new TraceLinks(this);
    final Proc initProc;
    final SimTask init;

    Kernel(TraceHooks hooks, ProgramLibrary library) {
        this.hooks = hooks;
        this.library = library;
        initProc = new Proc(allocPid(), true, null, new AddressSpace());
        init = new SimTask(this, initProc, initProc.tgid, true);
        initProc.leader = init;
        initProc.addThread(init);
        initProc.live = 1;
        hash(init);
        init.thread = newThread(init, () -> waits.initLoop(init));
        init.thread.start();
    }

    TraceHooks hooks() {
        return hooks;
    }

    /**
     * Whether this machine holds utrace stops itself ({@code TracedTask.stopsWithoutParking}):
     * the core's hooks then return at once when they stop a task, and the task waits here, in the
     * machine, and calls the hook again when released. Off by default (the core parks the task's
     * thread); tests turn it on to run the core's other stop model on the whole machine.
     */
    volatile boolean holdsStops;

    // The hooks that may stop the task, for both stop models: each calls the hook again after a
    // stop the machine held, as long as the core says it is held (TraceHooks.held).

    boolean syscallEntry(SimTask t) {
        TraceHooks h = hooks;
        boolean abort = h.syscallEntry(t);
        while (holdsStops && h.held(t)) {
            awaitRelease(t);
            abort = h.syscallEntry(t);
        }
        return abort;
    }

    void exit(SimTask t, dev.utrace.api.task.ExitCode code) {
        TraceHooks h = hooks;
        h.exit(t, code);
        while (holdsStops && h.held(t)) {
            awaitRelease(t);
            h.exit(t, code);
        }
    }

    void finishVfork(SimTask t) {
        TraceHooks h = hooks;
        h.finishVfork(t);
        while (holdsStops && h.held(t)) {
            awaitRelease(t);
            h.finishVfork(t);
        }
    }

    void resume(SimTask t) {
        TraceHooks h = hooks;
        h.resume(t);
        while (holdsStops && h.held(t)) {
            awaitRelease(t);
            h.resume(t);
        }
    }

    int getSignal(SimTask t, dev.utrace.api.task.SignalInfo info, dev.utrace.api.task.SigAction ka) {
        TraceHooks h = hooks;
        int r = h.getSignal(t, info, ka);
        while (holdsStops && h.held(t)) {
            awaitRelease(t);
            r = h.getSignal(t, info, ka);
        }
        return r;
    }

    void finishJobControlStop(SimTask t) {
        TraceHooks h = hooks;
        h.finishJobControlStop(t);
        while (holdsStops && h.held(t)) {
            awaitRelease(t);
            h.finishJobControlStop(t);
        }
    }

    /** Waits as TASK_TRACED does until the core releases the task or SIGKILL comes. */
    private static void awaitRelease(SimTask t) {
        t.waitFor(() -> !t.isUtraceStopped(), false, 0, t.rawState());
    }

    void setHooks(TraceHooks h) {
        hooks = h;
    }

    /** Replaces the hooks only if they are still {@code expected} (a later bind has not replaced them). */
    void unsetHooks(TraceHooks expected) {
        lock.lock();
        try {
            if (hooks == expected) hooks = TraceHooks.NONE;
        } finally {
            lock.unlock();
        }
    }

    boolean isShutdown() {
        return shutdown;
    }

    int allocPid() {
        return lastPid.incrementAndGet();
    }

    /**
     * The task whose tid is {@code tid} now. Lock-free, except in the instant of an exec's tid swap
     * ({@link #rehash}): a task found under its old tid is looked up again under the lock, so the
     * answer is never a task that answers to another tid (an attach by pid would take the wrong one).
     */
    SimTask find(int tid) {
        SimTask t = pids.get(tid);
        if (t == null || t.tid() == tid) return t;
        lock.lock();
        try {
            return pids.get(tid);
        } finally {
            lock.unlock();
        }
    }

    void hash(SimTask t) {
        assert lock.isHeldByCurrentThread() || t == init;
        pids.put(t.tid(), t);
    }

    void unhash(SimTask t) {
        assert lock.isHeldByCurrentThread();
        pids.remove(t.tid(), t);
    }

    /** After a tid swap in exec: both tasks are found under their new tids. */
    void rehash(SimTask a, SimTask b) {
        assert lock.isHeldByCurrentThread();
        pids.put(a.tid(), a);
        pids.put(b.tid(), b);
    }

    /** Every task in the pid table, a snapshot. */
    List<SimTask> tasks() {
        return new ArrayList<>(pids.values());
    }

    Thread newThread(SimTask t, Runnable body) {
        return Thread.ofVirtual().name("task-" + t.tid()).unstarted(body);
    }

    /** Starts {@code prog} as a child of init; with {@code stopped}, SIGSTOP is pending before its first instruction. */
    int spawn(Program prog, List<String> args, boolean stopped) {
        int pid = allocPid();
        Proc p = new Proc(pid, false, prog, null);
        SimTask t = new SimTask(this, p, pid, false);
        execs.install(t, prog, args);
        t.thread = newThread(t, () -> cpu.runSpawned(t));
        lock.lock();
        try {
            if (shutdown) return -1;
            hash(t);
            p.leader = t;
            p.addThread(t);
            p.live = 1;
            initProc.addChild(p);
            initProc.childEvents++;
            if (stopped) {
                p.shared().add(new SignalInfo(Signals.SIGSTOP, Signals.SI_KERNEL));
                t.setWork(SimTask.W_SIGPENDING);
            }
        } finally {
            lock.unlock();
        }
        init.wake();
        t.thread.start();
        return pid;
    }

    /**
     * Kills every process; init reaps them and then ends. Tasks held inside a core hook end when
     * the core lets them go.
     */
    void shutdown() {
        Deferred d = new Deferred();
        lock.lock();
        try {
            shutdown = true;
            for (SimTask t : pids.values()) {
                Proc p = t.proc;
                if (p.kernel || t.rawState().hasExited()) continue;
                p.groupExit = true;
                if (p.groupExitCode == 0) p.groupExitCode = Signals.SIGKILL;
                signals.killThread(t, d);
            }
        } finally {
            lock.unlock();
            d.run();
        }
        init.wake();
    }
}
