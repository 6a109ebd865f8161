package dev.utrace.api.proc;

import dev.utrace.api.task.Task;
import org.osgi.annotation.versioning.ProviderType;

/** A tracer's hold on a task's death, from {@link ProcessControl#link(Task)}. */
@ProviderType
public interface TraceLink {
    Task tracee();

    /** False once unlinked, by {@link #unlink()} or by a multithreaded exec's release. */
    boolean linked();

    /**
     * The thread's wait status once it has died (a zombie or released): exit code {@code << 8},
     * or the killing signal (with 0x80 if it dumped core); -1 while it lives.
     */
    int exitStatus();

    /**
     * Ends the link ({@code __ptrace_unlink}, plus the reap a tracer's {@code wait} does). A live
     * task goes on untraced. A zombie goes on as if it had just died untraced: a non-leader, or a
     * process whose parent ignores SIGCHLD, is reaped now, on this thread; otherwise its parent
     * gets SIGCHLD and can wait for it. Idempotent; returns true if this call reaped the task.
     */
    boolean unlink();
}
