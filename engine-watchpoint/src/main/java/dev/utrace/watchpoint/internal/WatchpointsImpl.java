package dev.utrace.watchpoint.internal;

import dev.utrace.api.ResumeAction;
import dev.utrace.api.SignalAction;
import dev.utrace.api.Utrace;
import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.hw.WatchHit;
import dev.utrace.api.hw.Watchpoint;
import dev.utrace.api.hw.WatchpointException;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.watchpoint.Hit;
import dev.utrace.watchpoint.Scope;
import dev.utrace.watchpoint.WatchInfo;
import dev.utrace.watchpoint.Watchpoints;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The watchpoint engine (semantics reference section 13): watches of users, each a claim on
 * the machine's {@link DebugSlots} per thread, owned by that thread's {@link TaskWatch}.
 *
 * <p><b>Locking.</b> {@link #lock} guards the watches, every {@link TaskWatch} and
 * {@link Watch} field, and the bookkeeping below. It is held while calling {@link DebugSlots}
 * (which never calls back) and never while calling utrace ({@link Threads} runs outside it),
 * so no callback ever waits for a thread that waits for the core. Every claim is removed
 * under the lock by whichever path marks its entry removed first (exec, exit, remove, unload,
 * release), so each claim is removed exactly once however they race.
 */
@Component(service = Watchpoints.class, immediate = true,
        property = "service.description=Hardware watchpoints owned by their engine (watch: commands)")
public final class WatchpointsImpl implements Watchpoints {
    private static final System.Logger LOG = System.getLogger(WatchpointsImpl.class.getName());
    private static final int KEEP_ENDED = 64;
    /** How long unloading waits for a SIGTRAP of ours that is being reported to be consumed. */
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(5);

    final ReentrantLock lock = new ReentrantLock();
    final WatchOps ops = new WatchOps(this);
    private final Utrace utrace;
    private final DebugSlots slots;
    private final Threads threads;

    // Guarded by lock.
    private final Map<Integer, Watch> live = new TreeMap<>();
    private final ArrayDeque<Watch> ended = new ArrayDeque<>();
    /** The open TaskWatch of each watched thread. */
    private final Map<Task, TaskWatch> open = new IdentityHashMap<>();
    /** Every TaskWatch whose engine has not been released yet. */
    private final Set<TaskWatch> attached = new LinkedHashSet<>();
    private boolean stopping;

    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong releases = new AtomicLong();
    /** Engines attached so far (each is released exactly once; tests compare the two). */
    final AtomicLong attaches = new AtomicLong();

    @Activate
    public WatchpointsImpl(@Reference Utrace utrace, @Reference DebugSlots slots) {
        this.utrace = utrace;
        this.slots = slots;
        this.threads = new Threads(this, utrace);
    }

    // ---- the service ----

    @Override
    public WatchInfo add(int pid, long address, int length, Access access, Scope scope, boolean stopOnHit) {
        Objects.requireNonNull(access, "access (WRITE or READ_WRITE)");
        Objects.requireNonNull(scope, "scope (THREAD or PROCESS)");
        DebugSlots.checkRange(address, length); // refused before anything is attached
        Task t = utrace.task(pid);
        if (t == null) throw new IllegalArgumentException("no task with pid " + pid + "; utrace:ps lists them");
        if (t.isKernelThread()) {
            throw new IllegalArgumentException("pid " + pid + " is a kernel thread (" + t.comm() + "); it runs no user code to watch");
        }
        Watch w = new Watch(ids.incrementAndGet(), scope == Scope.THREAD ? t.tid() : t.tgid(), scope, address, length,
                access, stopOnHit);
        lock.lock();
        try {
            if (stopping) throw new IllegalStateException("the watchpoint engine is stopping; no new watches");
            live.put(w.id, w);
        } finally {
            lock.unlock();
        }
        try {
            if (scope == Scope.THREAD) {
                cover(w, t);
            } else {
                coverProcess(w, t);
            }
        } catch (RuntimeException e) {
            undo(w);
            throw e;
        }
        lock.lock();
        try {
            return w.info();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Every thread of {@code t}'s process, until a pass finds none new: a thread started while
     * this runs is either seen by the next pass or covered by its parent's {@code reportClone},
     * which runs after the child is listed and sees the watch once its parent carries it.
     */
    private void coverProcess(Watch w, Task t) {
        Set<Task> done = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        while (true) {
            boolean added = false;
            for (Task thread : slots.threads(t)) {
                if (!done.add(thread)) continue;
                added = true;
                try {
                    cover(w, thread);
                } catch (WatchpointException e) {
                    if (!e.errno().equals("ESRCH")) throw e; // an exiting thread needs no watch
                }
            }
            if (!added) break;
        }
        lock.lock();
        try {
            if (w.on.isEmpty()) {
                throw new WatchpointException("ESRCH", "process " + w.pid + " has no live thread left to watch");
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Installs {@code w} on thread {@code t} (nothing if it is there already), attaching an
     * engine to the thread first if it has none of ours.
     */
    private void cover(Watch w, Task t) {
        while (true) {
            if (!active(w)) return; // removed or unloaded meanwhile: attach nothing
            TaskWatch tw = openOn(t);
            lock.lock();
            try {
                if (tw.closed != null) throw closedThread(tw);
                if (tw.closing) continue; // let go just now; a new engine will be attached
                if (!w.active()) return; // removed meanwhile (an add being undone, or watch:rm)
                if (tw.entry(w) != null) return;
            } finally {
                lock.unlock();
            }
            // Not under the lock: the install may wait for the machine to write the hardware, and on a
            // machine whose callbacks run on its tracer thread, this engine's own hit callbacks (which
            // take the lock) run there meanwhile. A hit in the moment before the claim is recorded
            // below is withheld from the program but not recorded.
            Watchpoint c;
            try {
                c = slots.install(t, tw, w.address, w.length, w.access);
            } catch (RuntimeException e) {
                boolean empty;
                lock.lock();
                try {
                    empty = tw.live() == 0;
                } finally {
                    lock.unlock();
                }
                if (empty) letGo(tw);
                throw e;
            }
            boolean recorded = false;
            boolean closed = false;
            lock.lock();
            try {
                closed = tw.closed != null;
                if (!closed && !tw.closing && w.active() && tw.entry(w) == null) {
                    tw.entries.add(new TaskWatch.Entry(w, c));
                    w.on.add(tw);
                    recorded = true;
                }
            } finally {
                lock.unlock();
            }
            if (recorded) return;
            slots.remove(c); // removed, closed or covered by another add meanwhile: this claim is not needed
            if (closed) throw closedThread(tw);
            if (!w.active()) return;
        }
    }

    private static WatchpointException closedThread(TaskWatch tw) {
        return new WatchpointException("ESRCH", tw.closed.equals("exec")
                ? "thread " + tw.tid + " has just exec'd a new program, where the old addresses mean nothing; add the watch again"
                : "thread " + tw.tid + " is exiting; it can no longer be watched");
    }

    private boolean active(Watch w) {
        lock.lock();
        try {
            return w.active();
        } finally {
            lock.unlock();
        }
    }

    /** The open TaskWatch of {@code t}, attaching a new engine if there is none. */
    private TaskWatch openOn(Task t) {
        lock.lock();
        try {
            TaskWatch tw = open.get(t);
            if (tw != null) return tw;
        } finally {
            lock.unlock();
        }
        TaskWatch fresh = new TaskWatch(t);
        lock.lock();
        try {
            attached.add(fresh);
        } finally {
            lock.unlock();
        }
        try {
            threads.attach(t, fresh);
        } catch (RuntimeException e) {
            lock.lock();
            try {
                attached.remove(fresh); // no engine, or one detached again whose release forgets it too
            } finally {
                lock.unlock();
            }
            throw e;
        }
        TaskWatch winner;
        lock.lock();
        try {
            if (fresh.closed != null) return fresh; // exec'd or exited at once: the caller refuses
            winner = open.putIfAbsent(t, fresh);
            if (winner == null) return fresh;
        } finally {
            lock.unlock();
        }
        letGo(fresh); // another caller attached first; ours has no claim
        return winner;
    }

    /** Undoes a failed add: its claims go, threads left with none are let go; it is not listed as ended. */
    private void undo(Watch w) {
        List<TaskWatch> empty;
        lock.lock();
        try {
            live.remove(w.id);
            w.state = "not added";
            empty = strip(w);
        } finally {
            lock.unlock();
        }
        for (TaskWatch tw : empty) letGo(tw);
    }

    @Override
    public WatchInfo remove(int id) {
        Watch w;
        List<TaskWatch> empty;
        List<TaskWatch> held = new ArrayList<>();
        lock.lock();
        try {
            w = live.get(id);
            if (w == null) {
                throw new IllegalArgumentException("no live watch " + id + "; watch:list shows the watches");
            }
            for (TaskWatch tw : w.on) {
                if (tw.stoppedBy == w) held.add(tw);
            }
            end(w, "removed");
            empty = strip(w);
        } finally {
            lock.unlock();
        }
        for (TaskWatch tw : empty) letGo(tw); // detaching lets a thread it held stopped run on
        for (TaskWatch tw : held) {
            if (!empty.contains(tw)) resumeHeld(tw);
        }
        lock.lock();
        try {
            return w.info();
        } finally {
            lock.unlock();
        }
    }

    /** Removes {@code w}'s claim from every thread; returns the threads left with no claim. */
    private List<TaskWatch> strip(Watch w) {
        assert lock.isHeldByCurrentThread();
        List<TaskWatch> empty = new ArrayList<>();
        for (TaskWatch tw : w.on) {
            TaskWatch.Entry e = tw.entry(w);
            if (e != null) removeClaim(e);
            tw.forgetOldRemoved();
            if (tw.live() == 0) empty.add(tw);
        }
        w.on.clear();
        return empty;
    }

    /** The one place a claim is removed: first path to get here wins, each claim once (R-HBP-1, R-HBP-2). */
    private void removeClaim(TaskWatch.Entry e) {
        assert lock.isHeldByCurrentThread();
        e.removed = true;
        if (!slots.remove(e.claim)) {
            LOG.log(System.Logger.Level.WARNING, "{0} was removed by someone else than its owner", e.claim);
        }
    }

    private void end(Watch w, String why) {
        assert lock.isHeldByCurrentThread();
        if (!w.active()) return;
        w.state = why;
        live.remove(w.id);
        ended.addLast(w);
        while (ended.size() > KEEP_ENDED) ended.removeFirst();
    }

    @Override
    public List<WatchInfo> list() {
        lock.lock();
        try {
            List<WatchInfo> out = new ArrayList<>();
            for (Watch w : live.values()) out.add(w.info());
            ended.stream().sorted(Comparator.comparingInt(x -> x.id)).forEach(x -> out.add(x.info()));
            return List.copyOf(out);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Hit> hits(int id, int n) {
        lock.lock();
        try {
            Watch w = live.get(id);
            if (w == null) w = ended.stream().filter(x -> x.id == id).findFirst().orElse(null);
            if (w == null) throw new IllegalArgumentException("no watch " + id + "; watch:list shows the watches");
            return List.copyOf(w.last(n));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Hit> hits(int n) {
        lock.lock();
        try {
            List<Hit> all = new ArrayList<>();
            for (Watch w : live.values()) all.addAll(w.last(n));
            for (Watch w : ended) all.addAll(w.last(n));
            all.sort(Comparator.comparingLong(Hit::seq));
            return List.copyOf(all.subList(Math.max(0, all.size() - Math.max(n, 0)), all.size()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resume(int tid) {
        Task t = utrace.task(tid);
        TaskWatch tw;
        lock.lock();
        try {
            tw = t == null ? null : open.get(t);
            if (tw == null || tw.stoppedBy == null) {
                throw new IllegalArgumentException("thread " + tid + " is not stopped on a watchpoint hit;"
                        + " watch:list shows the stopped threads");
            }
        } finally {
            lock.unlock();
        }
        resumeHeld(tw);
    }

    private void resumeHeld(TaskWatch tw) {
        lock.lock();
        try {
            tw.stoppedBy = null;
        } finally {
            lock.unlock();
        }
        threads.resume(tw);
    }

    @Override
    public long released() {
        return releases.get();
    }

    /**
     * Unload: every watch ends, every claim is removed from every thread and every engine
     * detached, before the core revokes what is left (and runs release once for each). A
     * SIGTRAP of ours that is being reported right now is waited for, so that no program gets a
     * trap its owner has gone from.
     */
    @Deactivate
    public void deactivate() { // public for other engines' tests, which run this one without OSGi
        List<TaskWatch> all;
        lock.lock();
        try {
            stopping = true;
            for (Watch w : List.copyOf(live.values())) {
                end(w, "unloaded");
                strip(w);
            }
            all = List.copyOf(attached);
        } finally {
            lock.unlock();
        }
        for (TaskWatch tw : all) letGo(tw);
        long deadline = System.nanoTime() + SETTLE_NANOS;
        for (TaskWatch tw : all) {
            while (tw.detachInCallback && !tw.gone) {
                if (System.nanoTime() - deadline > 0) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: its last SIGTRAP was not reported within {1} s; leaving it",
                            tw, TimeUnit.NANOSECONDS.toSeconds(SETTLE_NANOS));
                    break;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }

    // ---- letting a thread go ----

    /**
     * Detaches from a thread that has no claim of ours left (R-HBP-2: its claims went first).
     * Its untaken hits are discarded, which withdraws their SIGTRAP if still pending; if that
     * SIGTRAP is being reported right now, the signal callback consumes it and detaches instead.
     */
    void letGo(TaskWatch tw) {
        lock.lock();
        try {
            if (tw.live() > 0 || tw.closing || tw.closed != null) return;
            tw.closing = true;
            open.remove(tw.task, tw);
            tw.stoppedBy = null;
            if (!slots.discardHits(tw.task, tw)) {
                tw.detachInCallback = true;
                return;
            }
            tw.settled();
        } finally {
            lock.unlock();
        }
        threads.detach(tw);
    }

    // ---- called by the callbacks (WatchOps) ----

    /**
     * A SIGTRAP reached the thread: takes our hits and records them. A watchpoint trap with hits
     * of ours is consumed (another owner's engine, e.g. ptrace, is called in the same report
     * and takes its own hits whatever we chose); without hits of ours the signal passes on
     * unchanged. A watch that stops on a hit holds the thread (STOP); a thread being let go
     * detaches here.
     */
    int trapped(TaskWatch tw, Task task, SignalInfo info, int signalAction) {
        List<WatchHit> hits = slots.takeHits(task, tw);
        boolean ours = !hits.isEmpty();
        Watch stop = null;
        boolean detach;
        lock.lock();
        try {
            for (WatchHit h : hits) {
                Watch w = tw.route(h.watchpoint());
                if (w == null) continue;
                boolean stops = w.stopOnHit && w.active() && tw.closed == null && !tw.closing;
                w.record(new Hit(seq.incrementAndGet(), w.id, tw.tid, h.address(), h.length(), h.write(), h.oldValue(),
                        h.newValue(), h.ip(), stops));
                if (stops && stop == null) stop = w;
            }
            tw.settled(); // the thread runs no instruction before this returns: no hit of a removed claim can follow
            if (stop != null) tw.stoppedBy = stop;
            detach = tw.detachInCallback;
        } finally {
            lock.unlock();
        }
        int signal = ours && info.code == Signals.TRAP_HWBKPT ? SignalAction.IGN.code() : signalAction;
        if (detach) {
            tw.gone = true;
            return signal | ResumeAction.DETACH.code();
        }
        return signal | (stop != null ? ResumeAction.STOP : ResumeAction.RESUME).code();
    }

    /** A watched thread started {@code child}, a thread of its process: its process watches go on the child before it runs. */
    void cloned(TaskWatch parent, Task child) {
        List<Watch> process = new ArrayList<>();
        lock.lock();
        try {
            if (parent.closed != null || parent.closing) return;
            for (TaskWatch.Entry e : parent.entries) {
                if (!e.removed && e.watch.scope == Scope.PROCESS && e.watch.active()) process.add(e.watch);
            }
        } finally {
            lock.unlock();
        }
        for (Watch w : process) {
            try {
                cover(w, child);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "watch " + w.id + " could not be installed on the new thread "
                        + child.tid() + ": " + e.getMessage());
            }
        }
    }

    /**
     * The thread exec'd or is exiting (or its engine is being released): its claims go, each
     * once (R-HBP-1); a thread watch ends with it, a process watch when its last thread goes
     * or at exec (a new image).
     */
    void close(TaskWatch tw, String why) {
        lock.lock();
        try {
            if (tw.closed != null) return;
            tw.closed = why;
            tw.stoppedBy = null;
            open.remove(tw.task, tw);
            for (TaskWatch.Entry e : tw.entries) {
                if (e.removed) continue;
                removeClaim(e);
                Watch w = e.watch;
                w.on.remove(tw);
                if (w.scope == Scope.THREAD || w.on.isEmpty() || why.equals("exec")) end(w, why);
            }
            slots.discardHits(tw.task, tw);
            tw.settled();
        } finally {
            lock.unlock();
        }
    }

    /** An engine with {@code tw} as its data was attached. */
    void attached(TaskWatch tw) {
        attaches.incrementAndGet();
    }

    /** {@code release}: the engine is gone; whatever claim is left goes now (a revoked or faulted engine). */
    void released(TaskWatch tw) {
        releases.incrementAndGet();
        close(tw, "released");
        lock.lock();
        try {
            attached.remove(tw);
            tw.gone = true;
        } finally {
            lock.unlock();
        }
    }
}
