package dev.utrace.sim.internal;

import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.Signals;
import java.util.ArrayDeque;

/**
 * A thread group, i.e. a process: what Linux keeps in {@code signal_struct}, {@code sighand_struct}
 * and {@code mm_struct}, plus the process's place in the process tree.
 *
 * <p><b>Locking.</b> {@link Kernel#lock} guards every field here except those marked volatile
 * (read without the lock, written under it) and {@link #console}, which has its own lock. The
 * thread list is intrusive ({@link SimTask#groupNext}) and so are the child lists
 * ({@link #firstChild}, {@link #nextSibling}), so joining and leaving cost no allocation and O(1).
 */
final class Proc {
    final int tgid;
    final boolean kernel;
    volatile SimTask leader;
    volatile AddressSpace mm;
    volatile Program program;
    volatile String comm;
    private volatile Console console;

    /** Threads in the group that are not yet released; {@link #threads} of them. */
    SimTask firstThread;
    int threads;
    /** Threads that have not yet begun to exit ({@code signal->live}). */
    int live;

    Proc parent;
    Proc firstChild;
    Proc nextSibling;
    Proc prevSibling;
    /** Children whose group is dead and whose leader is a zombie, in the order they became so. */
    ArrayDeque<Proc> zombies;
    /** Bumped whenever a child becomes reapable, stops or continues; wait4 sleeps until it changes. */
    volatile int childEvents;

    /** Dispositions; null means all SIG_DFL (copied on first change). */
    SigAction[] actions;
    SigQueue shared;

    boolean groupExit;
    long groupExitCode;
    /** The thread running de_thread in an exec, or null. */
    SimTask execer;
    int groupStopCount;
    int groupStopSignal;
    /**
     * Counts SIGCONTs sent to the group. A stop signal dequeued before a SIGCONT must not stop
     * the group after it ({@code SIGNAL_STOP_DEQUEUED}): the delivery path compares the count it
     * saw before dequeuing with the count when it starts the group stop.
     */
    long continues;
    boolean groupStopped;
    /** A CLD_STOPPED / CLD_CONTINUED notification still owed by get_signal ({@code SIGNAL_CLD_MASK}). */
    int cldFlags;
    boolean stopReportPending;
    boolean continueReportPending;
    /** The wait status the parent will see, fixed when the group dies. */
    long exitStatus;

    private static final java.lang.invoke.VarHandle CONSOLE;

    static {
        try {
            CONSOLE = java.lang.invoke.MethodHandles.lookup().findVarHandle(Proc.class, "console", Console.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    Proc(int tgid, boolean kernel, Program program, AddressSpace mm) {
        this.tgid = tgid;
        this.kernel = kernel;
        this.program = program;
        this.comm = program == null ? "init" : program.name();
        this.mm = mm;
    }

    /** The console, created on the first write (CAS, so threads of the group agree on one). */
    Console console() {
        Console c = console;
        if (c == null) {
            CONSOLE.compareAndSet(this, null, new Console());
            c = console;
        }
        return c;
    }

    /** Makes this (new) process write to {@code c}, as a forked child inherits its parent's stdout. */
    void inheritConsole(Console c) {
        console = c;
    }

    /** The console text, or "" if the process never wrote. */
    String consoleText() {
        Console c = console;
        return c == null ? "" : c.text();
    }

    // ---- dispositions (kernel lock held) ----

    SigAction action(int signo) {
        if (actions == null) {
            actions = new SigAction[Signals.NSIG + 1];
            for (int i = 1; i <= Signals.NSIG; i++) actions[i] = new SigAction();
        }
        return actions[signo];
    }

    /** The disposition's handler without allocating the table. */
    long handler(int signo) {
        return actions == null ? SigAction.SIG_DFL : actions[signo].handler;
    }

    int actionFlags(int signo) {
        return actions == null ? 0 : actions[signo].flags;
    }

    /** A copy of the dispositions for fork. */
    SigAction[] copyActions() {
        if (actions == null) return null;
        SigAction[] copy = new SigAction[actions.length];
        for (int i = 1; i < actions.length; i++) copy[i] = actions[i].copy();
        return copy;
    }

    SigQueue shared() {
        if (shared == null) shared = new SigQueue();
        return shared;
    }

    // ---- threads and children (kernel lock held) ----

    void addThread(SimTask t) {
        t.groupNext = firstThread;
        if (firstThread != null) firstThread.groupPrev = t;
        firstThread = t;
        threads++;
    }

    void removeThread(SimTask t) {
        if (t.groupPrev != null) t.groupPrev.groupNext = t.groupNext;
        else firstThread = t.groupNext;
        if (t.groupNext != null) t.groupNext.groupPrev = t.groupPrev;
        t.groupNext = t.groupPrev = null;
        threads--;
    }

    void addChild(Proc c) {
        c.parent = this;
        c.prevSibling = null;
        c.nextSibling = firstChild;
        if (firstChild != null) firstChild.prevSibling = c;
        firstChild = c;
    }

    /** Unlinks a child (reaped, self-reaped or re-parented); waiters re-check. */
    void removeChild(Proc c) {
        if (c.prevSibling != null) c.prevSibling.nextSibling = c.nextSibling;
        else firstChild = c.nextSibling;
        if (c.nextSibling != null) c.nextSibling.prevSibling = c.prevSibling;
        c.nextSibling = c.prevSibling = null;
        if (zombies != null) zombies.remove(c);
        childEvents++;
    }

    void queueZombie(Proc c) {
        if (zombies == null) zombies = new ArrayDeque<>(4);
        zombies.add(c);
        childEvents++;
    }

    /** Whether the process ignores SIGCHLD, so its children reap themselves. */
    boolean ignoresChildren() {
        return handler(Signals.SIGCHLD) == SigAction.SIG_IGN || (actionFlags(Signals.SIGCHLD) & SA_NOCLDWAIT) != 0;
    }

    /** {@code SA_NOCLDSTOP}: no SIGCHLD when a child stops. */
    static final int SA_NOCLDSTOP = 1;
    /** {@code SA_NOCLDWAIT}: children reap themselves. */
    static final int SA_NOCLDWAIT = 2;
}
