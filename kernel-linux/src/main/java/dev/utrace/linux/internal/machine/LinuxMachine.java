package dev.utrace.linux.internal.machine;

import dev.utrace.api.SyscallSet;
import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.hw.SlotInfo;
import dev.utrace.api.hw.WatchHit;
import dev.utrace.api.hw.Watchpoint;
import dev.utrace.api.proc.ProcessControl;
import dev.utrace.api.proc.ProcessException;
import dev.utrace.api.proc.Processes;
import dev.utrace.api.proc.ProgramInfo;
import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.api.proc.SyscallStops;
import dev.utrace.api.proc.TaskInfo;
import dev.utrace.api.proc.TraceLink;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.spin.Backoff;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.SyscallNames;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.Libc;
import dev.utrace.linux.internal.sys.LinuxException;
import dev.utrace.linux.internal.sys.Prelink;
import dev.utrace.linux.internal.sys.Prewarm;
import dev.utrace.linux.internal.sys.ProcessMemory;
import dev.utrace.linux.internal.trace.Output;
import dev.utrace.linux.internal.trace.SpawnSpec;
import dev.utrace.linux.internal.trace.Spawned;
import dev.utrace.linux.internal.trace.Tracer;
import dev.utrace.spi.DebugSlotsBy;
import dev.utrace.spi.Machine;
import dev.utrace.spi.TraceHooks;
import dev.utrace.spi.TracedTask;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Real Linux processes as a machine: the {@link Machine} SPI for the utrace core (each traced
 * thread a {@link LinuxTask} whose hooks run on the tracer thread, or on a hook thread of its own), and {@link Processes},
 * {@link ProcessControl} and {@link DebugSlots} for people and engines. One {@link Tracer} thread
 * owns every ptrace attachment. Under OSGi, Declarative Services creates it (only when the
 * framework was started with this bundle: {@code bin/run --machine linux}) and binds the core's
 * {@link TraceHooks}; without OSGi, construct it with the hooks to use and {@link #close()} it.
 *
 * <p><b>Close.</b> Every tracee is let go (detached exactly as it was) and runs on; programs this
 * machine spawned are killed only with {@code end.spawned.on.close} (they then also die if the
 * JVM does, PTRACE_O_EXITKILL). Engines still attached get no more reports.
 */
@Component(service = {Machine.class, Processes.class, ProcessControl.class, DebugSlots.class}, immediate = true,
        configurationPid = LinuxMachine.PID,
        property = "service.description=Real Linux processes, traced with ptrace")
@Designate(ocd = LinuxMachine.Config.class)
public final class LinuxMachine implements Machine, Processes, ProcessControl, DebugSlotsBy, AutoCloseable {
    static final String PID = "dev.utrace.linux.LinuxMachine";
    /** {@link SigAction#handler} of a signal the thread catches: /proc says that it does, not where. */
    public static final long UNKNOWN_HANDLER = -1;
    static {
        Prelink.begin(); // first: the native calls link while the rest of the machine is made
    }

    private static final System.Logger LOG = System.getLogger(LinuxMachine.class.getName());
    private static final long REQUEST_SECONDS = 30;
    /**
     * The syscalls a filtered program stops at whatever engines want: those this machine keeps its
     * own books with at their entry ({@code TaskRunner}: clone's flags, exec's path, whether a
     * thread's exit is its own). Each comes once per thread or exec, never in a loop.
     */
    static final SyscallSet OWN_SYSCALLS = SyscallSet.of(56, 57, 58, 59, 60, 231, 322, 435); // clone fork vfork execve exit exit_group execveat clone3

    /** Configuration (PID {@value #PID}). */
    @ObjectClassDefinition(name = "utrace Linux machine", description = "Real processes traced through ptrace")
    public @interface Config {
        @AttributeDefinition(name = "End spawned programs on close", required = false,
                description = "Kill the programs this machine starts from now on when it stops, or when this JVM dies"
                        + " (else they run on, untraced)")
        boolean end_spawned_on_close() default false;
    }

    private final Tracer tracer;
    private final TracerSide side = new TracerSide(this);
    private final LinuxSlots slots = new LinuxSlots(this);
    private final Map<Integer, LinuxTask> tasks = new ConcurrentHashMap<>();
    private final Map<Integer, LinuxProcess> processes = new ConcurrentHashMap<>();
    private final Ended ended = new Ended();
    private volatile boolean endSpawnedOnClose;
    private final int jvmPid = (int) ProcessHandle.current().pid();
    private volatile TraceHooks hooks;
    private volatile boolean closing;
    /** Hooks run on the tracer thread (the default), or each task's on a thread of its own ({@code -Dutrace.linux.hooks=threads}). */
    private final boolean hooksOnTracer = hooksOnTracerConfigured();
    /** Tells of callbacks that hold the tracer thread (hooks on the tracer thread only). */
    private final StallWatch stallWatch = hooksOnTracer ? new StallWatch() : null;

    /** For Declarative Services: no core until one is bound. */
    @Activate
    public LinuxMachine(Config config) {
        this(TraceHooks.NONE, config.end_spawned_on_close());
    }

    /** A machine whose tasks report to {@code hooks}; spawned programs run on when it closes. */
    public LinuxMachine(TraceHooks hooks) {
        this(hooks, false);
    }

    /**
     * A machine whose tasks report to {@code hooks}.
     *
     * @throws IllegalStateException if this JVM cannot use ptrace (the message says why)
     */
    public LinuxMachine(TraceHooks hooks, boolean endSpawnedOnClose) {
        this(hooks, endSpawnedOnClose, -1);
    }

    /** As {@link #LinuxMachine(TraceHooks, boolean)}, the tracer thread pinned to {@code cpu} (-1: not), for measurements. */
    LinuxMachine(TraceHooks hooks, boolean endSpawnedOnClose, int cpu) {
        this.hooks = Objects.requireNonNull(hooks, "hooks (use TraceHooks.NONE for a machine without a utrace core)");
        this.endSpawnedOnClose = endSpawnedOnClose;
        Prewarm.begin(); // while the tracer thread waits for the link, the first uses it makes after it
        try {
            this.tracer = Tracer.start(new Tracer.Options("utrace-linux", cpu, Duration.ofSeconds(10)));
        } catch (LinuxException e) {
            if (stallWatch != null) stallWatch.close();
            throw new IllegalStateException("real processes cannot be traced here: " + e.getMessage(), e);
        }
    }

    /** A new configuration: programs spawned from now on are killed at close, or not. */
    @Modified
    void modified(Config config) {
        endSpawnedOnClose = config.end_spawned_on_close();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindHooks(TraceHooks h) {
        hooks = h;
    }

    void unbindHooks(TraceHooks h) {
        if (hooks == h) hooks = TraceHooks.NONE;
    }

    /** Replaces the hooks tasks report to (for tests and embedders without OSGi). */
    public void setHooks(TraceHooks h) {
        hooks = Objects.requireNonNull(h, "hooks (use TraceHooks.NONE for none)");
    }

    TraceHooks hooks() {
        return hooks;
    }

    StallWatch stallWatch() {
        return stallWatch;
    }

    /** Whether tasks' hooks run on the tracer thread, where a utrace stop holds the tracee without parking a thread. */
    boolean hooksOnTracer() {
        return hooksOnTracer;
    }

    private static boolean hooksOnTracerConfigured() {
        String v = System.getProperty("utrace.linux.hooks", "tracer");
        if (v.equals("threads")) return false;
        if (!v.equals("tracer")) {
            LOG.log(Level.WARNING, "utrace.linux.hooks={0} is not known; use tracer (the default) or threads; running hooks on the"
                    + " tracer thread", v);
        }
        return true;
    }

    /**
     * Lets every tracee go and ends the tracer thread. Hook threads held in a utrace stop are
     * released (the task looks killed to the core, which then reports nothing more of it).
     * Idempotent.
     */
    @Deactivate
    @Override
    public void close() {
        if (closing) return;
        closing = true;
        for (LinuxTask t : tasks.values()) {
            t.cloneReported.complete(null); // a parent no longer reports its clone: the child's hook thread must not wait for it
            killed(t);
        }
        tracer.close();
        if (stallWatch != null) stallWatch.close();
        // The tracer thread has ended: what it did not end is let go here.
        for (LinuxTask t : tasks.values()) {
            StopRecord letGo = StopRecord.end(StopRecord.End.LET_GO, 0);
            if (!hooksOnTracer) {
                t.runner.post(letGo);
                continue;
            }
            if (t.runner.holding()) t.runner.wokenFromHeld();
            t.runner.ended(letGo);
        }
    }

    boolean lettingGo() {
        return closing;
    }

    // ---- Machine ----

    @Override
    public String name() {
        return "linux";
    }

    @Override
    public TracedTask findTask(int tid) {
        LinuxTask t = tasks.get(tid);
        return t == null || t.rawState() == TaskState.DEAD ? null : t;
    }

    @Override
    public boolean canSingleStep() {
        return true;
    }

    @Override
    public boolean canBlockStep() {
        return false;
    }

    // ---- Processes ----

    @Override
    public String machine() {
        return name();
    }

    /**
     * Starts a program traced from its first instruction: a path, or a name looked up on PATH
     * (the request's environment's, else this JVM's). Its standard output and error are kept for
     * {@link #console}.
     */
    @Override
    public int spawn(SpawnRequest request) {
        checkOpen();
        notInCallback("starting " + request.program());
        SpawnSpec spec;
        try {
            spec = new SpawnSpec(request.program(), request.args(), null, null, request.workingDirectory(), endSpawnedOnClose, null);
            if (!request.syscalls().isAll()) spec = spec.withSyscalls(request.syscalls().union(OWN_SYSCALLS));
            if (request.environment() != null) spec = spec.withEnv(request.environment());
        } catch (IllegalArgumentException e) {
            throw new ProcessException("cannot run " + request.program() + ": " + e.getMessage());
        }
        CompletableFuture<Void> known = new CompletableFuture<>();
        Spawned s = request(tracer.spawn(spec, side.forSpawn(request.stopped(), known)), "starting " + request.program());
        int pid = s.pid();
        request(known, "taking " + request.program() + " on"); // its task exists (the tracer thread makes it next)
        if (request.stopped()) awaitStopped(pid);
        return pid;
    }

    /**
     * A program spawned held: returns once its job-control stop is in force (or it ended). The
     * stop comes within a few hundred microseconds of the task's making, and nothing signals it:
     * polled with the API's {@link Backoff} (spins, then yields, then sleeps in growing steps),
     * not a 1 ms sleep, which made every held spawn wait at least a millisecond more.
     */
    private void awaitStopped(int pid) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REQUEST_SECONDS);
        Backoff backoff = new Backoff();
        while (System.nanoTime() < deadline) {
            LinuxTask t = tasks.get(pid);
            if (t == null && ended.get(pid) != null) return;
            if (t != null && (t.inJobctlStop || t.rawState().hasExited())) return;
            if (Thread.currentThread().isInterrupted()) return;
            backoff.pause();
        }
        throw new ProcessException("process " + pid + " did not reach its start stop within " + REQUEST_SECONDS + " s");
    }

    @Override
    public TaskInfo adopt(int pid) {
        checkOpen();
        notInCallback("adopting process " + pid);
        LinuxTask known = tasks.get(pid);
        if (known != null && known.tid() == known.tgid()) return info(pid);
        if (known != null) {
            throw new ProcessException("pid " + pid + " is a thread of process " + known.tgid() + "; name the process");
        }
        request(tracer.attach(pid, side), "adopting process " + pid);
        LinuxTask t = tasks.get(pid);
        if (t == null || t.rawState().hasExited()) {
            throw new ProcessException("process " + pid + " ended while it was being adopted; there is nothing to trace");
        }
        return info(pid);
    }

    @Override
    public List<TaskInfo> tasks() {
        List<TaskInfo> out = new ArrayList<>();
        for (LinuxTask t : tasks.values()) {
            if (t.rawState() != TaskState.DEAD) out.add(info(t));
        }
        out.sort(Comparator.comparingInt(TaskInfo::tid));
        return out;
    }

    @Override
    public TaskInfo info(int tid) {
        return info(live(tid));
    }

    private TaskInfo info(LinuxTask t) {
        ProcInfo.Status s = ProcInfo.status(t.tgid());
        TaskState state = t.state();
        if (state == TaskState.RUNNING) {
            ProcInfo.Status own = ProcInfo.status(t.tid());
            if (own != null && (own.state() == 'S' || own.state() == 'D' || own.state() == 'I')) state = TaskState.SLEEPING;
        }
        return new TaskInfo(t.tid(), t.tgid(), s == null ? 0 : s.ppid(), t.comm(), state, t.process.liveThreads());
    }

    private LinuxTask live(int tid) {
        LinuxTask t = tasks.get(tid);
        if (t == null || t.rawState() == TaskState.DEAD) {
            throw new ProcessException("no task with pid " + tid + " on this machine; tasks() lists the live ones"
                    + " (adopt a running process first)");
        }
        return t;
    }

    @Override
    public void kill(int pid, int signal) {
        LinuxTask t = target(pid, signal);
        if (dev.utrace.linux.internal.sys.Signals.kill(callState(), t.tgid(), signal) != 0) throw vanished(pid);
        if (signal == Signals.SIGKILL) killedGroup(t.process);
    }

    @Override
    public void killThread(int tid, int signal) {
        LinuxTask t = target(tid, signal);
        if (dev.utrace.linux.internal.sys.Signals.tgkill(callState(), t.tgid(), t.tid(), signal) != 0) throw vanished(tid);
        if (signal == Signals.SIGKILL) killedGroup(t.process);
    }

    private LinuxTask target(int pid, int signal) {
        if (!Signals.valid(signal)) {
            throw new ProcessException("bad signal number " + signal + "; use 1.." + Signals.NSIG + " (SIGKILL is 9, SIGTERM 15)");
        }
        LinuxTask t = live(pid);
        if (t.rawState().hasExited()) throw new ProcessException("pid " + pid + " has exited; it takes no signals");
        return t;
    }

    private static ProcessException vanished(int pid) {
        return new ProcessException("process " + pid + " ended while the signal was sent");
    }

    private static MemorySegment callState() {
        return Libc.newCallState(Arena.ofAuto());
    }

    @Override
    public Optional<WaitStatus> waitExit(int pid, Duration timeout) throws InterruptedException {
        long nanos = Objects.requireNonNull(timeout, "timeout").toNanos();
        long deadline = System.nanoTime() + nanos;
        while (true) {
            Ended.Exit e = ended.get(pid);
            if (e != null) return Optional.of(new WaitStatus(e.status()));
            LinuxTask t = tasks.get(pid);
            if (t == null) {
                e = ended.get(pid);
                if (e != null) return Optional.of(new WaitStatus(e.status()));
                // With hook threads the leader may be reaped before the last of its threads ends the process.
                if (processes.get(pid) == null) {
                    throw new ProcessException("no process with pid " + pid + " is alive or recently ended on this machine");
                }
            } else if (t.tid() != t.tgid()) {
                throw new ProcessException("pid " + pid + " is a thread of process " + t.tgid() + "; wait for " + t.tgid());
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) return Optional.empty();
            ended.await(left);
        }
    }

    /**
     * Lets the pipes of a process that has ended reach end of file, so its console shows all it
     * wrote (the last bytes may still be on their way when its exit is known); bounded, since a
     * child it left running may hold the pipes open.
     */
    private static void drained(Output o) {
        try {
            o.closed().get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException stillOpen) {
            // a child holds the pipes: show what came so far
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String console(int pid) {
        LinuxTask t = tasks.get(pid);
        Output o;
        if (t != null) {
            o = t.process.console;
        } else {
            Ended.Exit e = ended.get(pid);
            if (e == null) throw new ProcessException("no process with pid " + pid + " is alive or recently ended on this machine");
            o = e.console();
            if (o != null) drained(o);
        }
        if (o == null) {
            throw new ProcessException("process " + pid + " was adopted, not started here: what it writes goes where it"
                    + " went before (its terminal or files); only programs started with spawn have a console");
        }
        String err = o.stderr();
        return o.stdout() + err;
    }

    @Override
    public List<ProgramInfo> programs() {
        return List.of(); // any executable file, by path or on PATH
    }

    @Override
    public String syscallName(int number) {
        return SyscallNames.name(number);
    }

    /**
     * {@link SyscallStops.Mode#FILTERED} for a thread of a program spawned with syscalls
     * ({@link SpawnRequest#syscalls()}) whose engines want none outside its filter;
     * {@link SyscallStops.Mode#EVERY_BEYOND_FILTER} when they do; EVERY without a filter. The
     * filter shown has the syscalls asked for and those the machine stops at for itself.
     */
    @Override
    public SyscallStops syscallStops(int tid) {
        LinuxTask t = live(tid);
        Callable<SyscallStops> ask = () -> {
            dev.utrace.linux.internal.trace.Tracee tr = t.tracee;
            if (tr == null) throw new ProcessException("task " + tid + " has ended (or was let go); it stops nowhere any more");
            SyscallSet filter = tr.filter();
            if (filter == null) return SyscallStops.EVERY;
            return new SyscallStops(tr.stopsAtEverySyscall() ? SyscallStops.Mode.EVERY_BEYOND_FILTER
                    : SyscallStops.Mode.FILTERED, filter);
        };
        if (onTracerThread()) {
            try {
                return ask.call();
            } catch (ProcessException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return request(tracer.submit(ask), "asking where task " + tid + " stops");
    }

    /** The ptrace stops of every tracee so far (the tracer's count), for tests and measurements. */
    long stops() {
        return request(tracer.stats(), "counting stops").stops();
    }

    /** The core says what {@code t}'s engines want now: the tracee stops accordingly, on the tracer thread. */
    void syscallsWanted(LinuxTask t) {
        if (onTracerThread()) {
            t.applyWantedSyscalls();
        } else {
            onTracer(() -> t.applyWantedSyscalls());
        }
    }

    // ---- ProcessControl ----

    @Override
    public int parentPid(Task task) {
        LinuxTask t = own(task);
        ProcInfo.Status s = ProcInfo.status(t.tgid());
        return s == null ? 0 : s.ppid();
    }

    @Override
    public int threadCount(Task task) {
        return own(task).process.unreleased();
    }

    @Override
    public boolean signal(Task task, int signo) {
        if (!Signals.valid(signo)) throw new IllegalArgumentException("bad signal number " + signo + "; use 1.." + Signals.NSIG);
        LinuxTask t = own(task);
        if (t.rawState().hasExited()) return false;
        SignalState.Raised expected = null;
        if (signo != Signals.SIGKILL) {
            // From the kernel, not from this JVM: its siginfo is set to SI_KERNEL when it is dequeued.
            expected = new SignalState.Raised(signo, new dev.utrace.api.task.SignalInfo(signo, Signals.SI_KERNEL), null);
            t.signals.expect(expected);
        }
        if (dev.utrace.linux.internal.sys.Signals.tgkill(callState(), t.tgid(), t.tid(), signo) != 0) {
            if (expected != null) t.signals.forget(expected);
            return false;
        }
        if (signo == Signals.SIGKILL) killedGroup(t.process);
        return true;
    }

    @Override
    public SigAction disposition(Task task, int signo) {
        if (!Signals.valid(signo)) throw new IllegalArgumentException("bad signal number " + signo + "; use 1.." + Signals.NSIG);
        return disposition(own(task), signo);
    }

    SigAction disposition(LinuxTask t, int signo) {
        ProcInfo.Status s = ProcInfo.status(t.tid());
        if (s == null) return new SigAction();
        long bit = Signals.bit(signo);
        if ((s.ignored() & bit) != 0) return new SigAction(SigAction.SIG_IGN, 0, 0);
        if ((s.caught() & bit) != 0) return new SigAction(UNKNOWN_HANDLER, 0, 0);
        return new SigAction();
    }

    @Override
    public boolean isBlocked(Task task, int signo) {
        ProcInfo.Status s = ProcInfo.status(own(task).tid());
        return s != null && (s.blocked() & Signals.bit(signo)) != 0;
    }

    @Override
    public int groupStopSignal(Task task) {
        return own(task).process.groupStopSignal();
    }

    @Override
    public boolean inGroupStop(Task task) {
        return own(task).inJobctlStop;
    }

    @Override
    public void leaveGroupStop(Task task) {
        LinuxTask t = own(task);
        synchronized (t.lock) {
            if (!t.inJobctlStop) return;
            t.runner.leaveGroupStopAsked = true;
            if (t.phase == LinuxTask.Phase.LISTENING) interrupt(t); // it traps again, and its hooks let it run
        }
    }

    @Override
    public TraceLink link(Task task) {
        LinuxTask t = own(task);
        synchronized (t.lock) {
            if (t.link != null || t.rawState().hasExited()) return null;
            Link l = new Link(t);
            t.link = l;
            return l;
        }
    }

    // ---- DebugSlots ----

    @Override
    public DebugSlots debugSlots() {
        return slots;
    }

    // ---- for the tracer side and the task runners ----

    LinuxTask own(Task task) {
        Objects.requireNonNull(task, "task");
        if (task instanceof LinuxTask t && t.machine == this) return t;
        throw new IllegalArgumentException("task " + task + " does not belong to this machine");
    }

    LinuxProcess process(int pid) {
        return processes.get(pid);
    }

    LinuxProcess newProcess(int pid, Output console, boolean spawned) {
        LinuxProcess p = new LinuxProcess(pid, console, spawned);
        processes.put(pid, p);
        return p;
    }

    LinuxTask newTask(LinuxProcess p, int tid, boolean cloneChild) {
        LinuxTask t = new LinuxTask(this, p, tid, cloneChild);
        p.add(t);
        tasks.put(tid, t);
        return t;
    }

    LinuxTask task(int tid) {
        return tasks.get(tid);
    }

    /** The exec of a non-leader: {@code t} takes {@code leaderTid}; the old leader answers to {@code formerTid} until reaped. */
    void retid(LinuxTask t, int leaderTid, LinuxTask oldLeader, int formerTid) {
        t.setTid(leaderTid);
        tasks.put(leaderTid, t);
        if (oldLeader != null && oldLeader != t) {
            oldLeader.setTid(formerTid);
            tasks.put(formerTid, oldLeader);
        } else {
            tasks.remove(formerTid, t);
        }
    }

    /** SIGKILL is pending for {@code t} (it left a stop we held, or we sent it): the core wakes it from a utrace stop. */
    void killed(LinuxTask t) {
        t.fatal = true;
        hooks.fatalSignal(t);
        if (hooksOnTracer && !closing) released(t); // a hook holding it is called again: SIGKILL is never held
    }

    private void killedGroup(LinuxProcess p) {
        for (LinuxTask q : p.threads()) {
            if (!q.rawState().hasExited()) killed(q);
        }
    }

    /** Queues {@code command} on the tracer thread; nothing happens once the tracer has ended. */
    private void onTracer(Runnable command) {
        tracer.execute(command);
    }

    /** The core let {@code t} go from a utrace stop: a held hook goes on, on the tracer thread. */
    void released(LinuxTask t) {
        onTracer(() -> side.released(t));
    }

    /**
     * Fetches the registers of stop {@code r} of {@code t}: on the tracer thread at once, from
     * another thread (while an engine holds the task) through it.
     */
    void loadRegisters(LinuxTask t, StopRecord r) {
        if (r.loaded) return;
        if (onTracerThread()) {
            side.load(t, r);
            return;
        }
        try {
            request(tracer.submit(() -> {
                side.load(t, r);
                return null;
            }), "reading the registers of " + t);
        } catch (ProcessException e) {
            throw new IllegalStateException("the registers of " + t + " cannot be read now: " + e.getMessage(), e);
        }
    }

    /** Whether the caller is the tracer thread, which runs the hooks (and so engines' callbacks) by default. */
    boolean onTracerThread() {
        return tracer.onTracerThread();
    }

    void answer(LinuxTask t, StopRecord r, Answer a) {
        if (closing) return; // a tracee being let go is detached from the stop it is in, as it was
        onTracer(() -> side.answer(t, r, a));
    }

    void interrupt(LinuxTask t) {
        onTracer(() -> side.interrupt(t));
    }

    void applyDebugRegisters(LinuxTask t) {
        onTracer(() -> side.applyDebug(t, true));
    }

    /** On the tracer thread: the slots of {@code t} written now if it is held, else before it runs again. */
    void applyDebugRegistersNow(LinuxTask t) {
        side.applyDebug(t, true);
    }

    void applyDebugRegistersLater(LinuxTask t) {
        onTracer(() -> side.applyDebug(t, false));
    }

    /** Raises {@code signo} on thread {@code t} with tgkill (the caller has said what it expects of it). */
    void raise(LinuxTask t, int signo) {
        MemorySegment cs = callState();
        if (dev.utrace.linux.internal.sys.Signals.tgkill(cs, t.tgid(), t.tid(), signo) != 0) {
            LOG.log(Level.DEBUG, "could not raise signal {0} on {1}: {2}", signo, t, Errno.describe(Libc.errno(cs)));
        }
    }

    int jvmPid() {
        return jvmPid;
    }

    /** {@code length} bytes at {@code address} of {@code t}'s memory, little-endian; 0 if unmapped. */
    long peekValue(LinuxTask t, long address, int length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(8, 8);
            new ProcessMemory(arena).read(t.tid(), address, buf.asSlice(0, length));
            long v = buf.get(ValueLayout.JAVA_LONG, 0);
            return length == 8 ? v : v & ((1L << (8 * length)) - 1);
        } catch (LinuxException e) {
            return 0;
        }
    }

    /** The longest C string {@link #peekString} reads, and the page size its reads stop at. */
    private static final int PEEK_MAX = 4096;
    private static final long PAGE = 4096;

    /**
     * The C string at {@code address} of {@code t}'s memory (at most 4 KiB), or null. Read a page
     * at a time, up to its NUL: one 4 KiB read from a string near the end of its mapping (a path
     * in a small program's data, execve's arguments at the top of the stack) would cross into
     * unmapped memory, and a short read falls back to opening /proc/TID/mem for the rest (measured
     * at every exec of the fork+exec storm).
     */
    String peekString(LinuxTask t, long address) {
        if (address == 0) return null;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(PEEK_MAX);
            ProcessMemory memory = new ProcessMemory(arena);
            int have = 0;
            while (have < PEEK_MAX) {
                long at = address + have;
                int chunk = (int) Math.min(PEEK_MAX - have, PAGE - (at & (PAGE - 1)));
                long n;
                try {
                    n = memory.read(t.tid(), at, buf.asSlice(have, chunk));
                } catch (LinuxException e) {
                    if (have == 0) return null;
                    break; // the string runs into unmapped memory: what was read
                }
                for (int i = have; i < have + n; i++) {
                    if (buf.get(ValueLayout.JAVA_BYTE, i) == 0) return text(buf, i);
                }
                have += (int) n;
                if (n < chunk) break;
            }
            return text(buf, have);
        }
    }

    private static String text(MemorySegment buf, int length) {
        return new String(buf.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** The old leader of a non-leader's exec: released whatever links it has (de_thread), on the exec'ing thread. */
    void releaseAfterExec(LinuxTask old) {
        synchronized (old.lock) {
            old.link = null;
            old.deathDone = true;
            old.setState(TaskState.DEAD);
        }
        release(old);
    }

    /** {@code release_task}: the REAP report on the calling thread, then the task is gone from the machine. */
    void release(LinuxTask t) {
        try {
            hooks.releaseTask(t);
        } finally {
            forget(t);
        }
    }

    /** Drops {@code t} from the machine's tables (reaped, or let go). */
    void forget(LinuxTask t) {
        tasks.remove(t.tid(), t);
        t.process.remove(t);
        if (t.process.unreleased() == 0) processes.remove(t.process.pid, t.process);
    }

    void processEnded(LinuxProcess p, int status) {
        ended.add(p.pid, status, p.console);
    }

    private void checkOpen() {
        if (closing) throw new ProcessException("the Linux machine is shut down; start a new one");
    }

    /** Refuses what the tracer thread would have to do while the caller, on it, waits (an engine's callback). */
    private void notInCallback(String what) {
        if (onTracerThread()) {
            throw new ProcessException(what + " cannot be done in an engine's callback: on the Linux machine callbacks run on"
                    + " the tracer thread, which would have to do it; do it from another thread");
        }
    }

    /** The future's value; its refusal as a {@link ProcessException} that says why. */
    private static <T> T request(CompletableFuture<T> f, String what) {
        try {
            return f.get(REQUEST_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof ProcessException pe) throw pe;
            if (c instanceof LinuxException le) throw new ProcessException(le.getMessage(), le);
            throw new ProcessException(what + " failed: " + c, c);
        } catch (TimeoutException e) {
            throw new ProcessException(what + " did not finish within " + REQUEST_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProcessException(what + " was interrupted");
        }
    }

    /** The ptrace stops the tracer thread has handled so far, every tracee's. */
    long tracerStops() {
        return request(tracer.stats(), "counting the tracer's stops").stops();
    }

    @Override
    public String toString() {
        return "Linux machine (" + tasks.size() + " tasks)";
    }
}
