package dev.utrace.sim.internal;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.hw.SlotInfo;
import dev.utrace.api.hw.WatchHit;
import dev.utrace.api.hw.Watchpoint;
import dev.utrace.api.proc.ProcessControl;
import dev.utrace.api.proc.Processes;
import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.api.proc.TraceLink;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.SyscallNames;
import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.ProgramInfo;
import dev.utrace.api.proc.ProcessException;
import dev.utrace.api.proc.TaskInfo;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.spi.DebugSlotsBy;
import dev.utrace.spi.Machine;
import dev.utrace.spi.TraceHooks;
import dev.utrace.spi.TracedTask;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
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
 * The simulated machine as a service: the {@link Machine} SPI for the utrace core, the
 * machine-neutral {@link Processes} service for people and bundles, and {@link ProcessControl}
 * and {@link DebugSlots} for debugger engines. Under OSGi, Declarative Services creates
 * it and binds the core's {@link TraceHooks} when there is one; without OSGi, construct it with
 * the hooks to use ({@link TraceHooks#NONE} for none) and {@link #close()} it when done.
 */
// Immediate: the machine and its tasks live as long as the bundle, not only while some bundle
// uses the service (a delayed component would be deactivated, killing every task, when its
// last user let go).
@Component(service = {Machine.class, Processes.class, ProcessControl.class, DebugSlots.class}, immediate = true,
        property = "service.description=Simulated Linux kernel: runs small programs as traceable tasks")
@Designate(ocd = SimKernel.Config.class)
public final class SimKernel implements Machine, Processes, ProcessControl, DebugSlotsBy, AutoCloseable {

    /** Configuration (PID {@code dev.utrace.sim.internal.SimKernel}). */
    @ObjectClassDefinition(name = "utrace simulated machine",
            description = "The embedded default machine that runs programs as tasks")
    public @interface Config {
        @AttributeDefinition(name = "Programs folder", required = false,
                description = "A folder of NAME.prog files users can spawn and exec, searched before the library;"
                        + " empty for none")
        String programs_folder() default "";
    }

    private final Kernel kernel;

    /** For Declarative Services: no core until one is bound. */
    @Activate
    public SimKernel(Config config) {
        this(TraceHooks.NONE, folder(config.programs_folder()));
    }

    /** A machine whose tasks report to {@code hooks} and that runs library programs only. */
    public SimKernel(TraceHooks hooks) {
        this(hooks, null);
    }

    /**
     * A machine whose tasks report to {@code hooks}, with user programs in {@code programsFolder}
     * (null for none).
     */
    public SimKernel(TraceHooks hooks, Path programsFolder) {
        Objects.requireNonNull(hooks, "hooks (use TraceHooks.NONE for a machine without a utrace core)");
        kernel = new Kernel(hooks, new ProgramLibrary(programsFolder));
    }

    private static Path folder(String s) {
        return s == null || s.isBlank() ? null : Path.of(s.strip());
    }

    @Modified
    void modified(Config config) {
        kernel.library.setFolder(folder(config.programs_folder()));
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindHooks(TraceHooks hooks) {
        kernel.setHooks(hooks);
    }

    void unbindHooks(TraceHooks hooks) {
        kernel.unsetHooks(hooks);
    }

    /**
     * Chooses the stop model (for tests): with {@code true} the machine holds utrace stops itself
     * and the core's hooks never park a task's thread (the model of a machine whose tracer
     * thread runs many tasks' hooks); with {@code false}, the default, the core parks it.
     */
    public void setStopsHeldByMachine(boolean held) {
        kernel.holdsStops = held;
    }

    /** Replaces the hooks tasks report to (for tests and embedders without OSGi). */
    public void setHooks(TraceHooks hooks) {
        kernel.setHooks(Objects.requireNonNull(hooks, "hooks (use TraceHooks.NONE for none)"));
    }

    /** Kills every task and stops the machine; spawning fails afterwards. */
    @Deactivate
    @Override
    public void close() {
        kernel.shutdown();
    }

    Kernel kernel() {
        return kernel;
    }

    // ---- Machine ----

    @Override
    public String name() {
        return "kernel-sim";
    }

    @Override
    public TracedTask findTask(int tid) {
        return kernel.find(tid);
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
     * Starts a library or programs-folder program. Its arguments are numbers (decimal or 0x-hex,
     * 64 bits) passed in rdi, rsi, rdx, r10, r8, r9; a simulated process has no environment or
     * working directory, so a request that names one is refused.
     */
    @Override
    public int spawn(SpawnRequest request) {
        if (request.environment() != null || request.workingDirectory() != null) {
            throw new ProcessException("the simulated machine runs programs without an environment or working"
                    + " directory; leave them out (bin/run --machine linux runs real programs)");
        }
        return spawn(request.program(), request.args(), request.stopped());
    }

    /** {@link #spawn(SpawnRequest)} of a program running at once; for tests and embedders. */
    public int spawn(String program, List<String> args) {
        return spawn(program, args, false);
    }

    /** {@link #spawn(SpawnRequest)}, held before its first instruction if {@code stopped}; for tests and embedders. */
    public int spawn(String program, List<String> args, boolean stopped) {
        Objects.requireNonNull(args, "args (use List.of() for none)");
        if (args.size() > 6) throw new ProcessException("too many arguments (" + args.size() + "); a program takes at most 6");
        for (String a : args) {
            if (a == null || !a.strip().matches("-?[0-9]+|0x[0-9a-fA-F]+")) {
                throw new ProcessException("argument '" + a + "' is not a number; programs take decimal or 0x-hex numbers");
            }
            if (!ExecPath.fits64(a)) {
                throw new ProcessException("argument '" + a.strip() + "' does not fit in 64 bits; use -9223372036854775808"
                        + " to 18446744073709551615 (0xffffffffffffffff)");
            }
        }
        Program prog = program(program);
        int pid = kernel.spawn(prog, args, stopped);
        if (pid < 0) throw new ProcessException("the machine is shut down; start a new one to spawn tasks");
        if (stopped) awaitJobControlStop(pid);
        return pid;
    }

    /**
     * A program started stopped is handed over in its job-control stop, as Linux's is (the
     * program takes its SIGSTOP on its own thread, before its first instruction): a request
     * made right after spawn (a ptrace attach, a state query) finds it stopped. An engine that
     * found it by lookup may hold it on the way (then it is stopped too: TRACED); a kill or the
     * machine's shutdown ends the wait too, and it is bounded whatever happens.
     */
    private void awaitJobControlStop(int pid) {
        SimTask t = kernel.find(pid);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (t != null && !(t.inJobctlStop && t.rawState() == TaskState.STOPPED) && !t.rawState().hasExited()
                && t.state() != TaskState.TRACED && System.nanoTime() < deadline) {
            LockSupport.parkNanos(20_000);
            if (kernel.find(pid) != t) return; // reaped meanwhile
        }
    }

    private Program program(String name) {
        if (!ProgramLibrary.validName(name)) {
            throw new ProcessException("bad program name '" + name + "'; use letters, digits, '_', '.' and '-', e.g. hello");
        }
        try {
            Program p = kernel.library.find(name);
            if (p != null) return p;
        } catch (ProgramSyntaxException e) {
            throw new ProcessException("program '" + name + "' does not load: " + e.getMessage(), e);
        }
        StringBuilder known = new StringBuilder();
        for (ProgramInfo i : kernel.library.list()) known.append(known.isEmpty() ? "" : ", ").append(i.name());
        throw new ProcessException("no program named '" + name + "'; known programs: " + known);
    }

    @Override
    public void kill(int pid, int signal) {
        SimTask t = target(pid, signal);
        kernel.signals.kill(null, t.tid(), signal);
    }

    @Override
    public void killThread(int tid, int signal) {
        SimTask t = target(tid, signal);
        kernel.signals.tgkill(null, -1, t.tid(), signal);
    }

    private SimTask target(int pid, int signal) {
        if (!Signals.valid(signal)) {
            throw new ProcessException("bad signal number " + signal + "; use 1.." + Signals.NSIG + " (SIGKILL is 9, SIGTERM 15)");
        }
        SimTask t = live(pid);
        if (t.kernelThread) throw new ProcessException("pid " + pid + " is init, which takes no signals");
        return t;
    }

    private SimTask live(int tid) {
        SimTask t = kernel.find(tid);
        if (t == null) throw new ProcessException("no task with pid " + tid + "; tasks() lists the live ones");
        return t;
    }

    @Override
    public List<TaskInfo> tasks() {
        List<TaskInfo> out = new ArrayList<>();
        kernel.lock.lock();
        try {
            for (SimTask t : kernel.tasks()) out.add(info(t));
        } finally {
            kernel.lock.unlock();
        }
        out.sort(Comparator.comparingInt(TaskInfo::tid));
        return out;
    }

    @Override
    public TaskInfo info(int tid) {
        SimTask t = live(tid);
        kernel.lock.lock();
        try {
            return info(t);
        } finally {
            kernel.lock.unlock();
        }
    }

    private static TaskInfo info(SimTask t) {
        Proc p = t.proc;
        return new TaskInfo(t.tid(), t.tgid(), p.parent == null ? 0 : p.parent.tgid, p.comm, t.state(), p.live);
    }

    @Override
    public Optional<WaitStatus> waitExit(int pid, Duration timeout) throws InterruptedException {
        long nanos = ExitRecords.toNanos(Objects.requireNonNull(timeout, "timeout"));
        while (true) {
            long seen = kernel.records.version();
            ExitRecords.Exit e = kernel.records.get(pid);
            if (e != null) return Optional.of(new WaitStatus((int) e.status()));
            SimTask t = kernel.find(pid);
            if (t == null) {
                syncWithReaper();
                e = kernel.records.get(pid);
                if (e != null) return Optional.of(new WaitStatus((int) e.status()));
                throw new ProcessException("no process with pid " + pid + " is alive or recently ended");
            }
            if (t.tid() != t.tgid()) {
                throw new ProcessException("pid " + pid + " is a thread of process " + t.tgid() + "; wait for " + t.tgid());
            }
            if (nanos <= 0) return Optional.empty();
            nanos = kernel.records.awaitChange(seen, nanos);
        }
    }

    @Override
    public String console(int pid) {
        SimTask t = kernel.find(pid);
        if (t != null && t.rawState() != TaskState.DEAD) return t.proc.consoleText();
        syncWithReaper();
        ExitRecords.Exit e = kernel.records.get(pid);
        if (e != null) return e.console();
        if (t != null) return t.proc.consoleText();
        throw new ProcessException("no process with pid " + pid + " is alive or recently ended");
    }

    /**
     * A reaper unhashes a process and records its exit in one critical section of the kernel
     * lock; taking the lock once after seeing the pid gone makes that record visible.
     */
    private void syncWithReaper() {
        kernel.lock.lock();
        kernel.lock.unlock();
    }

    @Override
    public List<ProgramInfo> programs() {
        return kernel.library.list();
    }

    /** Every simulated process is already the machine's: adopting one only checks it is there. */
    @Override
    public TaskInfo adopt(int pid) {
        TaskInfo i = info(pid);
        if (i.tid() != i.tgid()) {
            throw new ProcessException("pid " + pid + " is a thread of process " + i.tgid() + "; name the process");
        }
        if (i.state().hasExited()) throw new ProcessException("pid " + pid + " has exited; it cannot be traced");
        return i;
    }

    @Override
    public String syscallName(int number) {
        return SyscallNames.name(number);
    }

    // ---- ProcessControl ----

    @Override
    public int parentPid(Task task) {
        Proc p = sim(task).proc;
        kernel.lock.lock();
        try {
            return p.parent == null ? 0 : p.parent.tgid;
        } finally {
            kernel.lock.unlock();
        }
    }

    @Override
    public int threadCount(Task task) {
        Proc p = sim(task).proc;
        kernel.lock.lock();
        try {
            return p.threads;
        } finally {
            kernel.lock.unlock();
        }
    }

    @Override
    public boolean signal(Task task, int signo) {
        if (!Signals.valid(signo)) throw new IllegalArgumentException("bad signal number " + signo + "; use 1.." + Signals.NSIG);
        SimTask t = sim(task);
        if (t.rawState().hasExited()) return false;
        return kernel.signals.send(t, new SignalInfo(signo, Signals.SI_KERNEL), false) == 0;
    }

    @Override
    public SigAction disposition(Task task, int signo) {
        if (!Signals.valid(signo)) throw new IllegalArgumentException("bad signal number " + signo + "; use 1.." + Signals.NSIG);
        return kernel.signals.disposition(sim(task), signo);
    }

    @Override
    public boolean isBlocked(Task task, int signo) {
        SimTask t = sim(task);
        kernel.lock.lock();
        try {
            return (t.blocked & Signals.bit(signo)) != 0;
        } finally {
            kernel.lock.unlock();
        }
    }

    @Override
    public int groupStopSignal(Task task) {
        SimTask t = sim(task);
        kernel.lock.lock();
        try {
            return t.proc.groupStopSignal;
        } finally {
            kernel.lock.unlock();
        }
    }

    @Override
    public boolean inGroupStop(Task task) {
        return sim(task).inJobctlStop;
    }

    @Override
    public void leaveGroupStop(Task task) {
        SimTask t = sim(task);
        kernel.lock.lock();
        try {
            if (!t.inJobctlStop) return;
            t.inJobctlStop = false;
        } finally {
            kernel.lock.unlock();
        }
        t.wake();
    }

    @Override
    public TraceLink link(Task task) {
        return kernel.links.link(sim(task));
    }

    private SimTask sim(Task task) {
        if (task instanceof SimTask t && t.kernel == kernel) return t;
        throw new IllegalArgumentException("task " + task + " does not belong to this machine");
    }

    // ---- DebugSlots ----

    private final HwSlots debugSlots = new HwSlots(this);

    @Override
    public DebugSlots debugSlots() {
        return debugSlots;
    }
}
