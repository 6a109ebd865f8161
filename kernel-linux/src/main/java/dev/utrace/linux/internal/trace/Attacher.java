package dev.utrace.linux.internal.trace;

import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.Libc;
import dev.utrace.linux.internal.sys.LinuxException;
import dev.utrace.linux.internal.sys.Ptrace;
import java.util.HashSet;
import java.util.Set;

/**
 * Attaches to a running process with all its threads: PTRACE_SEIZE each thread listed in
 * {@code /proc/PID/task}, then PTRACE_INTERRUPT it, and list again until no new thread shows up
 * (a thread created by one not yet seized would otherwise be missed; one created by a seized
 * thread arrives as a CLONE child). Refused, changing nothing: a pid that is not a process, a
 * zombie, this JVM or one of its ancestors, and a process another tracer has.
 */
final class Attacher {

    private final TracerLoop loop;

    Attacher(TracerLoop loop) {
        this.loop = loop;
    }

    AttachJob attach(int pid, TraceeListener listener) {
        if (loop.closing) throw new LinuxException("the tracer is closing; it attaches to nothing more");
        refuseIfNotAttachable(pid);
        AttachJob job = new AttachJob(pid);
        long r = Ptrace.call(loop.callState, Ptrace.SEIZE, pid, 0, TracerLoop.OPTIONS);
        if (r < 0) {
            int errno = Libc.errno(loop.callState);
            throw new LinuxException("PTRACE_SEIZE of process " + pid, errno, errno == Errno.EPERM
                    ? "it may be traced by another tool, or this JVM lacks the right (root or CAP_SYS_PTRACE)"
                    : errno == Errno.ESRCH ? "the process is gone" : null);
        }
        TracedProcess process = loop.newProcess(pid, null, false);
        seize(job, process, pid, listener);
        Set<Integer> seen = new HashSet<>();
        seen.add(pid);
        for (boolean more = true; more; ) {
            more = false;
            for (int tid : ProcFs.tasks(pid)) {
                if (!seen.add(tid)) continue;
                more = true;
                if (loop.tracees.get(tid) != null) continue;
                if (Ptrace.call(loop.callState, Ptrace.SEIZE, tid, 0, TracerLoop.OPTIONS) < 0) {
                    // ESRCH: it exited. EPERM: a seized thread cloned it, so it is ours already (a CLONE child).
                    continue;
                }
                seize(job, process, tid, listener);
            }
        }
        job.seizingDone();
        return job;
    }

    private void seize(AttachJob job, TracedProcess process, int tid, TraceeListener listener) {
        Tracee t = loop.register(tid, process, listener);
        job.seized(t);
        loop.interrupt(t);
    }

    private void refuseIfNotAttachable(int pid) {
        if (pid <= 0) throw new LinuxException(pid + " is not a process id; give a positive pid");
        ProcFs.Status s = ProcFs.status(pid);
        if (s == null) throw new LinuxException("there is no process " + pid);
        if (s.tgid() != pid) {
            throw new LinuxException(pid + " is a thread of process " + s.tgid() + "; attach to " + s.tgid()
                    + " (all its threads are traced)");
        }
        if (s.state() == 'Z' || s.state() == 'X') {
            throw new LinuxException("process " + pid + " (" + s.name() + ") has exited and waits to be reaped by its parent; there is nothing to trace");
        }
        if (s.kernelThread()) {
            throw new LinuxException("process " + pid + " (" + s.name() + ") is a kernel thread; it has no user space to trace");
        }
        long self = ProcessHandle.current().pid();
        if (pid == self) throw new LinuxException("process " + pid + " is this JVM, which cannot trace itself");
        for (ProcFs.Status a = ProcFs.status((int) self); a != null && a.ppid() > 0; a = ProcFs.status(a.ppid())) {
            if (a.ppid() == pid) {
                throw new LinuxException("process " + pid + " (" + s.name() + ") is an ancestor of this JVM; "
                        + "stopping it could stop the JVM's own parent, so it is not traced");
            }
        }
        if (s.tracerPid() != 0) {
            if (s.tracerPid() == loop.tid) throw new LinuxException("process " + pid + " is traced by this tracer already");
            ProcFs.Status tracer = ProcFs.status(s.tracerPid());
            throw new LinuxException("process " + pid + " (" + s.name() + ") is traced by process " + s.tracerPid()
                    + (tracer == null ? "" : " (" + tracer.name() + ")")
                    + "; Linux allows one tracer per thread: detach that one first");
        }
    }
}
