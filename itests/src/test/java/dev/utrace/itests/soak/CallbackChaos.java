package dev.utrace.itests.soak;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.Engine;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SignalAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.spi.TracedTask;
import java.util.concurrent.locks.LockSupport;

/**
 * What every soak engine does in its callbacks, and the invariants checked there. Each callback
 * may sleep briefly, call control/setEvents/barrier on its own task, or throw; then it answers
 * at random from the engine's personality: every resume action, every signal action with and
 * without HOLD, syscall ABORT. At quiet points ({@link SoakContext#benign}) it only answers RESUME.
 */
final class CallbackChaos {
    private static final ResumeAction[] ACTIONS = ResumeAction.values();
    private final SoakContext cx;

    CallbackChaos(SoakContext cx) {
        this.cx = cx;
    }

    // ---- the callbacks ------------------------------------------------------------------

    /** Any callback that answers a resume action; {@code exitPass} for the EXIT report and its quiesce. */
    ResumeAction resumeCallback(Engine engine, Task task, String callback, boolean exitPass) {
        EngineRecord r = begin(engine, callback);
        if (r == null) return ResumeAction.RESUME;
        boolean noMore = true;
        try {
            boolean selfDetach = misbehave(r, engine, task, callback, false);
            ResumeAction a = pick(r, exitPass && cx.config.excludes(KnownFault.EXIT_STOP_KILL));
            r.note(callback + " -> " + a);
            noMore = selfDetach || a == ResumeAction.DETACH;
            return a;
        } finally {
            end(r, callback, noMore);
        }
    }

    int syscallEntry(Engine engine, Task task, int action) {
        EngineRecord r = begin(engine, "reportSyscallEntry");
        if (r == null) return action & SyscallAction.MASK | ResumeAction.RESUME.code();
        boolean noMore = true;
        try {
            boolean selfDetach = misbehave(r, engine, task, "reportSyscallEntry", false);
            ResumeAction a = pick(r, false);
            int sys = !cx.benign && r.chance(0.03) ? SyscallAction.ABORT.code() : action & SyscallAction.MASK;
            r.note("reportSyscallEntry -> " + SyscallAction.of(sys) + "|" + a);
            noMore = selfDetach || a == ResumeAction.DETACH;
            return sys | a.code();
        } finally {
            end(r, "reportSyscallEntry", noMore);
        }
    }

    int signal(Engine engine, Task task, int action, SignalInfo info) {
        SignalAction given = SignalAction.of(action);
        String callback = "reportSignal(" + given + ", " + Signals.name(info.signo) + ")";
        EngineRecord r = begin(engine, callback);
        if (r == null) return action & SignalAction.MASK | ResumeAction.RESUME.code();
        if (info.signo == Signals.SIGKILL && given != SignalAction.REPORT && given != SignalAction.HANDLER) {
            cx.violations.add("R-EVT-9", "SIGKILL was shown to " + callback + ": " + r.describe());
        }
        boolean noMore = true;
        try {
            boolean selfDetach = misbehave(r, engine, task, callback, false);
            ResumeAction a = pick(r, false);
            int sig = cx.benign || r.chance(0.6) ? action & SignalAction.MASK : randomSignalAction(r).code();
            int ret = sig | a.code();
            boolean noSignal = info.signo == 0;
            if (!cx.benign && r.chance(0.06) && !(noSignal && cx.config.excludes(KnownFault.HOLD_WITHOUT_SIGNAL))) {
                ret |= SignalAction.HOLD;
            }
            r.note(callback + " -> " + SignalAction.of(ret) + (SignalAction.isHold(ret) ? "|HOLD" : "") + "|" + a);
            noMore = selfDetach || a == ResumeAction.DETACH;
            return ret;
        } finally {
            end(r, callback, noMore);
        }
    }

    ResumeAction death(Engine engine, Task task) {
        EngineRecord r = begin(engine, "reportDeath");
        if (r == null) return ResumeAction.RESUME;
        if (r.deathRunning || r.deathReturned) {
            cx.violations.add("R-EVT-ORD-3", "a second reportDeath: " + r.describe());
        }
        r.deathRunning = true;
        boolean noMore = true;
        try {
            boolean selfDetach = misbehave(r, engine, task, "reportDeath", false);
            ResumeAction a = cx.benign ? ResumeAction.RESUME : r.chance(0.25) ? ResumeAction.DETACH : ACTIONS[r.nextInt(ACTIONS.length)];
            r.note("reportDeath -> " + a);
            noMore = selfDetach || a == ResumeAction.DETACH;
            return a;
        } finally {
            r.deathReturned = true;
            r.deathRunning = false;
            end(r, "reportDeath", noMore);
        }
    }

    void reap(Engine engine, Task task) {
        EngineRecord r = begin(engine, "reportReap");
        if (r == null) return;
        if (r.deathRunning) {
            cx.violations.add("R-REAP-1", "reportReap began while reportDeath of the same engine was running: " + r.describe());
        }
        try {
            misbehave(r, engine, task, "reportReap", true);
        } finally {
            r.reapReturned = true;
            end(r, "reportReap", true);
        }
    }

