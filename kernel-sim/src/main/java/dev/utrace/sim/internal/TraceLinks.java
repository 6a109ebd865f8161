package dev.utrace.sim.internal;

import dev.utrace.api.proc.TraceLink;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;

/**
 * Tracer links ({@code __ptrace_link} / {@code __ptrace_unlink}): a linked task's death is held
 * for its tracer. {@link ExitPath} consults {@link SimTask#traceLink} (under {@link Kernel#lock})
 * where it would reap a thread at once or tell the real parent; {@link #unlink} does what it
 * skipped. A multithreaded exec breaks the old leader's link ({@link #breakLink}).
 */
final class TraceLinks {
    private final Kernel k;

    TraceLinks(Kernel k) {
        this.k = k;
    }

    TraceLink link(SimTask t) {
        k.lock.lock();
        try {
            if (t.kernelThread || t.rawState().hasExited() || t.traceLink != null) return null;
            Link l = new Link(t);
            t.traceLink = l;
            return l;
        } finally {
            k.lock.unlock();
        }
    }

    /** de_thread releases the old leader whatever holds it; its tracer sees the link gone. */
    void breakLink(SimTask t) {
        assert k.lock.isHeldByCurrentThread();
        if (t.traceLink instanceof Link l) {
            l.linked = false;
            t.traceLink = null;
        }
    }

    private boolean unlink(Link l) {
        SimTask t = l.task;
        SimTask reap = null;
        Deferred d = new Deferred();
        k.lock.lock();
        try {
            if (!l.linked) return false;
            l.linked = false;
            t.traceLink = null;
            if (t.rawState() != TaskState.ZOMBIE) return false;
            Proc p = t.proc;
            if (t != p.leader) {
                reap = t;
            } else if (p.threads == 1 && k.exits.notifyParent(p, d)) {
                reap = t;
            }
            if (reap != null) reap.setState(TaskState.DEAD);
        } finally {
            k.lock.unlock();
            d.run();
        }
        if (reap == null) return false;
        k.exits.release(reap);
        return true;
    }

    private final class Link implements TraceLink {
        final SimTask task;
        /** Written under {@link Kernel#lock}; read without it. */
        volatile boolean linked = true;

        Link(SimTask task) {
            this.task = task;
        }

        @Override
        public Task tracee() {
            return task;
        }

        @Override
        public boolean linked() {
            return linked;
        }

        @Override
        public int exitStatus() {
            k.lock.lock();
            try {
                return task.rawState().hasExited() ? (int) task.exitCode : -1;
            } finally {
                k.lock.unlock();
            }
        }

        @Override
        public boolean unlink() {
            return TraceLinks.this.unlink(this);
        }

        @Override
        public String toString() {
            return "TraceLink[" + task.tid() + (linked ? "" : ", unlinked") + "]";
        }
    }
}
