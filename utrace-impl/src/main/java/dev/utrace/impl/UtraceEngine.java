package dev.utrace.impl;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineInfo;
import dev.utrace.api.EngineOps;
import dev.utrace.api.EngineState;
import dev.utrace.api.SyscallSet;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One engine ({@code struct utrace_engine}).
 *
 * <p>Fields and who guards them:
 * <ul>
 * <li>{@code refs}: atomic; the count of references (R-REF-1..3).
 * <li>{@code ops}: volatile; changed only under the task's lock: real ops, then
 * {@link DetachedOps#INSTANCE} when marked detached, then {@code null} when fully detached
 * (R-DATA-2). Read without the lock by reporting passes, <em>after</em> {@code flags}.
 * <li>{@code flags}: volatile; the event mask plus {@link Bits#ENGINE_STOP} and
 * {@link Bits#SYSCALL_FILTER}; written only under the task's lock, read without it.
 * <li>{@code syscalls}: volatile; the syscall set; written only under the task's lock, always
 * before the {@code SYSCALL_FILTER} bit that tells a pass to look at it.
 * <li>{@code releaseOps}: the ops captured at attach whose {@code release} runs once; taken
 * with an atomic swap by whoever runs it first (last put, or revocation of the owner).
 * <li>{@code data}: written at attach; cleared only after {@code release} ran at revocation.
 * </ul>
 */
final class UtraceEngine implements Engine {
    private static final VarHandle REFS;
    private static final VarHandle RELEASE_OPS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            REFS = l.findVarHandle(UtraceEngine.class, "refs", int.class);
            RELEASE_OPS = l.findVarHandle(UtraceEngine.class, "releaseOps", EngineOps.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final UtraceTask task;
    final Owner owner;
    /** Whether the ops override reportSignal; else the signal path calls reportQuiesce (R-OPS-1). */
    final boolean hasReportSignal;
    final String opsType;

    volatile EngineOps ops;
    volatile long flags;
    volatile SyscallSet syscalls = SyscallSet.ALL;
    private volatile Object data;
    @SuppressWarnings("unused") // accessed through REFS
    private volatile int refs;
    @SuppressWarnings("unused") // accessed through RELEASE_OPS
    private volatile EngineOps releaseOps;
    private volatile boolean releaseDone;

    UtraceEngine(UtraceTask task, Owner owner, EngineOps ops, Object data) {
        this.task = task;
        this.owner = owner;
        this.ops = ops;
        this.releaseOps = ops; // R-REF-5: captured now, never re-read from the mutable ops
        this.data = data;
        this.hasReportSignal = OpsTraits.overridesReportSignal(ops.getClass());
        this.opsType = ops.getClass().getName();
        this.refs = 1; // the caller's; the attached reference is added when it joins the task
    }

    @Override
    public Engine get() {
        int r;
        do {
            r = (int) REFS.getVolatile(this);
            if (r <= 0) {
                throw new IllegalStateException("get() on a freed engine " + this + ": hold a reference before taking another");
            }
        } while (!REFS.compareAndSet(this, r, r + 1));
        return this;
    }

    @Override
    public void put() {
        int r;
        do {
            r = (int) REFS.getVolatile(this);
            if (r <= 0) {
                throw new IllegalStateException("put() on engine " + this + " with no reference left: a put without a matching get");
            }
        } while (!REFS.compareAndSet(this, r, r - 1));
        if (r == 1) {
            runRelease();
            owner.forget(this);
        }
    }

    /**
     * Runs {@code release(data)} unless another thread took the hook first; true if this call
     * ran it. The data is read before the hook is taken, so a revocation that later forgets
     * the data can never make a release see null.
     */
    boolean runRelease() {
        Object d = data;
        EngineOps hook = (EngineOps) RELEASE_OPS.getAndSet(this, (EngineOps) null);
        if (hook == null) {
            return false;
        }
        try {
            Callbacks.release(hook, this, d);
        } finally {
            releaseDone = true;
        }
        return true;
    }

    /** Whether a release that some thread started has returned. */
    boolean releaseDone() {
        return releaseDone;
    }

    /** After revocation ran release, the data is destroyed; drop it so the owner's classes can be unloaded. */
    void forgetData() {
        data = null;
    }

    @Override
    public Object data() {
        return data;
    }

    @Override
    public long events() {
        return flags & ~Bits.PRIVATE;
    }

    @Override
    public SyscallSet syscalls() {
        return syscalls;
    }

    @Override
    public EngineState state() {
        EngineOps o = ops;
        return o == null ? EngineState.DETACHED : o == DetachedOps.INSTANCE ? EngineState.DETACHING : EngineState.ATTACHED;
    }

    @Override
    public int refCount() {
        return (int) REFS.getVolatile(this);
    }

    @Override
    public boolean holdsStop() {
        return (flags & Bits.ENGINE_STOP) != 0;
    }

    @Override
    public String owner() {
        return owner.name();
    }

    boolean isAttachedOps() {
        EngineOps o = ops;
        return o != null && o != DetachedOps.INSTANCE;
    }

    EngineInfo info() {
        return new EngineInfo(owner.name(), opsType, events(), refCount(), state(), holdsStop(), syscalls);
    }

    @Override
    public String toString() {
        return "engine[" + opsType + " of " + owner.name() + " on " + task.describe() + "]";
    }
}
