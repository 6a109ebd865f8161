package dev.utrace.sim.internal;

import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.spi.TraceHooks;
import dev.utrace.spi.TracedTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * A stand-in for the utrace core: records every hook call as an {@link Event}, and can hold a
 * task in a simulated utrace stop (as the core does: setUtraceStopped, park until released or
 * SIGKILL) at chosen events.
 *
 * <p>Every hook call of every simulated task appends to one log, so appending must stay cheap
 * and never block: it is a lock-free queue ({@link #events()} takes a snapshot). A
 * {@link CopyOnWriteArrayList} copies the whole history under one monitor on each append; with
 * half a million events and some two thousand tasks contending, Clone_RaceWithGroupExitTest at
 * -Drace.iterations=100000 slowed to a few hundred events a second, and a killed process's last
 * threads sat BLOCKED on that monitor in their next hook call for longer than the 20 s patience
 * of {@link Sim#waitExit} (they looked like lost wake-ups in the machine; they were not).
 */
class RecordingHooks implements TraceHooks {

    /** One hook call: its name, the task, the calling thread, and a detail. */
    record Event(String hook, TracedTask task, int tid, Thread thread, String detail, dev.utrace.api.task.TaskState state) {
        @Override
        public String toString() {
            return hook + "(" + tid + (detail.isEmpty() ? "" : ", " + detail) + ")";
        }
    }

    private final Queue<Event> events = new ConcurrentLinkedQueue<>();
    private volatile Predicate<Event> stopAt = e -> false;
    private final List<Thread> stopped = new CopyOnWriteArrayList<>();
    private volatile boolean releaseAll;
    volatile boolean wantIgnored;
    volatile boolean seeFatal;
    volatile Long exitCodeOverride;

    /** Holds the task in a utrace stop at every event {@code p} accepts. */
    void stopAt(Predicate<Event> p) {
        releaseAll = false;
        stopAt = p;
    }

    /** Lets every held task go and stops holding new ones. */
    void releaseStops() {
        stopAt = e -> false;
        releaseAll = true;
        for (Thread t : stopped) LockSupport.unpark(t);
    }

    private void record(String hook, TracedTask t, String detail) {
        Event e = new Event(hook, t, t.tid(), Thread.currentThread(), detail, t.state());
        events.add(e);
        if (stopAt.test(e)) hold(t);
    }

    /** The core's utrace stop: TRACED until released; SIGKILL always wakes it (R-STOP-6). */
    private void hold(TracedTask t) {
        Thread me = Thread.currentThread();
        stopped.add(me);
        t.setUtraceStopped(true);
        try {
            while (!releaseAll && !t.fatalSignalPending()) LockSupport.park(this);
        } finally {
            t.setUtraceStopped(false);
            stopped.remove(me);
        }
    }

    /** The events so far, in the order they were recorded (a snapshot). */
    List<Event> events() {
        return List.copyOf(events);
    }

    List<Event> of(String hook) {
        List<Event> out = new ArrayList<>();
        for (Event e : events) if (e.hook().equals(hook)) out.add(e);
        return out;
    }

    List<Event> of(String hook, TracedTask t) {
        List<Event> out = new ArrayList<>();
        for (Event e : events) if (e.hook().equals(hook) && e.task() == t) out.add(e);
        return out;
    }

    /** The events of one task, in order. */
    List<Event> of(TracedTask t) {
        List<Event> out = new ArrayList<>();
        for (Event e : events) if (e.task() == t) out.add(e);
        return out;
    }

    List<String> names(TracedTask t) {
        List<String> out = new ArrayList<>();
        for (Event e : events) if (e.task() == t) out.add(e.hook());
        return out;
    }

    @Override
    public boolean syscallEntry(TracedTask t) {
        record("syscallEntry", t, "nr=" + t.register(Reg.ORIG_RAX));
        return t.fatalSignalPending();
    }

    @Override
    public void syscallExit(TracedTask t) {
        record("syscallExit", t, "nr=" + t.register(Reg.ORIG_RAX) + " rax=" + t.register(Reg.RAX));
    }

    @Override
    public void clone(TracedTask parent, long flags, TracedTask child) {
        record("clone", parent, "flags=" + flags + " child=" + child.tid() + " childState=" + child.state()
                + " childSlot=" + child.utraceSlot());
    }

    @Override
    public void finishVfork(TracedTask parent) {
        record("finishVfork", parent, "");
    }

    @Override
    public void exec(TracedTask t, String format, ExecInfo exec) {
        record("exec", t, exec.filename() + " " + exec.argv() + " " + format);
    }

    @Override
    public void exit(TracedTask t, ExitCode code) {
        Long override = exitCodeOverride;
        if (override != null) code.set(override);
        record("exit", t, "code=" + code.get());
    }

    @Override
    public void death(TracedTask t, boolean groupDead, int signal) {
        record("death", t, "groupDead=" + groupDead + " signal=" + signal);
    }

    @Override
    public void releaseTask(TracedTask t) {
        record("releaseTask", t, "");
    }

    @Override
    public void resume(TracedTask t) {
        record("resume", t, "");
    }

    @Override
    public int getSignal(TracedTask t, SignalInfo info, SigAction returnKa) {
        record("getSignal", t, "");
        return 0;
    }

    @Override
    public void signalHandler(TracedTask t, boolean stepping) {
        record("signalHandler", t, "stepping=" + stepping);
    }

    @Override
    public void jctl(TracedTask t, int type, int notify) {
        record("jctl", t, "type=" + type + " notify=" + notify);
    }

    @Override
    public void finishJobControlStop(TracedTask t) {
        record("finishJobControlStop", t, "");
    }

    @Override
    public void fatalSignal(TracedTask t) {
        events.add(new Event("fatalSignal", t, t.tid(), Thread.currentThread(), "pending=" + t.fatalSignalPending(), t.state()));
        for (Thread th : stopped) LockSupport.unpark(th);
    }

    @Override
    public boolean held(TracedTask task) {
        return false; // no stops: nothing is ever held
    }

    @Override
    public boolean wantsIgnoredSignals(TracedTask t) {
        return wantIgnored;
    }

    @Override
    public boolean considerFatalSignal(TracedTask t) {
        return seeFatal;
    }
}