    void release(Object data) {
        cx.stats.releases.increment();
        if (!(data instanceof EngineRecord r)) {
            cx.violations.add("R-REF-5", "release got data " + data + ", not the data given at attach");
            return;
        }
        int n = r.releases.incrementAndGet();
        r.note("release #" + n);
        if (n > 1) cx.violations.add("R-REF-5", "release ran " + n + " times: " + r.describe());
        Outcome attached = r.attachOutcome;
        if (attached != null && attached != Outcome.DONE) {
            cx.violations.add("R-REF-7", "release ran after a failed attach (" + attached + "): " + r.describe());
        }
        String running = r.runningCallback;
        if (r.inCallback.get() > 0) {
            cx.violations.add("R-REF-5", "release ran while a callback of the engine was running (" + running + "): "
                    + r.describe(), jctl(running));
        }
        if (!r.owner.revokeStarted) {
            int held = r.soakRefs.get();
            if (held > 0) {
                cx.violations.add("R-REF-3", "release ran while the soak still held " + held + " reference(s): " + r.describe());
            }
            if (attached == null) {
                cx.violations.add("R-REF-5", "release ran before attach returned the engine: " + r.describe());
            }
            Engine e = r.engine;
            if (e != null && e.refCount() != 0) {
                cx.violations.add("R-REF-5", "release ran with " + e.refCount() + " reference(s) left: " + r.describe());
            }
        }
    }

    /** In reportClone: sometimes attach an engine to the child and hold it before it runs (R-ATT-8). */
    void maybeAttachToChild(Engine parentEngine, Task child) {
        if (cx.benign || !(parentEngine.data() instanceof EngineRecord parent) || !parent.chance(0.25)) return;
        EngineRecord r = cx.attacher.create(parent.owner, (TracedTask) child, parent, false);
        if (r == null) return;
        cx.stats.childAttaches.increment();
        if (parent.chance(0.5)) {
            Outcome o = r.owner.facade.control(r.task, r.engine, ResumeAction.STOP);
            r.note("control(STOP) from the parent's reportClone = " + o);
            if (o != Outcome.IN_PROGRESS && o != Outcome.GONE) {
                cx.violations.add("R-ATT-8", "control(STOP) on a child that has not run yet answered " + o + ": " + r.describe());
            }
        }
        cx.keepOrDrop(r, parent);
    }

    // ---- the invariants at every callback --------------------------------------------------

    private EngineRecord begin(Engine engine, String callback) {
        Object d = engine.data();
        if (!(d instanceof EngineRecord r)) {
            cx.violations.add("revocation", callback + " on " + engine + " whose data is " + d
                    + " (the core forgets the data of a revoked engine only after no callback can reach it)");
            return null;
        }
        if (!callback.equals("reportReap")) cx.taskThreads.noteCurrent(); // reportReap runs in the reaper's thread
        int running = r.inCallback.incrementAndGet();
        r.runningCallback = callback;
        r.callbacks.incrementAndGet();
        cx.stats.callbacks.increment();
        r.note("begin " + callback);
        if (running > 1) {
            cx.violations.add("R-DATA-4", callback + " began while another callback of the same engine was running: " + r.describe());
        }
        if (r.releases.get() > 0) {
            cx.violations.add("R-REF-5", callback + " began after release(data) ran: " + r.describe());
        }
        if (r.detachDone) {
            cx.violations.add("R-CTL-DETACH", callback + " began after control(DETACH) answered DONE: " + r.describe(), jctl(callback));
        }
        if (r.detachComplete) {
            cx.violations.add("R-BAR-5", callback + " began after barrier answered GONE following a DETACH: " + r.describe());
        }
        if (r.noMoreCallbacks) {
            cx.violations.add("R-ACT-3", callback + " began after the engine returned DETACH, threw, or had its own"
                    + " control(DETACH) answer IN_PROGRESS: " + r.describe());
        }
        if (r.owner.revokeReturned) {
            cx.violations.add("revocation", callback + " began after revoke() of " + r.owner + " returned: " + r.describe());
        }
        if (r.reapReturned) {
            cx.violations.add("R-REF-10", callback + " began after reportReap returned: " + r.describe());
        }
        return r;
    }

    private static void end(EngineRecord r, String callback, boolean noMore) {
        if (noMore) r.noMoreCallbacks = true;
        r.note("end " + callback + (noMore ? " (no callback may follow)" : ""));
        r.runningCallback = null;
        r.inCallback.decrementAndGet();
    }

    /** REPORT, SINGLESTEP and BLOCKSTEP need QUIESCE in the engine's events (check 2 of section 7). */
    static boolean needsQuiesce(ResumeAction a) {
        return a == ResumeAction.REPORT || a == ResumeAction.SINGLESTEP || a == ResumeAction.BLOCKSTEP;
    }

