package dev.utrace.linux.internal.trace;

import dev.utrace.linux.internal.sys.DebugRegs;
import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.Libc;
import dev.utrace.linux.internal.sys.LinuxException;
import dev.utrace.linux.internal.sys.Ptrace;
import dev.utrace.linux.internal.sys.Signals;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;

/**
 * Lets a process go exactly as it was. PTRACE_DETACH needs a ptrace stop, so a running thread is
 * interrupted first and detached at whatever stop comes next; a thread held in a group stop
 * (LISTEN) refuses every request but INTERRUPT, so it is interrupted too and re-traps. At the
 * stop:
 * <ul>
 * <li>debug registers are disarmed (a thread detached with DR7 set is killed by SIGTRAP at its next hit);
 * <li>a signal-delivery stop detaches with its signal (the one its listener chose), so no signal is lost;
 * <li>every other stop detaches with 0, so none is added; a thread of a stopped group stops
 *     again on its own (the kernel re-arms the group stop at detach), and the pending
 *     INTERRUPT trap is dropped by the detach, so no stop is left behind.
 * </ul>
 *
 * <p><b>A process under a seccomp filter this tracer installed is kept, not detached.</b>
 * Without a tracer the kernel makes every syscall the filter traces fail with ENOSYS (measured:
 * an {@code open} gets -1 ENOSYS), and a filter cannot be removed. So at that same stop each of
 * its threads is let go as far as the listener is concerned ({@link End#DETACHED}, debug
 * registers disarmed) but stays attached: from then on the tracer answers every stop of it as
 * the kernel would without a tracer (a seccomp or syscall stop: run on; a signal: delivered; a
 * group stop: listened in), and its new threads and children likewise, until they end. The
 * tracer thread runs on for them after {@link Tracer#close()} returns; if the JVM ends first they
 * are killed with it (their seize asked for PTRACE_O_EXITKILL) rather than left to fail.
 */
final class Detacher {

    private static final System.Logger LOG = System.getLogger(Detacher.class.getName());

    private final TracerLoop loop;

    Detacher(TracerLoop loop) {
        this.loop = loop;
    }

    /**
     * Detaches every thread of {@code p} (keeps them, for a process under a filter); the future
     * completes when none is traced (or kept, or the process died).
     */
    CompletableFuture<Void> detach(TracedProcess p) {
        if (p.detach != null) return p.detach;
        p.detach = new CompletableFuture<>();
        for (Tracee t : new ArrayList<>(p.threads)) begin(t);
        completeIfDone(p);
        return p.detach;
    }

    private void begin(Tracee t) {
        if (t.detaching) return;
        t.detaching = true;
        switch (t.state) {
            case HELD -> finish(t, t.heldKind == StopKind.SIGNAL ? t.heldSignal : 0, t.heldKind == StopKind.GROUP_STOP);
            case RUNNING, LISTENING -> {
                if (!loop.interrupt(t)) LOG.log(System.Logger.Level.DEBUG, "{0} is dying; its death ends the detach", t);
            }
            // NEW: its first stop is on its way. IN_CALLBACK: detached when its listener returns.
            default -> { }
        }
    }

    /** A stop of a thread being detached. */
    void onStop(Tracee t, int sig, int event) {
        finish(t, signalDelivery(sig, event) ? sig : 0, groupStop(sig, event));
    }

    private static boolean signalDelivery(int sig, int event) {
        return event == 0 && sig != (Signals.SIGTRAP | 0x80);
    }

    private static boolean groupStop(int sig, int event) {
        return event == Ptrace.EVENT_STOP && Signals.isStopSignal(sig);
    }

    /** Detaches the stopped thread {@code t}, handing it {@code signal} (kept instead under a filter: see the class comment). */
    void finish(Tracee t, int signal, boolean inGroupStop) {
        disarmDebugRegisters(t);
        if (t.process.filter != null) {
            t.detaching = false;
            loop.end(t, End.DETACHED, 0); // the listener's last word: nobody listens from now on
            markKept(t);
            loop.restart(t, inGroupStop ? Resume.LISTEN : Resume.CONT, signal);
            completeIfDone(t.process);
            return;
        }
        if (Ptrace.call(loop.callState, Ptrace.DETACH, t.tid, 0, signal) < 0) {
            int errno = Libc.errno(loop.callState);
            if (errno == Errno.ESRCH) {
                t.state = Tracee.State.RUNNING; // killed meanwhile: its death report ends it
                return;
            }
            throw new LinuxException("PTRACE_DETACH of " + t, errno, null);
        }
        loop.forget(t);
        if (t.attachJob != null) t.attachJob.arrived(t);
        loop.end(t, End.DETACHED, 0);
        TracedProcess p = t.process;
        if (p.threads.isEmpty()) {
            loop.processes.remove(p.pid);
            if (p.spawned != null && !p.spawned.exit.isDone()) loop.detachedChildren.put(p.pid, p.spawned);
        }
        completeIfDone(p);
    }

    /** A thread being detached died instead. */
    void threadGone(Tracee t) {
        completeIfDone(t.process);
    }

    private void completeIfDone(TracedProcess p) {
        if (p.detach == null) return;
        for (Tracee t : p.threads) {
            if (!t.kept) return;
        }
        p.detach.complete(null);
    }

    // ---- kept tracees (a process under a filter) ----

    private void markKept(Tracee t) {
        t.kept = true;
        loop.keptCount++;
    }

    /** A thread or child a kept tracee created: kept from its first stop on. */
    void keepNew(Tracee child) {
        child.detaching = false;
        markKept(child);
    }

    /** A stop of a kept tracee: answered as the kernel would without a tracer. */
    void keep(Tracee t, int sig, int event) {
        loop.restart(t, groupStop(sig, event) ? Resume.LISTEN : Resume.CONT, signalDelivery(sig, event) ? sig : 0);
    }

    private void disarmDebugRegisters(Tracee t) {
        try {
            if (t.peekUser(DebugRegs.DR7) != 0) {
                t.pokeUser(DebugRegs.DR7, 0);
                t.pokeUser(DebugRegs.DR6, 0);
            }
        } catch (LinuxException e) {
            if (e.errno() != Errno.ESRCH) throw e;
        }
    }
}
