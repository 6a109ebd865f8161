package dev.utrace.linux.internal.machine;

import dev.utrace.api.task.CloneFlags;
import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.linux.internal.sys.Wait;
import dev.utrace.linux.internal.trace.Resume;
import dev.utrace.linux.internal.trace.StopKind;
import dev.utrace.spi.StepMode;
import dev.utrace.spi.TraceHooks;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Runs a task's hooks at its ptrace stops, at the points where the kernel calls utrace's
 * (semantics reference, section 4.2), and answers how the tracee goes on.
 *
 * <p><b>Where the hooks run.</b> By default on the tracer thread itself, inside the stop's
 * listener call: no thread hand-off, so a stop costs little more than ptrace's own round trip.
 * A utrace stop then never parks that thread: the task answers
 * {@link dev.utrace.spi.TracedTask#stopsWithoutParking()} true, a hook that stops returns
 * {@link TraceHooks#held held}, and this runner records where ({@link Held}) and returns
 * {@link #HELD}: the tracee stays in its ptrace stop. When the core lets the task go
 * ({@code setUtraceStopped(false)}, or SIGKILL) the tracer thread calls {@link #continueHeld},
 * which calls the same hook again and goes on from there. An engine callback that blocks holds
 * up every tracee of the machine meanwhile; with {@code -Dutrace.linux.hooks=threads} each task
 * instead has a hook thread of its own (a virtual thread) that takes its stops one at a time and
 * is parked by the core for the length of a utrace stop ({@link #post}, {@link #run}).
 *
 * <p>Where the hooks are called, by stop: syscall entry (the syscall is skipped when aborted:
 * orig_rax -1, rax as the engines left it, -ENOSYS by default) and exit; the signal-delivery
 * loop at a signal-delivery stop and at every resume point ({@link SignalPath}); CLONE in the
 * parent at its fork event, before the child runs, then the vfork stop point; EXEC at the exec
 * event (after releasing the old leader of a non-leader's exec); EXIT at the exit event; JCTL
 * and the end of a job-control stop at the group-stop and continue traps; DEATH and REAP when the
 * thread's end is reaped. The resume point (TIF_NOTIFY_RESUME, TIF_SIGPENDING) is every stop
 * after which the tracee returns to user mode: a syscall exit, a signal, a trap; a running
 * tracee that owes one is interrupted (PTRACE_INTERRUPT) to reach it.
 */
final class TaskRunner implements Runnable {
    private static final System.Logger LOG = System.getLogger(TaskRunner.class.getName());
    /** The answer of a stop a hook left held: the tracee stays in its ptrace stop. */
    static final Answer HELD = new Answer(Resume.HOLD, 0, null, null);

    /** The hook that left the task held, called again when it is let go. */
    enum Held { SYSCALL_ENTRY, SIGNAL_LOOP, RESUME, CONTINUED, LEAVE_GROUP_STOP, VFORK, EXIT }
    private static final int SYS_EXECVE = 59, SYS_EXECVEAT = 322, SYS_EXIT = 60, SYS_EXIT_GROUP = 231;
    private static final int SYS_CLONE = 56, SYS_FORK = 57, SYS_VFORK = 58, SYS_CLONE3 = 435;

    private final LinuxTask t;
    private final LinkedBlockingQueue<StopRecord> queue = new LinkedBlockingQueue<>();
    /** The thread running this task's hooks right now, or null. */
    private volatile Thread handlingOn;
    private boolean sawFirstStop;
    // The stop being handled or held, and what its work had reached (hooks' thread only).
    private StopRecord stop;
    private Held heldAt;
    private Decision decision;
    private boolean abortSyscall;
    private int signalAnswer;
    private ExitCode exitCode;
    /** The kernel has the group stopped and this thread was asked to leave it alone (ProcessControl). */
    boolean leaveGroupStopAsked;

    TaskRunner(LinuxTask t) {
        this.t = t;
    }

    /** Starts the task's own hook thread (hooks on threads only). */
    void start() {
        Thread.ofVirtual().name("utrace-task-" + t.tid()).start(this);
    }

    /** Whether the calling thread is running this task's hooks (its registers may be used). */
    boolean isCurrentThread() {
        return handlingOn == Thread.currentThread();
    }

    /** Whether a hook left the task held and has not been called again yet. */
    boolean holding() {
        return heldAt != null;
    }

    private boolean onThreads() {
        return !t.machine.hooksOnTracer();
    }

    /** The tracer thread hands a stop (or the end) over to the hook thread (hooks on threads only). */
    void post(StopRecord r) {
        queue.add(r);
    }

    private TraceHooks hooks() {
        return t.machine.hooks();
    }

    @Override
    public void run() {
        try {
            t.cloneReported.join(); // a new task runs nothing before its parent's CLONE report returned
            while (true) {
                StopRecord r = queue.take();
                if (r.isEnd()) {
                    ended(r);
                    return;
                }
                if (handle(r) == HELD) LOG.log(Level.ERROR, "a hook of {0} returned held to a hook thread; it is lost", t);
            }
        } catch (InterruptedException e) {
            LOG.log(Level.DEBUG, "hook thread of {0} interrupted; it ends", t);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "hook thread of " + t + " failed; the task is no longer reported", e);
        } finally {
            t.deathReported.complete(null);
        }
    }

    // ---- one stop ----

    /**
     * Handles stop {@code r}: its hooks, then the answer. On threads, the answer is sent to the
     * tracer; on the tracer thread it is returned, or {@link #HELD}.
     */
    Answer handle(StopRecord r) {
        StopRecord before = t.current;
        synchronized (t.lock) {
            t.phase = LinuxTask.Phase.HANDLING;
            t.kickSent = false;
        }
        t.enterStop(r, before);
        stop = r;
        heldAt = null;
        Thread was = enter();
        try {
            Answer a;
            try {
                a = t.machine.lettingGo() ? letGo(r) : dispatch(r);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, "internal error at " + r + " of " + t + "; letting it run", e);
                a = plain(r);
            }
            return a == HELD ? HELD : finish(r, a);
        } finally {
            leave(was);
        }
    }

    /**
     * The core let the task go from the stop a hook left it held in (or SIGKILL woke it): the
     * hook is called again, as it asks, and the stop's work goes on from there. Tracer thread.
     *
     * @return the answer for the held stop, {@link #HELD} if a hook holds it again, or null when
     *         nothing was held
     */
    Answer continueHeld() {
        Held at = heldAt;
        if (at == null) return null;
        heldAt = null;
        StopRecord r = stop;
        Thread was = enter();
        try {
            Answer a;
            try {
                callAgain(at);
                if (t.machine.lettingGo()) {
                    heldAt = null; // its stop is over; the tracee is let go where it stands, its signal kept
                    a = r.kind == StopKind.SIGNAL ? userWorkDone(r) : Answer.run(t);
                } else {
                    a = goOn(at, r);
                }
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, "internal error going on from " + at + " at " + r + " of " + t + "; letting it run", e);
                heldAt = null;
                a = plain(r);
            }
            return a == HELD ? HELD : finish(r, a);
        } finally {
            leave(was);
        }
    }

    /** The task's ptrace stop ended under a held hook (SIGKILL): the hook is called again, its answer dropped. */
    void wokenFromHeld() {
        if (continueHeld() == HELD) {
            LOG.log(Level.WARNING, "a hook of {0} held it again though SIGKILL is pending; the core no longer holds it", t);
            heldAt = null;
        }
    }

    private Thread enter() {
        Thread was = handlingOn;
        handlingOn = Thread.currentThread();
        StallWatch w = t.machine.stallWatch();
        if (w != null) w.begin(t);
        return was;
    }

    private void leave(Thread was) {
        handlingOn = was;
        StallWatch w = t.machine.stallWatch();
        if (w != null) w.end();
    }

    /**
     * A stop handled while the machine closes: let go as if never traced, so a signal-delivery
     * stop keeps the program's signal (the detach hands it over) unless the trap is this
     * machine's own (a step, a handler's entry, a watchpoint hit).
     */
    private Answer letGo(StopRecord r) {
        if (r.kind != StopKind.SIGNAL || ownTrap(r)) return Answer.run(t);
        return new Answer(Answer.run(t).how(), r.signal, null, null);
    }

    private boolean ownTrap(StopRecord r) {
        if (r.signal != Signals.SIGTRAP) return false;
        int code = r.info.code;
        return code == Signals.TRAP_HWBKPT || r.orphanTrap || t.expectHandlerEntry
                || (code == Signals.TRAP_TRACE && t.stepMode != StepMode.NONE);
    }

    private static Answer plain(StopRecord r) {
        return r.kind == StopKind.GROUP_STOP ? Answer.LISTEN : new Answer(Resume.SYSCALL, 0, null, null);
    }

    /** The same hook, with the same arguments, as {@link dev.utrace.spi.TracedTask#stopsWithoutParking()} asks. */
    private void callAgain(Held at) {
        TraceHooks h = hooks();
        switch (at) {
            case SYSCALL_ENTRY -> abortSyscall = h.syscallEntry(t);
            case SIGNAL_LOOP -> signalAnswer = SignalPath.callAgain(t, h);
            case RESUME -> h.resume(t);
            case CONTINUED, LEAVE_GROUP_STOP -> h.finishJobControlStop(t);
            case VFORK -> h.finishVfork(t);
            case EXIT -> h.exit(t, exitCode);
        }
    }

    /** What the stop's work does after the hook at {@code at} returned. */
    private Answer goOn(Held at, StopRecord r) {
        return switch (at) {
            case SYSCALL_ENTRY -> syscallEntered();
            case SIGNAL_LOOP -> signalAnswered(r);
            case RESUME -> resumed(r);
            case CONTINUED -> continuedOn(r);
            case LEAVE_GROUP_STOP -> leftGroupStop(r);
            case VFORK -> vforkFinished();
            case EXIT -> exited();
        };
    }

    /** Whether the hook just returned from left the task held at {@code at}; if so, remembers where. */
    private boolean holds(Held at) {
        if (!hooks().held(t)) return false;
        heldAt = at;
        return true;
    }

    private Answer dispatch(StopRecord r) {
        if (t.cloneChild && !sawFirstStop && r.kind == StopKind.ATTACHED) {
            // A new thread or child returns from the syscall first (ret_from_fork); ptrace has no stop for that.
            sawFirstStop = true;
            hooks().syscallExit(t);
            return returnToUser(r);
        }
        sawFirstStop = true;
        return switch (r.kind) {
            case SYSCALL_ENTRY -> syscallEntry(r);
            case SYSCALL_EXIT -> {
                hooks().syscallExit(t);
                yield returnToUser(r);
            }
            case SIGNAL -> signalStop(r);
            case GROUP_STOP -> groupStop(r);
            case CONTINUED, INTERRUPTED -> t.inJobctlStop ? continued(r) : returnToUser(r);
            case ATTACHED -> returnToUser(r);
            case CLONE, FORK, VFORK -> clone(r);
            case EXEC -> exec(r);
            case EXIT -> exit(r);
            case VFORK_DONE, SECCOMP -> Answer.run(t);
        };
    }

    /**
     * Lets the tracee go on. A group stop is listened in, unless this thread was asked to leave it;
     * otherwise the registers go away with the stop, and a request that came while it was handled
     * (notify-resume, signal check) interrupts it again at once, so none is lost.
     */
    private Answer finish(StopRecord r, Answer a) {
        while (a.how() == Resume.LISTEN) {
            synchronized (t.lock) {
                if (!leaveGroupStopAsked) {
                    t.phase = LinuxTask.Phase.LISTENING;
                    if (onThreads()) t.machine.answer(t, r, a);
                    return a;
                }
                leaveGroupStopAsked = false;
            }
            a = leaveGroupStop(r);
            if (a == HELD) return HELD;
        }
        synchronized (t.debug) {
            t.debug.trapOutstanding = false;
        }
        synchronized (t.lock) {
            t.leaveStop();
            t.phase = LinuxTask.Phase.RUNNING;
            // On the tracer thread the tracee runs once this returns; the interrupt below is a command that runs after.
            if (onThreads()) t.machine.answer(t, r, a);
            // A signal handed to a handler stops again at the handler's entry, which does the work.
            boolean owed = (t.work() & owedWork(r, a)) != 0 && !t.fatal && !t.expectHandlerEntry;
            t.kickSent = owed;
            if (owed) t.machine.interrupt(t);
        }
        return a;
    }

    /**
     * The work that cannot wait for the tracee's next stop. Notify-resume work is done at the
     * return to user mode, as Linux does it: a syscall's entry stop answered with PTRACE_SYSCALL
     * stops again at the syscall's exit, before that return, and does it there. Interrupting the
     * tracee instead costs a stop of its own and breaks a syscall that blocks. A stop an engine
     * holds often leaves that work (the report pass a utrace stop asks for on its resume, or a
     * {@code control(STOP)} that came while the pass was still running): with a ptrace client
     * answering every stop, 53,000 of 90,000 syscall entries (open/read/close) made such an
     * interrupt. A signal check interrupts at once: breaking a blocking syscall is what it is for.
     */
    private static int owedWork(StopRecord r, Answer a) {
        boolean exitStopComes = r.kind == StopKind.SYSCALL_ENTRY && a.how() == Resume.SYSCALL;
        return exitStopComes ? LinuxTask.W_SIGPENDING : LinuxTask.W_SIGPENDING | LinuxTask.W_NOTIFY_RESUME;
    }

    /**
     * The return-to-user work ({@code exit_to_user_mode_loop}): the signal-delivery loop while a
     * signal is owed or in hand, the resume report while notify-resume is set. At most one signal
     * is handed to the kernel per stop; work left for after it is done at the next stop (a
     * handler's entry, the end of a group stop).
     */
    private Answer returnToUser(StopRecord r) {
        decision = null;
        return userWork(r);
    }

    private Answer userWork(StopRecord r) {
        while (!t.machine.lettingGo()) {
            int w = t.work();
            if (decision == null && (t.fatal || (w & LinuxTask.W_SIGPENDING) != 0 || !t.signals.inHandTaken())) {
                Decision d = SignalPath.loop(t, hooks());
                if (d == SignalPath.HELD) {
                    heldAt = Held.SIGNAL_LOOP;
                    return HELD;
                }
                if (d != null) {
                    decision = d;
                    break;
                }
            } else if ((w & LinuxTask.W_NOTIFY_RESUME) != 0) {
                t.clearWork(LinuxTask.W_NOTIFY_RESUME);
                hooks().resume(t);
                if (holds(Held.RESUME)) return HELD;
            } else {
                break;
            }
        }
        return userWorkDone(r);
    }

    private Answer signalAnswered(StopRecord r) {
        if (holds(Held.SIGNAL_LOOP)) return HELD;
        Decision d = SignalPath.goOn(t, hooks(), signalAnswer);
        if (d == SignalPath.HELD) {
            heldAt = Held.SIGNAL_LOOP;
            return HELD;
        }
        if (d == null) return userWork(r);
        decision = d;
        return userWorkDone(r);
    }

    private Answer resumed(StopRecord r) {
        if (holds(Held.RESUME)) return HELD;
        return userWork(r);
    }

    /** The signal decided (or none), carried out at this stop or given back to the kernel for its own. */
    private Answer userWorkDone(StopRecord r) {
        Decision d = decision;
        decision = null;
        SignalInfo left = t.signals.release();
        List<SignalInfo> held = t.signals.drainRequeued();
        if (!held.isEmpty()) SignalPath.reraise(t, held, null); // blocked: the kernel keeps them pending
        if (t.machine.lettingGo() && r.kind == StopKind.SIGNAL && d == null) {
            // Detached where it stands: the stop's signal, still in hand, goes to the program with the detach.
            return left != null ? new Answer(Answer.run(t).how(), r.signal, null, null) : Answer.run(t);
        }
        boolean killed = d != null && d.signo() == Signals.SIGKILL && t.fatal;
        if (r.kind == StopKind.SIGNAL) {
            if (left != null) {
                // Not dequeued: an explicit report decided another signal first; this one stays pending.
                SignalPath.reraise(t, List.of(left), null);
            }
            if (d != null && !killed) return SignalPath.deliver(t, r, d);
            return Answer.run(t);
        }
        if (d != null && !killed) SignalPath.reraise(t, List.of(d.info()), d); // delivered at its own stop
        return Answer.run(t);
    }

    // ---- syscalls ----

    private Answer syscallEntry(StopRecord r) {
        long nr = r.syscall;
        t.lastSyscall = nr;
        if (nr == SYS_EXIT || nr == SYS_EXIT_GROUP) t.exitingOnItsOwn = true;
        if (nr == SYS_EXECVE || nr == SYS_EXECVEAT) t.execPath = t.machine.peekString(t, r.args[nr == SYS_EXECVE ? 0 : 1]);
        if (nr == SYS_CLONE || nr == SYS_FORK || nr == SYS_VFORK || nr == SYS_CLONE3) t.cloneFlags = cloneFlags(nr, r);
        abortSyscall = hooks().syscallEntry(t);
        return syscallEntered();
    }

    private Answer syscallEntered() {
        if (holds(Held.SYSCALL_ENTRY)) return HELD;
        if (abortSyscall) {
            // Skipped (R-SYS-3): the kernel runs no syscall for number -1 and keeps rax, -ENOSYS unless an engine stored a value.
            t.setRegister(Reg.ORIG_RAX, -1);
        }
        return Answer.run(t);
    }

    private long cloneFlags(long nr, StopRecord r) {
        if (nr == SYS_CLONE) return r.args[0];
        if (nr == SYS_CLONE3) return t.machine.peekValue(t, r.args[0], 8);
        if (nr == SYS_VFORK) return CloneFlags.CLONE_VM | CloneFlags.CLONE_VFORK | Signals.SIGCHLD;
        return Signals.SIGCHLD;
    }

    // ---- signals and job control ----

    private Answer signalStop(StopRecord r) {
        SignalInfo info = r.info;
        if (t.expectHandlerEntry) {
            t.expectHandlerEntry = false;
            if (r.signal == Signals.SIGTRAP && info.code == SignalPath.SI_PTRACE_NOTIFY) {
                // The handler's frame is set up and its first instruction not run: the HANDLER point.
                hooks().signalHandler(t, t.stepMode != StepMode.NONE);
                return returnToUser(r);
            }
            if (r.signal == Signals.SIGTRAP && info.code == Signals.TRAP_TRACE && t.stepMode == StepMode.NONE) {
                return returnToUser(r); // our own step, after a signal the kernel did not hand to a handler
            }
        }
        if (r.orphanTrap) return returnToUser(r); // its watchpoint's claims are gone: the program never sees it
        SignalState.Raised raised = t.signals.match(info, t.machine.jvmPid());
        if (raised != null) {
            info = raised.info().copy();
            if (raised.decided() != null) {
                Decision d = raised.decided();
                return SignalPath.deliver(t, r, new Decision(d.signo(), info, d.kind()));
            }
        }
        t.signals.hold(info);
        return returnToUser(r);
    }

    private Answer groupStop(StopRecord r) {
        if (t.inJobctlStop) return Answer.LISTEN; // our interrupt made it trap again; the group is still stopped
        int notify = t.process.threadStopped(r.signal);
        if (!r.first) hooks().jctl(t, Signals.CLD_STOPPED, notify);
        if (t.fatal) return Answer.run(t);
        t.inJobctlStop = true;
        t.setState(TaskState.STOPPED);
        return Answer.LISTEN;
    }

    /** The group stop ended (SIGCONT): the core may hold the thread on (R-STOP-1); one thread reports the continue. */
    private Answer continued(StopRecord r) {
        synchronized (t.lock) {
            leaveGroupStopAsked = false; // asked of the stop that just ended, not of the next one
        }
        t.inJobctlStop = false;
        t.setState(TaskState.RUNNING);
        hooks().finishJobControlStop(t);
        return continuedOn(r);
    }

    private Answer continuedOn(StopRecord r) {
        if (holds(Held.CONTINUED)) return HELD;
        if (t.process.threadContinued()) hooks().jctl(t, Signals.CLD_CONTINUED, Signals.CLD_CONTINUED);
        return returnToUser(r);
    }

    /** ProcessControl.leaveGroupStop: this thread runs, as a ptrace resume from a group stop makes it; the others stay stopped. */
    private Answer leaveGroupStop(StopRecord r) {
        t.inJobctlStop = false;
        t.setState(TaskState.RUNNING);
        t.process.threadLeftStop();
        hooks().finishJobControlStop(t);
        return leftGroupStop(r);
    }

    private Answer leftGroupStop(StopRecord r) {
        if (holds(Held.LEAVE_GROUP_STOP)) return HELD;
        return returnToUser(r);
    }

    // ---- clone, exec, exit ----

    private Answer clone(StopRecord r) {
        LinuxTask child = r.child;
        long flags = switch (r.kind) {
            case VFORK -> CloneFlags.CLONE_VM | CloneFlags.CLONE_VFORK | Signals.SIGCHLD;
            case FORK -> t.lastSyscall == SYS_FORK || t.lastSyscall == SYS_CLONE || t.lastSyscall == SYS_CLONE3
                    ? t.cloneFlags & ~(CloneFlags.CLONE_THREAD | CloneFlags.CLONE_VFORK) : Signals.SIGCHLD;
            default -> t.lastSyscall == SYS_CLONE || t.lastSyscall == SYS_CLONE3 ? t.cloneFlags : CloneFlags.CLONE_VM
                    | CloneFlags.CLONE_SIGHAND | CloneFlags.CLONE_THREAD;
        };
        try {
            if (child != null) hooks().clone(t, flags, child);
        } finally {
            if (child != null) child.cloneReported.complete(null);
        }
        if (r.kind != StopKind.VFORK) return Answer.run(t);
        hooks().finishVfork(t);
        return vforkFinished();
    }

    private Answer vforkFinished() {
        if (holds(Held.VFORK)) return HELD;
        return Answer.run(t);
    }

    private Answer exec(StopRecord r) {
        LinuxTask old = r.oldLeader;
        if (old != null) {
            // The old leader vanished in de_thread: its death report first (the tracer ended it before
            // this stop; on threads, wait for its hook thread), then its reap here, in the exec'ing thread.
            old.deathReported.join();
            t.machine.releaseAfterExec(old);
        }
        synchronized (t.debug) {
            t.debug.disarm(); // exec flushes the thread's breakpoints; the claims stay for their owners (R-HBP-1)
            t.debug.dr6 = 0;
        }
        String comm = ProcInfo.comm(t.tid());
        if (comm != null) t.comm = comm;
        t.exitingOnItsOwn = false;
        if (r.first) return Answer.run(t); // a spawned program's own exec: nothing can be attached yet
        String file = t.execPath != null ? t.execPath : ProcInfo.exe(t.tid());
        List<String> argv = ProcInfo.cmdline(t.tid());
        String format = "elf";
        hooks().exec(t, format, new ExecInfo(file == null ? "?" : file, argv.isEmpty() ? List.of(String.valueOf(file)) : argv, format));
        return Answer.run(t);
    }

    private Answer exit(StopRecord r) {
        t.setState(TaskState.EXITING);
        int status = (int) r.message;
        if (!t.exitingOnItsOwn || (Wait.isKilled(status) && Wait.termSignal(status) == Signals.SIGKILL)) {
            t.fatal = true; // killed (SIGKILL, a group exit, an exec elsewhere): no engine may hold it (R-STOP-6)
        }
        // The kernel fixed the status already; a code an engine sets here is not carried out.
        exitCode = new ExitCode(status);
        hooks().exit(t, exitCode);
        return exited();
    }

    private Answer exited() {
        if (holds(Held.EXIT)) return HELD;
        synchronized (t.debug) {
            t.debug.gone = true;
            t.debug.disarm();
        }
        return Answer.run(t);
    }

    // ---- the end ----

    /** The task's end (once; a second is ignored). On the tracer thread, or after it ended. */
    void ended(StopRecord r) {
        synchronized (t.lock) {
            if (t.phase == LinuxTask.Phase.GONE) return;
            t.phase = LinuxTask.Phase.GONE;
        }
        Thread was = enter();
        try {
            end(r);
        } finally {
            leave(was);
            t.deathReported.complete(null);
        }
    }

    private void end(StopRecord r) {
        LinuxSlots.abandon(t);
        t.leaveStop();
        switch (r.ended) {
            case LET_GO -> t.machine.forget(t);
            case REPLACED_BY_EXEC -> died(0, false);
            case EXITED -> died(r.status, true);
        }
    }

    /**
     * The thread's end was reaped by the tracer: ZOMBIE (or DEAD for a thread that reaps itself),
     * the DEATH report, then DEAD and the REAP report, unless a tracer link keeps the zombie
     * (then {@code TraceLink.unlink} reaps it). An old leader replaced by an exec is reaped by the
     * exec'ing thread instead.
     */
    private void died(int status, boolean reapHere) {
        t.exitStatus = status;
        boolean groupDead = t.process.died(t);
        boolean leader = t.tid() == t.process.pid;
        boolean linked;
        synchronized (t.lock) {
            linked = t.link != null;
        }
        boolean selfReap = reapHere && !linked && !leader;
        t.setState(selfReap ? TaskState.DEAD : TaskState.ZOMBIE);
        if (reapHere) {
            int processStatus = t.process.end(leader, groupDead, status);
            if (processStatus >= 0) t.machine.processEnded(t.process, processStatus);
        }
        try {
            hooks().death(t, groupDead, selfReap ? -1 : Signals.SIGCHLD);
        } finally {
            t.deathReported.complete(null);
        }
        if (!reapHere) return;
        boolean release;
        synchronized (t.lock) {
            t.deathDone = true;
            release = t.link == null;
            if (release) t.setState(TaskState.DEAD);
        }
        if (release) t.machine.release(t);
    }
}
