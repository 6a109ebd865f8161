package dev.utrace.linux.internal.trace;

import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.Libc;
import dev.utrace.linux.internal.sys.Ptrace;
import dev.utrace.linux.internal.sys.Wait;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Statuses of tids the tracer does not know yet: new threads and children whose parent's
 * CLONE/FORK/VFORK event has not been handled. The kernel's tracee list is newest first, so when
 * both are pending waitpid returns the child's first stop before the parent's event. They are
 * kept until that event adopts the child. Two ends without an event are handled too: a creator
 * that is not traced (the child would wait forever: it is let go), and a creator killed between
 * the clone and its event (the kernel skips the event of a dying task: its children are adopted
 * when it is gone). Tracer thread only.
 */
final class Orphans {

    private static final System.Logger LOG = System.getLogger(Orphans.class.getName());
    /** Deaths of never-adopted tids are kept until an event names them; beyond this many, forgotten. */
    private static final int LIMIT = 4096;

    private record Early(int status, int creator) {}

    private final TracerLoop loop;
    private final Map<Integer, Early> early = new HashMap<>();
    long count;

    Orphans(TracerLoop loop) {
        this.loop = loop;
    }

    /** A status of unknown {@code tid}. */
    void arrived(int tid, int status) {
        count++;
        if (early.size() >= LIMIT) early.clear();
        if (!Wait.isStopped(status)) {
            early.put(tid, new Early(status, 0)); // reaped already: /proc cannot say whose it was
            return;
        }
        ProcFs.Status s = ProcFs.status(tid);
        int creator = s == null ? 0 : s.tgid() != tid ? s.tgid() : s.ppid();
        if (s != null && loop.processes.containsKey(creator)) {
            early.put(tid, new Early(status, creator));
        } else {
            LOG.log(System.Logger.Level.WARNING, "thread {0} stopped for this tracer, but no traced process created it; letting it go", tid);
            letGo(tid);
        }
    }

    /** The early status of {@code tid}, now that its parent's event adopted it; null if none came. */
    Integer take(int tid) {
        Early e = early.remove(tid);
        return e == null ? null : e.status;
    }

    /** Process {@code p} is gone: its children whose FORK/VFORK event never came are adopted with {@code listener}. */
    void creatorGone(TracedProcess p, TraceeListener listener) {
        if (early.isEmpty()) return;
        List<Integer> adopted = new ArrayList<>();
        early.forEach((tid, e) -> {
            if (e.creator == p.pid) adopted.add(tid);
        });
        for (int tid : adopted) {
            Early e = early.remove(tid);
            ProcFs.Status s = ProcFs.status(tid);
            if (s == null || s.tgid() != tid) continue; // a thread of the dead process died with it
            TracedProcess process = loop.newProcess(tid, null, p.killOnClose);
            process.filter = p.filter; // a fork inherits the filter
            Tracee child = loop.register(tid, process, listener);
            if (keptCreator(p)) loop.detacher.keepNew(child);
            LOG.log(System.Logger.Level.DEBUG, "{0} adopted: its parent {1} died before reporting it", child, p.pid);
            loop.handleAdopted(child, e.status);
        }
    }

    /** Whether the gone process's threads were kept ({@link Detacher}): its orphans are kept too. */
    private static boolean keptCreator(TracedProcess p) {
        return p.detach != null && p.detach.isDone() && p.filter != null;
    }

    private void letGo(int tid) {
        if (Ptrace.call(loop.callState, Ptrace.DETACH, tid, 0, 0) < 0 && Libc.errno(loop.callState) != Errno.ESRCH) {
            LOG.log(System.Logger.Level.WARNING, "could not detach thread {0}: {1}", tid, Errno.describe(Libc.errno(loop.callState)));
        }
    }
}
