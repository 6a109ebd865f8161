package dev.utrace.linux.internal.trace;

import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.Libc;
import dev.utrace.linux.internal.sys.Ptrace;
import dev.utrace.linux.internal.sys.Signals;
import dev.utrace.linux.internal.sys.Spawn;
import dev.utrace.linux.internal.sys.Wait;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wakes the tracer thread out of {@code waitpid} without native code: a traced
 * {@code sleep infinity}. A tracee gets a signal-delivery stop even for a signal it ignores, so
 * {@code kill(doorbell, SIGURG)} from any thread makes the tracer's {@code waitpid} return, and
 * the stop stays pending until the tracer consumes it: no wake-up is lost between draining the
 * command queue and waiting. Seized with {@code PTRACE_O_EXITKILL}, so it dies with the tracer.
 */
final class Doorbell {

    private static final System.Logger LOG = System.getLogger(Doorbell.class.getName());

    /** Set by a ring, cleared when its stop is consumed: one SIGURG per wake-up, not per command. */
    private final AtomicBoolean rung = new AtomicBoolean();
    /** Guards {@link #pid} against reuse: no SIGURG goes to a pid once the doorbell is reaped. */
    private final Object lock = new Object();
    /** The errno of a ring's kill, used under {@link #lock}: a ring allocates nothing. */
    private final MemorySegment ringState = Libc.newCallState(Arena.ofAuto());
    private int pid;
    private boolean retired;
    /** SIGURGs sent, under {@link #lock}. */
    private long rings;

    /** Starts the doorbell process; tracer thread only (the process must be its child). */
    void start(MemorySegment callState) {
        String sleep = ProgramPath.resolve("sleep", "/usr/bin:/bin", Path.of("/"));
        int child = Spawn.spawn(new Spawn.Request(sleep, List.of("utrace-doorbell", "infinity"), List.of(), "/", -1, -1));
        if (Ptrace.call(callState, Ptrace.SEIZE, child, 0, Ptrace.O_EXITKILL) < 0) {
            int errno = Libc.errno(callState);
            Signals.kill(callState, child, Signals.SIGKILL);
            MemorySegment status = Arena.ofAuto().allocate(java.lang.foreign.ValueLayout.JAVA_INT);
            while (Wait.waitpid(callState, child, status, Wait.WNOTHREAD) < 0 && Libc.errno(callState) == Errno.EINTR) { }
            throw new dev.utrace.linux.internal.sys.LinuxException("PTRACE_SEIZE of the tracer's doorbell process " + child,
                    errno, "this JVM cannot use ptrace (a seccomp profile or Yama may forbid it; run as root or with CAP_SYS_PTRACE)");
        }
        synchronized (lock) {
            pid = child;
        }
    }

    boolean is(int tid) {
        return tid == pid;
    }

    /** Makes the tracer's waitpid return soon. Any thread. */
    void ring() {
        if (rung.getAndSet(true)) return;
        synchronized (lock) {
            if (retired || pid == 0) return;
            Signals.kill(ringState, pid, Signals.SIGURG);
            rings++;
        }
    }

    /** How many times it was rung (a wake-up each). */
    long rings() {
        synchronized (lock) {
            return rings;
        }
    }

    /** A wait status of the doorbell; tracer thread only. */
    void onStatus(MemorySegment callState, int status) {
        if (!Wait.isStopped(status)) {
            LOG.log(System.Logger.Level.WARNING, "the tracer's doorbell process {0} ended ({1}); starting another",
                    pid, Wait.describe(status));
            rung.set(false);
            start(callState);
            return;
        }
        int sig = Wait.stopSignal(status);
        int request = Wait.event(status) == Ptrace.EVENT_STOP && Signals.isStopSignal(sig) ? Ptrace.LISTEN : Ptrace.CONT;
        if (sig == Signals.SIGURG) rung.set(false);
        // Every signal is swallowed: the doorbell must outlive anything but SIGKILL.
        if (Ptrace.call(callState, request, pid, 0, 0) < 0 && Libc.errno(callState) != Errno.ESRCH) {
            LOG.log(System.Logger.Level.WARNING, "could not restart the doorbell process {0}: {1}", pid,
                    Errno.describe(Libc.errno(callState)));
        }
    }

    /** Kills and reaps the doorbell; no ring reaches its pid afterwards. Tracer thread only. */
    void retire(MemorySegment callState, MemorySegment status) {
        int child;
        synchronized (lock) {
            retired = true;
            child = pid;
        }
        if (child == 0) return;
        Signals.kill(callState, child, Signals.SIGKILL);
        while (true) {
            int r = Wait.waitpid(callState, child, status, Wait.WALL | Wait.WNOTHREAD);
            if (r < 0 && Libc.errno(callState) == Errno.EINTR) continue;
            if (r < 0) return;
            int st = status.get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
            if (!Wait.isStopped(st)) return;
            Ptrace.call(callState, Ptrace.CONT, child, 0, 0);
        }
    }
}
