package dev.utrace.linux.internal.machine;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.linux.internal.sys.DebugRegs;
import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.LinuxException;
import dev.utrace.linux.internal.sys.ProcessMemory;
import dev.utrace.linux.internal.sys.SigInfo;
import dev.utrace.linux.internal.sys.UserRegs;
import dev.utrace.linux.internal.trace.End;
import dev.utrace.linux.internal.trace.Resume;
import dev.utrace.linux.internal.trace.Spawned;
import dev.utrace.linux.internal.trace.Stop;
import dev.utrace.linux.internal.trace.StopKind;
import dev.utrace.linux.internal.trace.Tracee;
import dev.utrace.linux.internal.trace.TraceeListener;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The machine's side of the tracer thread. At each ptrace stop it copies the stop and the
 * registers (one PTRACE_GETREGS), the siginfo of a signal, DR6 of a SIGTRAP (recording watchpoint
 * hits), writes debug slots that changed, and has the task's {@link TaskRunner} handle it: right
 * here, restarting the tracee with the answer (registers written back if changed, the signal and
 * its siginfo set), or leaving it held ({@link Resume#HOLD}) while a hook holds it, until the
 * core lets it go ({@link #released}); or, with hooks on threads, handed to the task's hook thread,
 * whose answer comes back as a command ({@link #answer}); it never waits for a hook thread. A new
 * stop of a tracee whose previous stop is still held can only mean SIGKILL woke it: the task is
 * marked killed and the core told (R-STOP-6). Tracer thread only.
 */
final class TracerSide implements TraceeListener {
    private static final System.Logger LOG = System.getLogger(TracerSide.class.getName());

    /** {@link LinuxTask#enteredAs} when the last stop was no syscall entry. */
    static final long NOT_ENTERED = Long.MIN_VALUE;

    private final LinuxMachine machine;
    private final Map<Tracee, LinuxTask> byTracee = new IdentityHashMap<>();
    private final Arena arena = Arena.ofShared();
    private final UserRegs regs = new UserRegs(arena);
    private final MemorySegment siginfo = arena.allocate(SigInfo.SIZE, 8);
    private final ProcessMemory memory = new ProcessMemory(arena);
    private final MemorySegment word = arena.allocate(8, 8);

    TracerSide(LinuxMachine machine) {
        this.machine = machine;
    }

    /**
     * The listener of a spawned program: its first stop (its exec) makes a process with the
     * program's console, and completes {@code known} (the tracer's spawn future completes just
     * before that stop reaches this listener).
     */
    TraceeListener forSpawn(boolean stopped, java.util.concurrent.CompletableFuture<Void> known) {
        return new TraceeListener() {
            @Override
            public Resume onStop(Tracee tracee, Stop stop) {
                boolean first = stop.kind() == StopKind.EXEC && !byTracee.containsKey(tracee);
                if (stopped && first) {
                    // Held before its first instruction: the SIGSTOP is dequeued right after execve returns.
                    dev.utrace.linux.internal.sys.Signals.send(tracee.pid(), Signals.SIGSTOP);
                }
                try {
                    return TracerSide.this.onStop(tracee, stop);
                } finally {
                    if (first) known.complete(null);
                }
            }

            @Override
            public void onEnd(Tracee tracee, End end, int status) {
                TracerSide.this.onEnd(tracee, end, status);
            }
        };
    }

    @Override
    public Resume onStop(Tracee tracee, Stop stop) {
        LinuxTask t = byTracee.get(tracee);
        boolean first = t == null;
        if (first) t = adopt(tracee, stop);
        if (t.held != null) {
            // It left a stop we held: only SIGKILL does that (R-STOP-6).
            t.held = null;
            machine.killed(t);
            if (machine.hooksOnTracer()) t.runner.wokenFromHeld();
        }
        StopRecord r = record(t, stop.kind());
        r.first = first;
        try {
            fill(t, tracee, stop, r);
            LinuxSlots.apply(t, tracee);
            if (t.debug.dr6Dirty) {
                t.debug.dr6Dirty = false;
                tracee.pokeUser(DebugRegs.DR6, t.debug.dr6);
            }
        } catch (LinuxException e) {
            if (e.errno() != Errno.ESRCH) throw e;
            // SIGKILL took it out of this stop while we looked; its exit stop or death follows.
            return stop.kind() == StopKind.GROUP_STOP ? Resume.LISTEN : Resume.SYSCALL;
        }
        t.listening = null;
        if (!machine.hooksOnTracer()) {
            t.held = r;
            t.runner.post(r);
            return Resume.HOLD;
        }
        Answer a = t.runner.handle(r);
        if (a == TaskRunner.HELD) {
            t.held = r;
            return Resume.HOLD;
        }
        return restart(t, tracee, stop, r, a);
    }

    /** The answer to the stop {@code stop} is in, carried out by the listener's return. */
    private Resume restart(LinuxTask t, Tracee tracee, Stop stop, StopRecord r, Answer a) {
        try {
            prepare(t, tracee, r, a);
        } catch (LinuxException e) {
            if (e.errno() == Errno.ESRCH) return a.how(); // killed meanwhile: its end follows
            LOG.log(Level.WARNING, "could not let " + t + " go on as its hooks decided (" + a + "); resuming it plainly", e);
            return r.kind == StopKind.GROUP_STOP ? Resume.LISTEN : Resume.SYSCALL;
        }
        if (stop.kind() == StopKind.SIGNAL) stop.deliver(a.signal());
        if (a.how() == Resume.LISTEN) t.listening = r;
        return a.how();
    }

    /** The first stop of a thread this machine did not see created: a spawned program, or a thread of an attach. */
    private LinuxTask adopt(Tracee tracee, Stop stop) {
        LinuxProcess p = machine.process(tracee.pid());
        if (p == null) {
            Spawned s = tracee.spawned();
            p = machine.newProcess(tracee.pid(), s == null ? null : s.output(), s != null);
        }
        LinuxTask t = machine.newTask(p, tracee.tid(), false);
        t.tracee = tracee;
        byTracee.put(tracee, t);
        if (!machine.hooksOnTracer()) t.runner.start();
        return t;
    }

    /** The record for a new stop of {@code t}: the one of its two that is not current (hooks on the tracer thread), else a new one. */
    private StopRecord record(LinuxTask t, StopKind kind) {
        long seq = ++t.seq;
        if (!machine.hooksOnTracer()) return new StopRecord(seq, kind);
        StopRecord[] rs = t.records;
        return (rs[0] != t.current ? rs[0] : rs[1]).reuse(seq, kind);
    }

    /** Syscall stops take their registers from the syscall info, and fetch the rest if asked ({@link #load}). */
    private void fill(LinuxTask t, Tracee tracee, Stop stop, StopRecord r) {
        boolean lazy = machine.hooksOnTracer()
                && (stop.kind() == StopKind.SYSCALL_ENTRY || stop.kind() == StopKind.SYSCALL_EXIT);
        if (!lazy) load(tracee, r);
        switch (stop.kind()) {
            case SYSCALL_ENTRY -> {
                r.syscall = stop.syscall();
                for (int i = 0; i < 6; i++) r.args[i] = stop.arg(i);
                if (lazy) {
                    r.set(Reg.ORIG_RAX, r.syscall);
                    for (int i = 0; i < 6; i++) r.set(Reg.SYSCALL_ARGS[i], r.args[i]);
                    r.set(Reg.RIP, stop.instructionPointer());
                    r.set(Reg.RSP, stop.stackPointer());
                }
            }
            case SYSCALL_EXIT -> {
                r.returnValue = stop.returnValue();
                if (lazy) {
                    r.set(Reg.RAX, r.returnValue);
                    r.set(Reg.RIP, stop.instructionPointer());
                    r.set(Reg.RSP, stop.stackPointer());
                    if (t.enteredAs != NOT_ENTERED) r.set(Reg.ORIG_RAX, t.enteredAs);
                }
            }
            case SIGNAL -> {
                r.signal = stop.signal();
                tracee.getSigInfo(siginfo);
                r.rawInfo = siginfo.toArray(JAVA_BYTE);
                r.info = decode(siginfo);
                if (r.signal == Signals.SIGTRAP) trap(t, tracee, r);
            }
            case GROUP_STOP -> r.signal = stop.signal();
            case CLONE, FORK, VFORK -> {
                r.message = stop.message();
                if (stop.child() != null) r.child = child(t, stop.kind(), stop.child());
            }
            case EXEC -> {
                r.formerTid = stop.formerTid();
                execed(t, tracee, r);
            }
            case EXIT, VFORK_DONE -> r.message = stop.message();
            default -> { }
        }
    }

    /** Fetches every register of the stop (PTRACE_GETREGS). */
    private void load(Tracee tracee, StopRecord r) {
        tracee.getRegs(regs);
        MemorySegment seg = regs.segment();
        for (int i = 0; i < StopRecord.REGS; i++) r.regs[i] = seg.get(JAVA_LONG, i * 8L);
        r.loaded = true;
    }

    /** The registers of {@code r}, the stop {@code t} is in, fetched if they were not (tracer thread). */
    void load(LinuxTask t, StopRecord r) {
        if (r.loaded) return;
        Tracee tracee = t.tracee;
        if (tracee == null || t.current != r) throw new IllegalStateException(t + " is no longer in the stop whose registers were asked for");
        load(tracee, r);
    }

    /** A SIGTRAP: DR6 says which debug slots fired (it is read at every SIGTRAP, for the DR6 register too). */
    private void trap(LinuxTask t, Tracee tracee, StopRecord r) {
        long dr6 = tracee.peekUser(DebugRegs.DR6);
        t.debug.dr6 = dr6;
        if (r.info.code != Signals.TRAP_HWBKPT || DebugRegs.firedSlots(dr6) == 0) return;
        int tid = tracee.tid();
        boolean hit = LinuxSlots.trap(t, dr6, r.regs[Reg.RIP.ordinal()], (address, length) -> {
            try {
                memory.read(tid, address, word);
                long v = word.get(JAVA_LONG, 0);
                return length == 8 ? v : v & ((1L << (8 * length)) - 1);
            } catch (LinuxException e) {
                return 0;
            }
        });
        r.orphanTrap = !hit;
    }

    private LinuxTask child(LinuxTask parent, StopKind kind, Tracee c) {
        LinuxProcess p = kind == StopKind.CLONE && c.pid() == parent.tgid() ? parent.process
                : machine.newProcess(c.pid(), parent.process.console, false);
        LinuxTask child = machine.newTask(p, c.tid(), true);
        child.tracee = c;
        byTracee.put(c, child);
        if (!machine.hooksOnTracer()) child.runner.start();
        return child;
    }

    /** The exec of a non-leader: it now answers to the leader's tid; the old leader keeps the former one until reaped. */
    private void execed(LinuxTask t, Tracee tracee, StopRecord r) {
        int now = tracee.tid();
        if (t.tid() == now) return;
        LinuxTask old = machine.task(now);
        machine.retid(t, now, old, r.formerTid);
        if (old != null && old != t) r.oldLeader = old;
    }

    private static SignalInfo decode(MemorySegment s) {
        SignalInfo i = new SignalInfo(SigInfo.signo(s), SigInfo.code(s));
        i.errno = SigInfo.errno(s);
        if (i.code <= 0 || i.signo == Signals.SIGCHLD) {
            i.pid = SigInfo.pid(s);
            if (i.signo == Signals.SIGCHLD) i.status = s.get(JAVA_INT, 24);
        } else {
            i.addr = SigInfo.addr(s);
        }
        return i;
    }

    @Override
    public void onEnd(Tracee tracee, End end, int status) {
        LinuxTask t = byTracee.remove(tracee);
        if (t == null) return;
        if (t.held != null && end != End.DETACHED) {
            t.held = null;
            machine.killed(t); // it died in a stop we held
        }
        t.held = null;
        t.tracee = null;
        StopRecord r = StopRecord.end(switch (end) {
            case EXITED, KILLED -> StopRecord.End.EXITED;
            case REPLACED_BY_EXEC -> StopRecord.End.REPLACED_BY_EXEC;
            case DETACHED -> StopRecord.End.LET_GO;
        }, status);
        if (machine.hooksOnTracer()) {
            if (t.runner.holding()) t.runner.wokenFromHeld(); // the core's stop ends with the task
            t.runner.ended(r);
        } else {
            t.runner.post(r);
        }
    }

    // ---- commands from other threads ----

    /**
     * The core let {@code t} go from a stop a hook held: the hook is called again, and the tracee
     * restarted with the answer (unless stopped again meanwhile, or a hook holds it again).
     */
    void released(LinuxTask t) {
        StopRecord r = t.held;
        if (r == null || !t.runner.holding() || (t.isUtraceStopped() && !t.fatal)) return;
        Answer a = t.runner.continueHeld();
        if (a == null || a == TaskRunner.HELD || machine.lettingGo()) return;
        answer(t, r, a);
    }

    /** The answer to held stop {@code r}: dropped if a newer stop came (a SIGKILL woke the tracee). */
    void answer(LinuxTask t, StopRecord r, Answer a) {
        Tracee tracee = t.tracee;
        if (tracee == null || t.seq != r.seq || !tracee.isHeld()) return;
        t.held = null;
        try {
            prepare(t, tracee, r, a);
            if (a.how() == Resume.LISTEN) t.listening = r;
            tracee.resume(a.how(), a.signal());
        } catch (LinuxException e) {
            if (e.errno() == Errno.ESRCH) return; // killed meanwhile: its end follows
            LOG.log(Level.WARNING, "could not let " + t + " go on as its hooks decided (" + a + "); resuming it plainly", e);
            try {
                tracee.resume(r.kind == StopKind.GROUP_STOP ? Resume.LISTEN : Resume.SYSCALL, 0);
            } catch (LinuxException again) {
                LOG.log(Level.DEBUG, "and that failed too: {0}", again.getMessage());
            }
        }
    }

    /** What goes with the answer before the tracee runs: registers, DR6 and slots written, the siginfo set. */
    private void prepare(LinuxTask t, Tracee tracee, StopRecord r, Answer a) {
        // What orig_rax the syscall exit stop will have (the syscall info at exit does not say).
        t.enteredAs = r.kind == StopKind.SYSCALL_ENTRY ? r.regs[Reg.ORIG_RAX.ordinal()] : NOT_ENTERED;
        if (r.regsDirty) {
            MemorySegment seg = regs.segment();
            for (int i = 0; i < StopRecord.REGS; i++) seg.set(JAVA_LONG, i * 8L, r.regs[i]);
            tracee.setRegs(regs);
            r.regsDirty = false;
        }
        if (t.debug.dr6Dirty) {
            t.debug.dr6Dirty = false;
            tracee.pokeUser(DebugRegs.DR6, t.debug.dr6);
        }
        LinuxSlots.apply(t, tracee);
        if (a.info() != null) {
            encode(a.info(), a.raw());
            tracee.setSigInfo(siginfo);
        }
    }

    private void encode(SignalInfo i, byte[] raw) {
        siginfo.fill((byte) 0);
        if (raw != null) MemorySegment.copy(MemorySegment.ofArray(raw), 0, siginfo, 0, Math.min(raw.length, SigInfo.SIZE));
        siginfo.set(JAVA_INT, 0, i.signo);
        siginfo.set(JAVA_INT, 4, i.errno);
        siginfo.set(JAVA_INT, 8, i.code);
        if (i.code <= 0 || i.signo == Signals.SIGCHLD) {
            siginfo.set(JAVA_INT, 16, i.pid);
            if (i.signo == Signals.SIGCHLD) siginfo.set(JAVA_INT, 24, i.status);
        } else {
            siginfo.set(JAVA_LONG, 16, i.addr);
        }
    }

    /** Makes a running (or listening) tracee stop, so its hook thread reaches a resume point or the slots get written. */
    void interrupt(LinuxTask t) {
        Tracee tracee = t.tracee;
        if (tracee != null) tracee.interrupt();
    }

    /** The slots of {@code t} changed: written now if it is held, else at its next stop, which {@code interrupt} brings on. */
    void applyDebug(LinuxTask t, boolean interruptIfRunning) {
        Tracee tracee = t.tracee;
        if (tracee == null) return; // not started yet (its first stop writes them) or gone (abandon completed the wait)
        if (tracee.isHeld()) {
            try {
                LinuxSlots.apply(t, tracee);
            } catch (LinuxException e) {
                LOG.log(Level.WARNING, "could not write the debug registers of " + t, e);
            }
        } else if (interruptIfRunning) {
            tracee.interrupt();
        }
    }

    /** Every task this side knows, for the close. */
    Iterable<LinuxTask> tasks() {
        return byTracee.values();
    }
}
