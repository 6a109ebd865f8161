package dev.utrace.passive.internal;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallSet;
import dev.utrace.api.Utrace;
import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Task;
import dev.utrace.passive.ExportFormat;
import dev.utrace.passive.ExportResult;
import dev.utrace.passive.ExportStream;
import dev.utrace.passive.Kind;
import dev.utrace.passive.PassiveTracer;
import dev.utrace.passive.Stats;
import dev.utrace.passive.Subscription;
import dev.utrace.passive.TraceEvent;
import dev.utrace.passive.TraceInfo;
import dev.utrace.passive.TraceListener;
import dev.utrace.passive.UntraceResult;
import dev.utrace.api.proc.ProcessException;
import dev.utrace.api.proc.Processes;
import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.api.task.Signals;
import dev.utrace.passive.internal.strace.SignalText;
import dev.utrace.passive.internal.strace.SyscallTable;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The passive tracer (semantics reference 11.2, Model A). {@link #trace} attaches with
 * {@code CREATE|EXCLUSIVE|MATCH_OPS}, sets the events and puts its reference at once; from then
 * on the callbacks own the {@link TaskTrace}. {@code reportDeath} always detaches; {@code release}
 * runs once when the last reference goes. {@link #untrace} is a lookup plus {@code DETACH}.
 *
 * <p>Rules kept everywhere: the core is never called while holding a lock of ours; a callback
 * never blocks and never returns STOP.
 */
@Component(service = PassiveTracer.class, configurationPid = PassiveConfig.PID, immediate = true)
@Designate(ocd = PassiveConfig.class)
public final class PassiveTracerImpl implements PassiveTracer {
    static final String LOGGER = "dev.utrace.passive";
    private static final System.Logger LOG = System.getLogger(LOGGER);
    private final Utrace utrace;
    private final Processes processes;
    /** The machine's syscall names and what each syscall's line copies from memory; shared by every trace. */
    private final SyscallTable syscalls;
    private volatile Settings settings;
    private final Ops ops = new Ops();
    private final ConcurrentHashMap<Integer, TaskTrace> active = new ConcurrentHashMap<>();
    private final ArrayDeque<TaskTrace> ended = new ArrayDeque<>();
    private final AtomicLong seq = new AtomicLong();
    private final Listeners listeners = new Listeners();
    /** The one clock of every event this tracer records, and its start, which exports count from. */
    private final TraceClock clock = TraceClock.now();
    private final Exporter exporter = new Exporter(this::allTraces, this::latest, listeners, clock);
    /** Releases run so far, over every trace (tests check one per trace). */
    final AtomicLong releases = new AtomicLong();

    /**
     * Activated with its configuration's properties, read by {@link SettingsReader} rather than
     * through the {@link PassiveConfig} type: DS would turn {@code ringSize = banana} into a
     * default without a word. A refused value keeps its last good value and is logged.
     */
    @Activate
    public PassiveTracerImpl(@Reference Utrace utrace, @Reference Processes processes, Map<String, Object> properties) {
        this(utrace, processes, configure(properties, Settings.DEFAULT));
    }

    PassiveTracerImpl(Utrace utrace, Processes processes, Settings settings) {
        this.utrace = utrace;
        this.processes = processes;
        this.syscalls = new SyscallTable(processes::syscallName);
        this.settings = settings;
    }

    @Modified
    void modified(Map<String, Object> properties) {
        settings = configure(properties, settings);
    }

    /** The settings {@code properties} give; each refused value or unknown key is one warning line. */
    private static Settings configure(Map<String, ?> properties, Settings last) {
        SettingsReader.Result r = SettingsReader.read(properties, last);
        for (String problem : r.problems()) LOG.log(System.Logger.Level.WARNING, problem);
        return r.settings();
    }

    Settings settings() {
        return settings;
    }

    /** The clock exports count from; for tests. */
    TraceClock clock() {
        return clock;
    }

    /** Ends every live trace and every subscription; the core revokes what is left on bundle stop anyway. */
    @Deactivate
    void deactivate() {
        exporter.closeAll("the tracer stopped"); // their files are closed whole before the listeners go
        listeners.closeAll();
        for (Integer tid : List.copyOf(active.keySet())) {
            try {
                untrace(tid);
            } catch (IllegalArgumentException ignored) {
                // ended meanwhile
            }
        }
    }

    static long mask(Set<Kind> kinds, boolean follow) {
        long m = Event.DEATH.bit();
        if (kinds.contains(Kind.SYSCALLS)) m |= Event.SYSCALL;
        if (kinds.contains(Kind.SIGNALS)) m |= Event.SIGNAL_ALL;
        if (kinds.contains(Kind.CLONE) || follow) m |= Event.CLONE.bit();
        if (kinds.contains(Kind.EXEC)) m |= Event.EXEC.bit();
        if (kinds.contains(Kind.EXIT) || kinds.contains(Kind.SYSCALLS)) m |= Event.EXIT.bit();
        return m;
    }

    @Override
    public TraceInfo trace(int pid, Set<Kind> events, Boolean follow) {
        return trace(pid, events, follow, SyscallSet.ALL);
    }

    @Override
    public TraceInfo trace(int pid, Set<Kind> events, Boolean follow, SyscallSet syscalls) {
        java.util.Objects.requireNonNull(syscalls, "syscalls (SyscallSet.ALL for every syscall)");
        Settings s = settings;
        Set<Kind> kinds = events != null ? events : s.events();
        if (kinds.isEmpty()) throw new IllegalArgumentException("no events given");
        if (!syscalls.isAll() && !kinds.contains(Kind.SYSCALLS)) {
            throw new IllegalArgumentException("syscalls to record were given, but syscalls are not among the events ("
                    + Kind.format(kinds) + "); add syscalls to the events");
        }
        boolean f = follow != null ? follow : s.follow();
        Task t = utrace.task(pid);
        if (t == null) throw new IllegalArgumentException("no task with pid " + pid + "; ps lists them");
        TaskTrace tr = new TaskTrace(t.tid(), t.tgid(), t.comm(), kinds, f, s.ringSize(), mask(kinds, f), this.syscalls);
        String error = start(t, tr, syscalls);
        if (error != null) throw new IllegalArgumentException(error);
        return tr.info();
    }

    @Override
    public TraceInfo run(SpawnRequest request, Set<Kind> events, Boolean follow) {
        java.util.Objects.requireNonNull(request, "request");
        if (events != null && events.isEmpty()) throw new IllegalArgumentException("no events given");
        int pid;
        try {
            pid = processes.spawn(request.withStopped(true));
        } catch (ProcessException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        TraceInfo info;
        try {
            info = trace(pid, events, follow, request.syscalls() == null ? SyscallSet.ALL : request.syscalls());
        } catch (RuntimeException e) {
            processes.kill(pid, Signals.SIGKILL); // it never ran: leave nothing behind
            throw e;
        }
        processes.kill(pid, Signals.SIGCONT);
        return info;
    }


    /** Attaches {@code tr} to {@code t} recording {@code syscalls} (Model A: put the reference at once); null or why not. */
    private String start(Task t, TaskTrace tr, SyscallSet syscalls) {
        AttachResult r = utrace.attach(t, AttachFlags.CREATE | AttachFlags.EXCLUSIVE | AttachFlags.MATCH_OPS, ops, tr);
        if (!r.ok()) {
            return switch (r.outcome()) {
                case EXISTS -> "pid " + tr.tid + " is already traced; untrace " + tr.tid + " first";
                case NOT_PERMITTED -> "pid " + tr.tid + " is a kernel thread; it cannot be traced";
                case GONE -> "pid " + tr.tid + " is gone";
                default -> "cannot trace pid " + tr.tid + ": " + r.outcome();
            };
        }
        Engine e = r.engine();
        TaskTrace old = active.put(tr.tid, tr);
        if (old != null && old != tr) retire(old, "replaced"); // a tid's earlier trace whose release is still due
        Outcome o = utrace.setSyscalls(t, e, syscalls); // before the events: no syscall outside the set is ever recorded
        if (o == Outcome.DONE) o = utrace.setEvents(t, e, tr.mask);
        String error = null;
        if (o != Outcome.DONE) {
            // ALREADY: the task is exiting, DEATH cannot be added any more; GONE: reaped. Undo.
            retire(tr, "not started");
            utrace.control(t, e, ResumeAction.DETACH);
            error = "pid " + tr.tid + (o == Outcome.ALREADY ? " is exiting" : " is gone") + "; not traced";
        }
        e.put(); // Model A: no engine reference kept
        return error;
    }

    @Override
    public UntraceResult untrace(int pid) {
        Task t = utrace.task(pid);
        TaskTrace known = active.get(pid);
        if (t == null) {
            if (known == null) throw new IllegalArgumentException("pid " + pid + " is not traced");
            return new UntraceResult(pid, Outcome.GONE, null); // reaped: the reap path releases it
        }
        AttachResult r = utrace.attach(t, AttachFlags.MATCH_OPS, ops, null);
        if (!r.ok()) {
            if (known == null) throw new IllegalArgumentException("pid " + pid + " is not traced");
            return new UntraceResult(pid, Outcome.NOT_FOUND, null); // detached itself; release is due
        }
        Engine e = r.engine();
        try {
            TaskTrace tr = (TaskTrace) e.data();
            Outcome d = utrace.control(t, e, ResumeAction.DETACH);
            Outcome b = null;
            switch (d) {
                case DONE -> retire(tr, "untraced");
                case IN_PROGRESS -> {
                    b = barrier(t, e);
                    retire(tr, "untraced");
                }
                default -> {
                    // ALREADY: reportDeath is running or due and detaches; GONE: the reap began or the
                    // engine detached itself. Either way the callbacks clean up (10.3).
                }
            }
            return new UntraceResult(pid, d, b);
        } finally {
            e.put(); // the lookup reference; release runs here if it was the last
        }
    }

    /** {@code utrace_barrier} until it answers DONE or GONE (both success after DETACH, R-BAR-5). */
    private Outcome barrier(Task t, Engine e) {
        boolean interrupted = false;
        try {
            while (true) {
                Outcome o = utrace.barrier(t, e);
                if (o != Outcome.INTERRUPTED) return o;
                Thread.interrupted(); // clear, so the barrier can wait; restored below
                interrupted = true;
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Ends {@code tr} once: no more records, moved from the live traces to the ended ones. */
    private void retire(TaskTrace tr, String why) {
        if (!tr.retire(why)) return;
        int keep = settings.keepEnded();
        synchronized (ended) {
            ended.addLast(tr);
            while (ended.size() > keep) ended.removeFirst();
        }
        // Only now out of the live ones: a reader that takes the live ones first, then the ended ones
        // (traces()), never misses a trace that is moving from one to the other.
        active.remove(tr.tid, tr);
        exporter.traceEnded();
    }

    /**
     * {@code tr}'s task took tid {@code now} (a non-leader's exec took the leader's tid; the leader's
     * death, reported first, ended its trace): the live trace of {@code now} is {@code tr} from now on.
     */
    private void moved(TaskTrace tr, int now) {
        active.remove(tr.tid, tr);
        tr.retid(now);
        TaskTrace old = active.put(now, tr);
        if (old != null && old != tr) retire(old, "replaced");
    }

    /** The traces at one moment, each once: live ones, then the recently ended ones (oldest first). */
    private record Traces(List<TaskTrace> live, List<TaskTrace> ended) {
    }

    /**
     * Every trace, each once. The live ones are read first: a trace being retired is already among
     * the ended ones when it leaves the live ones, so it is seen in one or both, and kept as ended.
     */
    private Traces traces() {
        List<TaskTrace> live = new ArrayList<>(active.values());
        List<TaskTrace> old = endedTraces();
        Set<TaskTrace> endedOnes = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        endedOnes.addAll(old);
        live.removeIf(endedOnes::contains);
        return new Traces(live, old);
    }

    private List<TaskTrace> endedTraces() {
        synchronized (ended) {
            return List.copyOf(ended);
        }
    }

    @Override
    public List<TraceInfo> list() {
        Traces now = traces();
        List<TraceInfo> out = new ArrayList<>();
        now.live().stream().sorted(Comparator.comparingInt(x -> x.tid)).forEach(x -> out.add(x.info()));
        List<TraceInfo> old = new ArrayList<>();
        for (TaskTrace x : now.ended()) old.add(x.info());
        old.sort(Comparator.comparingInt(TraceInfo::tid));
        out.addAll(old);
        return List.copyOf(out);
    }

    private TaskTrace find(int pid) {
        TaskTrace tr = latest(pid);
        if (tr == null) throw new IllegalArgumentException("no trace of pid " + pid + "; list shows the traces");
        return tr;
    }

    @Override
    public List<TraceEvent> log(int pid, int n) {
        return find(pid).last(n);
    }

    @Override
    public List<TraceEvent> log(int n) {
        List<TraceEvent> all = new ArrayList<>();
        for (TaskTrace x : allTraces()) all.addAll(x.last(n));
        all.sort(Comparator.comparingLong(TraceEvent::seq));
        return List.copyOf(all.subList(Math.max(0, all.size() - Math.max(n, 0)), all.size()));
    }

    @Override
    public Stats stats(int pid) {
        return find(pid).stats().sortedBy(Stats.Column.CALLS);
    }

    @Override
    public Stats stats() {
        List<Stats> all = new ArrayList<>();
        for (TaskTrace x : allTraces()) all.add(x.stats());
        return TaskTrace.sum(all).sortedBy(Stats.Column.CALLS);
    }

    @Override
    public ExportResult export(int pid, Path file, ExportFormat format, boolean overwrite) {
        return exporter.export(pid, file, format, overwrite);
    }

    @Override
    public ExportStream exportFollowing(int pid, Path file, ExportFormat format, boolean overwrite) {
        return exporter.follow(pid, file, format, overwrite);
    }

    /** Every trace, each once: the recently ended ones, oldest first, then the live ones. */
    private List<TaskTrace> allTraces() {
        Traces now = traces();
        List<TaskTrace> all = new ArrayList<>(now.ended());
        all.addAll(now.live());
        return all;
    }

    /** The live trace of {@code tid}, else its most recently ended one, else null. */
    private TaskTrace latest(int tid) {
        TaskTrace tr = active.get(tid);
        if (tr != null) return tr;
        List<TaskTrace> old = endedTraces();
        for (int i = old.size() - 1; i >= 0; i--) {
            if (old.get(i).tid == tid) return old.get(i);
        }
        return null;
    }

    @Override
    public long released() {
        return releases.get();
    }

    @Override
    public Subscription subscribe(TraceListener listener, int capacity, int maxBatch) {
        return listeners.subscribe(java.util.Objects.requireNonNull(listener, "listener"), capacity, maxBatch);
    }

    /** The live trace of {@code pid}, or null; for tests. */
    TaskTrace traceOf(int pid) {
        return active.get(pid);
    }

    /** Whether {@code pid} has a live trace here. */
    boolean tracing(int pid) {
        return active.containsKey(pid);
    }

    private void record(TaskTrace tr, TraceEvent e) {
        if (e == null || tr.retired()) return;
        tr.add(e);
        published(e);
    }

    /** Hands an event the trace already holds to the listeners. */
    private void published(TraceEvent e) {
        if (e != null && listeners.any()) listeners.publish(e);
    }

    /** The callbacks. They own the {@link TaskTrace}; none blocks, none returns STOP. */
    private final class Ops implements EngineOps {

        @Override
        public int reportSyscallEntry(int action, Engine engine, Task task) {
            TaskTrace tr = (TaskTrace) engine.data();
            if (tr.wants(Kind.SYSCALLS) && !tr.retired()) {
                tr.syscallEntry(task, System.nanoTime());
            }
            return EngineOps.super.reportSyscallEntry(action, engine, task);
        }

        @Override
        public ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task task) {
            TaskTrace tr = (TaskTrace) engine.data();
            if (tr.wants(Kind.SYSCALLS) && !tr.retired()) {
                int slot = tr.syscallExit(seq.getAndIncrement(), System.nanoTime(), task, task.register(Reg.RAX));
                // The ring keeps the syscall in its columns: an object only for listeners (asked after it is recorded,
                // so a listener subscribed before the record gets it, as the ring's readers do).
                if (slot >= 0 && listeners.any()) published(tr.event(slot));
            }
            return ResumeAction.RESUME;
        }

        @Override
        public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa,
                                SigAction returnKa) {
            TaskTrace tr = (TaskTrace) engine.data();
            if (origKa != null && info != null && info.signo != 0 && tr.wants(Kind.SIGNALS) && !tr.retired()) {
                tr.countSignal(info.signo);
                record(tr, new TraceEvent(seq.getAndIncrement(), System.nanoTime(), tr.tid, Kind.SIGNALS,
                        info.signo, null, null, 0, true, 0, SignalText.siginfo(info)));
            }
            return EngineOps.super.reportSignal(action, engine, task, info, origKa, returnKa); // unchanged
        }

        @Override
        public ResumeAction reportClone(ResumeAction action, Engine engine, Task parent, long cloneFlags, Task child) {
            TaskTrace tr = (TaskTrace) engine.data();
            if (tr.retired()) return ResumeAction.RESUME;
            if (tr.wants(Kind.CLONE)) {
                record(tr, new TraceEvent(seq.getAndIncrement(), System.nanoTime(), tr.tid, Kind.CLONE,
                        child.tid(), null, null, cloneFlags, true, 0, null));
            }
            if (tr.follow) {
                // Attaching to the child here is safe and it is traced from its first instruction (R-ATT-8).
                start(child, tr.forChild(child.tid(), child.tgid(), child.comm(), settings.ringSize()), engine.syscalls());
            }
            return ResumeAction.RESUME;
        }

        @Override
        public ResumeAction reportExec(ResumeAction action, Engine engine, Task task, String format, ExecInfo exec) {
            TaskTrace tr = (TaskTrace) engine.data();
            int former = tr.tid;
            if (task.tid() != former && !tr.retired()) moved(tr, task.tid());
            if (tr.wants(Kind.EXEC)) {
                record(tr, new TraceEvent(seq.getAndIncrement(), System.nanoTime(), tr.tid, Kind.EXEC, former, null, null,
                        0, true, 0, exec.filename() + " " + exec.argv()));
            }
            return ResumeAction.RESUME;
        }

        @Override
        public ResumeAction reportExit(ResumeAction action, Engine engine, Task task, long origCode, ExitCode code) {
            TaskTrace tr = (TaskTrace) engine.data();
            if (!tr.retired()) {
                if (tr.wants(Kind.SYSCALLS)) {
                    int slot = tr.unfinishedSyscall(seq.getAndIncrement(), System.nanoTime());
                    if (slot >= 0 && listeners.any()) published(tr.event(slot));
                }
                if (tr.wants(Kind.EXIT)) {
                    tr.countExit();
                    record(tr, new TraceEvent(seq.getAndIncrement(), System.nanoTime(), tr.tid, Kind.EXIT,
                            (int) code.get(), null, null, 0, true, 0, null));
                }
            }
            return ResumeAction.RESUME;
        }

        @Override
        public ResumeAction reportDeath(Engine engine, Task task, boolean groupDead, int signal) {
            TaskTrace tr = (TaskTrace) engine.data();
            if (tr.wants(Kind.DEATH)) {
                record(tr, new TraceEvent(seq.getAndIncrement(), System.nanoTime(), tr.tid, Kind.DEATH, 0, null, null,
                        0, true, 0, groupDead ? "group dead" : ""));
            }
            retire(tr, "died");
            return ResumeAction.DETACH; // Model A: death detaches; release frees the data (R-REAP-2)
        }

        @Override
        public void release(Object data) {
            TaskTrace tr = (TaskTrace) data;
            tr.releases.incrementAndGet();
            releases.incrementAndGet();
            retire(tr, "released"); // e.g. revoked with the bundle, or a reap without a death report
        }
    }
}
