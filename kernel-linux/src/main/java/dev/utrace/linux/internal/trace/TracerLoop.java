package dev.utrace.linux.internal.trace;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.utrace.api.spin.HandOffSpin;
import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.Libc;
import dev.utrace.linux.internal.sys.LinuxException;
import dev.utrace.linux.internal.sys.ProcessMemory;
import dev.utrace.linux.internal.sys.Ptrace;
import dev.utrace.linux.internal.sys.Signals;
import dev.utrace.linux.internal.sys.SyscallInfo;
import dev.utrace.linux.internal.sys.UserRegs;
import dev.utrace.linux.internal.sys.Wait;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The tracer thread: it owns every ptrace attachment, runs the commands other threads submit,
 * and turns each wait status into a listener call and a restart.
 *
 * <pre>
 * loop { run queued commands; tid = waitpid(-1, __WALL|__WNOTHREAD|WUNTRACED); decode; listener; restart }
 * </pre>
 *
 * Everything here is confined to that thread; other threads reach it only through
 * {@link #commands} and the {@link Doorbell}. The scratch memory of the native calls is
 * allocated once, so a syscall stop allocates nothing.
 */
final class TracerLoop {

    private static final System.Logger LOG = System.getLogger(TracerLoop.class.getName());

    /**
     * Every event, syscall stops told apart from SIGTRAPs (TRACESYSGOOD); seccomp stops too: a
     * filter's SECCOMP_RET_TRACE makes the syscall fail with ENOSYS unless the tracer has asked
     * for them (ours, and any an adopted process brought).
     */
    static final int OPTIONS = Ptrace.O_TRACESYSGOOD | Ptrace.O_TRACEFORK | Ptrace.O_TRACEVFORK | Ptrace.O_TRACECLONE
            | Ptrace.O_TRACEEXEC | Ptrace.O_TRACEVFORKDONE | Ptrace.O_TRACEEXIT | Ptrace.O_TRACESECCOMP;
    private static final int WAIT_FLAGS = Wait.WALL | Wait.WNOTHREAD | Wait.WUNTRACED;
    private static final int SYSCALL_STOP = Signals.SIGTRAP | 0x80;
    /** While spinning for a hand-off's answer, other tracees' stops are looked for this often. */
    private static final long SPIN_POLL_NANOS = 5_000;
    /** Stops of tids whose parent's event has not come are kept; beyond this many something is wrong. */

    final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    final Doorbell doorbell = new Doorbell();
    /**
     * True while the tracer thread is sure to look at the command queue before it next blocks in
     * waitpid: from a waitpid's return, through the handling of that stop and the spin for a
     * hand-off's answer, until it is about to block again. A submitter that sees it after queueing
     * its command rings no doorbell. Dekker's pattern with the queue: the submitter writes the
     * queue then reads this, the tracer clears this then reads the queue, so at least one of them
     * sees the other's write and no command waits for a ring that never comes. (The answer to a
     * held stop often comes while the tracer is still finishing that stop: a ring then cost a
     * signal and a doorbell stop at one stop in ten of a ptrace client's.)
     */
    volatile boolean awake;
    /**
     * How long the tracer spins for the answer to a stop it handed to another thread (a listener
     * returned HOLD). A client awake answers in 5 to 10 us; measured on the shared 2-vCPU
     * machine, 50 us let the spin run out in bursts (the client preempted), 100 us seldom.
     */
    final HandOffSpin handOffSpin = HandOffSpin.upTo(HAND_OFF_SPIN_NANOS);
    static final long HAND_OFF_SPIN_NANOS = 100_000;
    /** The last listener call left its tracee held: its answer will come as a command from another thread. */
    private boolean handedOff;
    private final Thread thread;

    final TidMap<Tracee> tracees = new TidMap<>();
    final Map<Integer, TracedProcess> processes = new HashMap<>();
    /** First stops (or deaths) of new tids that came before their parent's CLONE/FORK/VFORK event. */
    private final Orphans orphans = new Orphans(this);
    /** Spawned processes detached while still running: the tracer thread is their parent and reaps them. */
    final Map<Integer, Spawned> detachedChildren = new HashMap<>();
    final Spawner spawner = new Spawner(this);
    final Detacher detacher = new Detacher(this);
    final Attacher attacher = new Attacher(this);
    private final Stop stop = new Stop();

    private Arena arena;
    MemorySegment callState;
    private MemorySegment status;
    private MemorySegment syscallInfo;
    private MemorySegment eventMessage;
    private ProcessMemory memory;
    private MemorySegment scratch;
    UserRegs regs;
    int tid;

    boolean closing;
    volatile boolean abandon;
    /** Tracees kept after their detach (a process under a filter: {@link Detacher}); they keep the loop going. */
    int keptCount;
    /** Completes when, closing, only kept tracees are left: the close is done, the loop runs on for them. */
    final java.util.concurrent.CompletableFuture<Void> onlyKeptLeft = new java.util.concurrent.CompletableFuture<>();
    long stops;

    TracerLoop(Thread owner) {
        this.thread = owner;
    }

    /** Allocates the scratch memory and starts the doorbell; on the tracer thread, before {@link #run}. */
    void init() {
        arena = Arena.ofConfined();
        callState = Libc.newCallState(arena);
        status = arena.allocate(JAVA_INT);
        syscallInfo = arena.allocate(SyscallInfo.SIZE, 8);
        eventMessage = arena.allocate(JAVA_LONG);
        memory = new ProcessMemory(arena);
        scratch = arena.allocate(8192, 8);
        regs = new UserRegs(arena);
        tid = ProcFs.currentTid();
        doorbell.start(callState);
    }

    /** After a failed {@link #init}: frees what it allocated. */
    void abortInit() {
        if (arena != null) arena.close();
    }

    void run() {
        while (true) {
            if (!handedOff) awake = false; // it may block below: from now on a command rings
            drainCommands();
            if (abandon || closing && tracees.isEmpty() && spawner.isIdle()) break;
            if (closing && keptCount > 0 && tracees.size() == keptCount && spawner.isIdle()) onlyKeptLeft.complete(null);
            int waited;
            if (handedOff) {
                handedOff = false;
                waited = spinForAnswer();
                if (waited == 0) continue; // a command came (or none in time): run it, then wait
            } else {
                waited = Wait.waitpid(callState, -1, status, WAIT_FLAGS);
            }
            awake = true;
            if (waited < 0) {
                int errno = Libc.errno(callState);
                if (errno == Errno.EINTR) continue;
                // ECHILD: not even the doorbell is left (it was killed and could not be restarted).
                throw new LinuxException("waitpid on the tracer thread", errno, "the tracer cannot go on");
            }
            try {
                handle(waited, status.get(JAVA_INT, 0));
            } catch (LinuxException e) {
                // ESRCH: SIGKILL took the thread out of its stop while it was handled; its death report follows.
                LOG.log(e.errno() == Errno.ESRCH ? System.Logger.Level.DEBUG : System.Logger.Level.ERROR,
                        "the tracer failed to handle " + Wait.describe(status.get(JAVA_INT, 0)) + " of thread " + waited, e);
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "the tracer failed to handle " + Wait.describe(status.get(JAVA_INT, 0))
                        + " of thread " + waited, e);
            }
        }
    }

    /** After {@link #run}: lets the doorbell go and frees the scratch memory. */
    void finish() {
        doorbell.retire(callState, status);
        arena.close();
    }

    /**
     * After a hand-off, waits a little for its answer by spinning on the command queue rather
     * than blocking in waitpid ({@link HandOffSpin} says how long, and learns from each outcome),
     * looking for other tracees' stops now and then.
     *
     * @return 0 once a command is queued or the spin ran out; else what a waitpid returned (a
     *         tid with its status, or -1 with errno)
     */
    private int spinForAnswer() {
        long budget = handOffSpin.budget();
        if (budget == 0) return 0;
        long start = System.nanoTime();
        long nextPoll = start + SPIN_POLL_NANOS;
        while (commands.isEmpty()) {
            long now = System.nanoTime();
            if (now - start >= budget) {
                handOffSpin.timedOut();
                return 0;
            }
            if (now - nextPoll >= 0) {
                int w = Wait.waitpid(callState, -1, status, WAIT_FLAGS | Wait.WNOHANG);
                if (w != 0) return w; // another stop comes first; the answer is run once it is handled
                nextPoll = now + SPIN_POLL_NANOS;
            }
            Thread.onSpinWait();
        }
        handOffSpin.answered(System.nanoTime() - start);
        return 0;
    }

    private void drainCommands() {
        for (Runnable r; (r = commands.poll()) != null; ) r.run();
    }

    private void handle(int waited, int st) {
        Tracee t = tracees.get(waited);
        if (t == null) {
            handleUnknown(waited, st);
        } else if (Wait.isStopped(st)) {
            onStopped(t, st);
        } else {
            onDeath(t, st);
        }
    }

    private void handleUnknown(int waited, int st) {
        if (doorbell.is(waited)) {
            doorbell.onStatus(callState, st);
        } else if (spawner.ownsUnseized(waited)) {
            spawner.onUnseized(waited, st);
        } else if (detachedChildren.containsKey(waited)) {
            if (!Wait.isStopped(st)) detachedChildren.remove(waited).exit.complete(st);
        } else {
            orphans.arrived(waited, st);
        }
    }

    private void onStopped(Tracee t, int st) {
        stops++;
        int sig = Wait.stopSignal(st);
        int event = Wait.event(st);
        boolean afterEntry = t.entryReported;
        t.entryReported = false;
        boolean first = t.state == Tracee.State.NEW;
        boolean interrupted = t.interruptSent;
        if (event == Ptrace.EVENT_STOP) t.interruptSent = false;
        // An attach completes once its threads' first stops have been through their listener.
        AttachJob attach = t.attachJob;
        long message = event != 0 && event != Ptrace.EVENT_STOP ? eventMessage(t) : 0;
        Tracee child = null;
        if (event == Ptrace.EVENT_CLONE || event == Ptrace.EVENT_FORK || event == Ptrace.EVENT_VFORK) {
            child = adopt(t, event, (int) message);
        } else if (event == Ptrace.EVENT_EXEC) {
            t = execed(t, (int) message);
        }
        boolean wasListening = t.state == Tracee.State.LISTENING;
        t.state = Tracee.State.RUNNING;
        if (t.kept) {
            detacher.keep(t, sig, event);
        } else if (t.detaching) {
            detacher.onStop(t, sig, event);
        } else if (t.killing) {
            restart(t, Resume.CONT, sig != SYSCALL_STOP && event == 0 ? sig : 0);
        } else if (t.wrapper && event != Ptrace.EVENT_EXEC) {
            spawner.onWrapperStop(t, sig, event);
        } else {
            if (t.wrapper) spawner.execed(t);
            decode(t, sig, event, first, interrupted, wasListening);
            if (secondStopOfOneEntry(t, afterEntry)) return;
            stop.message = message;
            if (event == Ptrace.EVENT_EXEC) stop.formerTid = (int) message;
            stop.child = child;
            dispatch(t);
        }
        if (attach != null) attach.arrived(t);
        if (child != null) {
            Integer early = orphans.take(child.tid);
            if (early != null) handle(child.tid, early);
        }
    }

    /**
     * Syscall entries and exits, under a filter too. A syscall of the filter, run with
     * PTRACE_CONT, stops only at its PTRACE_EVENT_SECCOMP, shown as its entry, and is restarted
     * with PTRACE_SYSCALL to stop at its exit (see {@link Tracee#syscallRequest()}). Run with
     * PTRACE_SYSCALL (no filter matters then, or it stops at every syscall), it stops twice on
     * the way in: its syscall-entry stop, then its seccomp stop (in the other order on kernels
     * before 4.8), one right after the other; the second is not shown, and the tracee goes on as
     * it went on from the first. So each syscall is shown once.
     *
     * @return true if this stop was such a second one: the tracee is restarted already
     */
    private boolean secondStopOfOneEntry(Tracee t, boolean afterEntry) {
        if (stop.kind == StopKind.SYSCALL_ENTRY) {
            if (afterEntry) {
                restartRequest(t, t.lastRequest, 0);
                return true;
            }
            t.entryReported = true;
            t.awaitingExit = true;
        } else if (stop.kind == StopKind.SYSCALL_EXIT) {
            t.awaitingExit = false;
        }
        return false;
    }

    private void decode(Tracee t, int sig, int event, boolean first, boolean interrupted, boolean wasListening) {
        if (sig == SYSCALL_STOP || event == Ptrace.EVENT_SECCOMP) {
            request(t, Ptrace.GET_SYSCALL_INFO, SyscallInfo.SIZE, syscallInfo.address());
            int op = SyscallInfo.op(syscallInfo);
            long ip = SyscallInfo.instructionPointer(syscallInfo), sp = SyscallInfo.stackPointer(syscallInfo);
            if (op == SyscallInfo.OP_EXIT) {
                stop.reset(StopKind.SYSCALL_EXIT);
                stop.returnValue = SyscallInfo.rval(syscallInfo);
                stop.isError = SyscallInfo.isError(syscallInfo);
                stop.instructionPointer = ip;
                stop.stackPointer = sp;
            } else {
                stop.reset(StopKind.SYSCALL_ENTRY); // a seccomp stop is the entry of a filtered syscall
                stop.syscall = SyscallInfo.nr(syscallInfo);
                long[] args = stop.argsArray();
                for (int i = 0; i < 6; i++) args[i] = SyscallInfo.arg(syscallInfo, i);
                stop.instructionPointer = ip;
                stop.stackPointer = sp;
            }
            return;
        }
        switch (event) {
            case 0 -> {
                stop.reset(StopKind.SIGNAL);
                stop.signal = sig;
                stop.deliver = sig;
            }
            case Ptrace.EVENT_STOP -> {
                if (Signals.isStopSignal(sig)) {
                    stop.reset(StopKind.GROUP_STOP);
                    stop.signal = sig;
                } else {
                    stop.reset(first ? StopKind.ATTACHED
                            : wasListening && !interrupted ? StopKind.CONTINUED : StopKind.INTERRUPTED);
                }
            }
            default -> {
                stop.reset(switch (event) {
                    case Ptrace.EVENT_CLONE -> StopKind.CLONE;
                    case Ptrace.EVENT_FORK -> StopKind.FORK;
                    case Ptrace.EVENT_VFORK -> StopKind.VFORK;
                    case Ptrace.EVENT_VFORK_DONE -> StopKind.VFORK_DONE;
                    case Ptrace.EVENT_EXEC -> StopKind.EXEC;
                    case Ptrace.EVENT_EXIT -> StopKind.EXIT;
                    case Ptrace.EVENT_SECCOMP -> StopKind.SECCOMP;
                    default -> throw new IllegalStateException("unknown ptrace event " + event + " of " + t);
                });
            }
        }
    }

    private void dispatch(Tracee t) {
        t.state = Tracee.State.IN_CALLBACK;
        Resume how;
        try {
            how = t.listener.onStop(t, stop);
            if (how == null) throw new NullPointerException("the listener returned no Resume");
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.WARNING, "listener of " + t + " failed at " + stop + "; resuming it", e);
            how = stop.kind == StopKind.GROUP_STOP ? Resume.LISTEN : Resume.SYSCALL;
        }
        if (t.detaching) {
            detacher.finish(t, stop.deliver, stop.kind == StopKind.GROUP_STOP);
        } else if (how == Resume.HOLD) {
            handedOff = true;
            t.state = Tracee.State.HELD;
            t.heldSignal = stop.deliver;
            t.heldKind = stop.kind;
        } else {
            restart(t, how, stop.deliver);
        }
    }

    private void onDeath(Tracee t, int st) {
        forget(t);
        if (t.attachJob != null) t.attachJob.arrived(t);
        if (t.wrapper) {
            spawner.onWrapperDeath(t, st);
        } else {
            end(t, Wait.isExited(st) ? End.EXITED : End.KILLED, st);
        }
        TracedProcess p = t.process;
        // With __WALL the leader's death is reported after every other thread's: it is the process's.
        if (p.spawned != null && t.tid == p.pid) p.spawned.exit.complete(st);
        if (p.threads.isEmpty()) {
            processes.remove(p.pid);
            orphans.creatorGone(p, t.listener);
        }
        if (t.detaching) detacher.threadGone(t);
    }

    long orphanCount() {
        return orphans.count;
    }

    /** A child adopted without its parent's event: its early status, handled now. */
    void handleAdopted(Tracee child, int status) {
        handle(child.tid, status);
    }

    /** A new tracee reported by its parent's event; it may have stopped already (then in {@link #orphans}). */
    private Tracee adopt(Tracee parent, int event, int childTid) {
        TracedProcess process = parent.process;
        if (event == Ptrace.EVENT_FORK || event == Ptrace.EVENT_VFORK) {
            process = newProcess(childTid, null, parent.process.killOnClose);
        } else {
            ProcFs.Status s = ProcFs.status(childTid);
            if (s != null && s.tgid() != parent.process.pid) process = newProcess(childTid, null, parent.process.killOnClose);
        }
        if (process != parent.process) process.filter = parent.process.filter; // fork inherits the filter
        Tracee child = register(childTid, process, parent.listener);
        child.detaching = parent.detaching;
        child.killing = parent.killing;
        if (parent.kept) detacher.keepNew(child);
        // A process being killed at close kills the children it forks meanwhile (the group's SIGKILL predates them).
        if (child.killing && process.pid == childTid) Signals.kill(callState, childTid, Signals.SIGKILL);
        return child;
    }

    /**
     * The EXEC event names the tid the exec'ing thread had. If that is not the leader's, the old
     * leader is gone without an exit status and the exec'ing thread now answers to the leader's tid.
     */
    private Tracee execed(Tracee leader, int formerTid) {
        if (formerTid == leader.tid) return leader;
        Tracee execer = tracees.get(formerTid);
        if (execer == null) return leader;
        tracees.remove(formerTid);
        forget(leader);
        execer.tid = leader.tid;
        tracees.put(execer.tid, execer);
        if (leader.attachJob != null) leader.attachJob.arrived(leader);
        end(leader, End.REPLACED_BY_EXEC, 0);
        execer.detaching |= leader.detaching;
        return execer;
    }

    TracedProcess newProcess(int pid, Spawned spawned, boolean killOnClose) {
        TracedProcess p = new TracedProcess(pid, spawned, killOnClose);
        processes.put(pid, p);
        return p;
    }

    Tracee register(int newTid, TracedProcess process, TraceeListener listener) {
        Tracee t = new Tracee(this, newTid, process, listener);
        tracees.put(newTid, t);
        process.threads.add(t);
        return t;
    }

    /** Drops {@code t} from the tables (its process record stays until its last thread goes). */
    void forget(Tracee t) {
        if (t.kept && t.state != Tracee.State.GONE) keptCount--;
        tracees.remove(t.tid);
        t.process.threads.remove(t);
        t.state = Tracee.State.GONE;
    }

    void end(Tracee t, End how, int st) {
        if (t.kept) return; // its listener was told DETACHED when it was kept
        try {
            t.listener.onEnd(t, how, st);
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.WARNING, "listener of " + t + " failed at its end (" + how + ")", e);
        }
    }

    /** Restarts a stopped tracee; false if it is gone (a SIGKILL woke it; its death report follows). */
    boolean restart(Tracee t, Resume how, int signal) {
        int request = switch (how) {
            case SYSCALL -> t.syscallRequest();
            case CONT -> Ptrace.CONT;
            case SINGLESTEP -> Ptrace.SINGLESTEP;
            case LISTEN -> Ptrace.LISTEN;
            case HOLD -> throw new IllegalArgumentException("HOLD is not a restart");
        };
        return restartRequest(t, request, how == Resume.LISTEN ? 0 : signal);
    }

    /** {@link #restart} with the ptrace request itself. */
    private boolean restartRequest(Tracee t, int request, int signal) {
        boolean listen = request == Ptrace.LISTEN;
        t.lastRequest = request;
        if (Ptrace.call(callState, request, t.tid, 0, signal) < 0) {
            int errno = Libc.errno(callState);
            if (errno == Errno.ESRCH) {
                t.state = Tracee.State.RUNNING;
                return false;
            }
            if (listen) {
                LOG.log(System.Logger.Level.WARNING, "PTRACE_LISTEN refused for " + t + " (not in a group stop?): "
                        + Errno.describe(errno) + "; resuming it with PTRACE_SYSCALL");
                return restart(t, Resume.SYSCALL, 0);
            }
            throw new LinuxException(Ptrace.requestName(request) + " of " + t, errno, null);
        }
        t.state = listen ? Tracee.State.LISTENING : Tracee.State.RUNNING;
        return true;
    }

    /** PTRACE_INTERRUPT; false if the tracee is gone. */
    boolean interrupt(Tracee t) {
        if (Ptrace.call(callState, Ptrace.INTERRUPT, t.tid, 0, 0) < 0) {
            int errno = Libc.errno(callState);
            if (errno == Errno.ESRCH) return false;
            throw new LinuxException("PTRACE_INTERRUPT of " + t, errno, null);
        }
        t.interruptSent = true;
        return true;
    }

    /** A ptrace request on a stopped tracee; throws with the errno if it fails. */
    long request(Tracee t, int request, long addr, long data) {
        checkLive(t);
        long r = Ptrace.call(callState, request, t.tid, addr, data);
        if (r < 0) {
            int errno = Libc.errno(callState);
            throw new LinuxException(Ptrace.requestName(request) + " on " + t, errno, errno == Errno.ESRCH
                    ? "the thread is gone, or not stopped (use it in its listener call or while it is held)" : null);
        }
        return r;
    }

    long peekUser(Tracee t, long offset) {
        checkLive(t);
        long r = Ptrace.call(callState, Ptrace.PEEKUSER, t.tid, offset, 0);
        int errno = Libc.errno(callState);
        if (errno != 0) {
            throw new LinuxException("PTRACE_PEEKUSER at " + offset + " on " + t, errno, errno == Errno.ESRCH
                    ? "the thread is gone, or not stopped (use it in its listener call or while it is held)" : null);
        }
        return r;
    }

    private long eventMessage(Tracee t) {
        request(t, Ptrace.GETEVENTMSG, 0, eventMessage.address());
        return eventMessage.get(JAVA_LONG, 0);
    }

    ProcessMemory memory() {
        return memory;
    }

    MemorySegment syscallInfo() {
        return syscallInfo;
    }

    /** The first {@code size} bytes of a scratch buffer (tracer thread; reused by the next call). */
    MemorySegment scratch(int size) {
        if (size > scratch.byteSize()) throw new IllegalArgumentException("scratch of " + size + " bytes");
        return scratch.asSlice(0, size);
    }

    /**
     * On the tracer thread, and {@code t} still traced: a request by the tid of a tracee that
     * ended could reach another thread that reused the tid.
     */
    void checkLive(Tracee t) {
        checkThread();
        if (t.state == Tracee.State.GONE) {
            throw new LinuxException(t + " is no longer traced (it ended or was detached)", Errno.ESRCH, null);
        }
    }

    void checkThread() {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("called on thread " + Thread.currentThread().getName()
                    + ": tracees can be used only on the tracer thread (in a listener, or through Tracer.submit)");
        }
    }

    boolean onThread() {
        return Thread.currentThread() == thread;
    }
}