    static KnownFault jctl(String callback) {
        boolean jctl = callback != null && (callback.startsWith("reportJctl") || callback.equals("reportQuiesce(JCTL)"));
        return jctl ? KnownFault.JCTL_ADOPTED_EARLY : null;
    }

    // ---- misbehaviour and answers ----------------------------------------------------------

    /**
     * Sleeps, calls the API on its own task, or throws, as the engine's personality says.
     *
     * @return whether the engine asked for its own detach and got IN_PROGRESS (no callback may follow this one)
     */
    private boolean misbehave(EngineRecord r, Engine engine, Task task, String callback, boolean reap) {
        if (cx.benign) return false;
        EngineRecord.Personality p = r.personality;
        if (r.chance(p.sleep())) {
            cx.stats.callbackSleeps.increment();
            LockSupport.parkNanos(50_000L + r.nextInt(1_500_000));
        }
        boolean selfDetach = r.chance(p.selfCall()) && callOwnTask(r, engine, (TracedTask) task, callback, reap);
        if (r.chance(p.fault())) {
            cx.stats.callbackFaults.increment();
            r.note(callback + " throws");
            throw new SoakCallbackFault(callback);
        }
        return selfDetach;
    }

    /** R-EVT-3, R-BAR-1, R-SET-5 on the task's own thread (reportReap runs in the reaper's: no barrier there). */
    private boolean callOwnTask(EngineRecord r, Engine engine, TracedTask task, String callback, boolean reap) {
        cx.stats.selfCalls.increment();
        switch (r.nextInt(reap ? 2 : 3)) {
            case 0 -> {
                ResumeAction a = ACTIONS[r.nextInt(ACTIONS.length)];
                Outcome o = r.owner.facade.control(task, engine, a);
                r.note(callback + " calls control(" + a + ") on its own task = " + o);
                if (a == ResumeAction.DETACH) {
                    if (o == Outcome.IN_PROGRESS) return true;
                    if (o != Outcome.GONE && o != Outcome.ALREADY) {
                        cx.violations.add("R-EVT-3", "control(DETACH) from the engine's own " + callback + " answered " + o
                                + " (a callback of it is running: IN_PROGRESS, or GONE/ALREADY when dead): " + r.describe(),
                                jctl(callback));
                    }
                } else if (o == Outcome.NOT_SUPPORTED || o == Outcome.ALREADY || o == Outcome.IN_PROGRESS && a != ResumeAction.STOP
                        || o == Outcome.INVALID && !needsQuiesce(a)) {
                    cx.violations.add("R-CTL", "control(" + a + ") from the engine's own " + callback + " answered " + o + ": " + r.describe());
                }
            }
            case 1 -> {
                long mask = cx.randomMask(r);
                Outcome o = r.owner.facade.setEvents(task, engine, mask);
                r.note(callback + " calls setEvents(" + dev.utrace.api.Event.format(mask) + ") on its own task = " + o);
                if (o == Outcome.IN_PROGRESS && !reap) {
                    cx.violations.add("R-SET-5", "setEvents on its own task from " + callback + " answered IN_PROGRESS: " + r.describe());
                }
            }
            default -> {
                Outcome o = r.owner.facade.barrier(task, engine);
                r.note(callback + " calls barrier on its own task = " + o);
                if (o != Outcome.DONE) {
                    cx.violations.add("R-BAR-1", "barrier on its own task from " + callback + " answered " + o + ": " + r.describe());
                }
            }
        }
        return false;
    }

    /** A resume action from the engine's personality; RESUME at quiet points. */
    private ResumeAction pick(EngineRecord r, boolean noStop) {
        if (cx.benign) return ResumeAction.RESUME;
        EngineRecord.Personality p = r.personality;
        double x = r.nextDouble();
        if (x < p.stop()) return noStop ? ResumeAction.RESUME : ResumeAction.STOP;
        x -= p.stop();
        if (x < p.detach()) return ResumeAction.DETACH;
        x -= p.detach();
        if (x < p.otherAction()) {
            int k = r.nextInt(10);
            return k < 4 ? ResumeAction.INTERRUPT : k < 8 ? ResumeAction.REPORT : k < 9 ? ResumeAction.SINGLESTEP : ResumeAction.BLOCKSTEP;
        }
        return ResumeAction.RESUME;
    }

    private static SignalAction randomSignalAction(Dice d) {
        int k = d.nextInt(100);
        if (k < 35) return SignalAction.IGN;
        if (k < 65) return SignalAction.DELIVER;
        if (k < 73) return SignalAction.STOP;
        if (k < 81) return SignalAction.TSTP;
        if (k < 88) return SignalAction.REPORT;
        if (k < 93) return SignalAction.HANDLER;
        if (k < 97) return SignalAction.TERM;
        return SignalAction.CORE;
    }
}
