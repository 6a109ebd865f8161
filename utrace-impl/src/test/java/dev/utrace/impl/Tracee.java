package dev.utrace.impl;

import dev.utrace.api.Event;
import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.spi.TraceHooks;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Drives a {@link FakeTask} through the hook points in the kernel's order: what a machine
 * does on a syscall, exec, clone, exit, death, reap, and on the way back to user mode.
 * Everything here runs on the calling thread, which plays the task.
 */
final class Tracee {
    final FakeTask task;
    final TraceHooks hooks;
    /** What happened to signals: "deliver SIGUSR1 via handler", "default SIGTERM as SIGTERM", ... */
    final List<String> delivered = new CopyOnWriteArrayList<>();
    /** Syscalls that ran (their numbers). */
    final List<Long> ran = new CopyOnWriteArrayList<>();

    Tracee(FakeTask task, TraceHooks hooks) {
        this.task = task;
        this.hooks = hooks;
    }

    /** One syscall: entry report (may abort or stop), the call, exit report, resume work. */
    boolean syscall(long nr) {
        task.setRegister(Reg.ORIG_RAX, nr);
        boolean aborted = hooks.syscallEntry(task);
        if (!aborted) ran.add(task.register(Reg.ORIG_RAX));
        hooks.syscallExit(task);
        returnToUser();
        return !aborted;
    }

    void exec(String program) {
        hooks.exec(task, "sim", new ExecInfo(program, List.of(program), "sim"));
        returnToUser();
    }

    void clone(long flags, FakeTask child) {
        hooks.clone(task, flags, child);
        if ((flags & dev.utrace.api.task.CloneFlags.CLONE_VFORK) != 0) hooks.finishVfork(task);
        returnToUser();
    }

    /** do_exit up to the zombie state and the death report; returns the final exit code. */
    long exit(long code) {
        task.state = TaskState.EXITING;
        ExitCode c = new ExitCode(code);
        hooks.exit(task, c);
        task.state = TaskState.ZOMBIE;
        hooks.death(task, true, Signals.SIGCHLD);
        return c.get();
    }

    /** The whole exit of a task that is not stopped: exit, death, then reap, all in this thread. */
    static void exitAndReap(FakeTask t, TraceHooks hooks) {
        new Tracee(t, hooks).exit(0);
        reap(t, hooks);
    }

    /** release_task, in the calling (reaper's) thread. */
    static void reap(FakeTask t, TraceHooks hooks) {
        t.state = TaskState.DEAD;
        hooks.releaseTask(t);
    }

    /** SIGKILL: pending first, then the wake-up (the SPI's ordering). */
    static void kill(FakeTask t, TraceHooks hooks) {
        t.fatalPending = true;
        hooks.fatalSignal(t);
    }

    /** The exit-to-user loop: signals first, then notify-resume, until nothing is pending. */
    void returnToUser() {
        for (int guard = 0; guard < 1000; guard++) {
            if (task.fatalPending) return;
            if (task.signalCheck || task.queued() > 0) {
                task.signalCheck = false;
                deliverSignals();
                continue;
            }
            if (task.notifyResume) {
                task.notifyResume = false;
                hooks.resume(task);
                continue;
            }
            return;
        }
        throw new AssertionError("the resume loop did not settle for " + task);
    }

    private void deliverSignals() {
        SignalInfo info = new SignalInfo(); // the same object every round (R-SIG-4)
        for (int guard = 0; guard < 1000; guard++) {
            SigAction ka = new SigAction();
            int r = hooks.getSignal(task, info, ka);
            if (r < 0) continue;
            if (r == 0) {
                int sig = task.dequeueSignal(info);
                if (sig == 0) return;
                act(sig, info, task.signalDisposition(sig));
                return;
            }
            act(r, info, ka);
            if (ka.isHandler()) hooks.signalHandler(task, false);
            return;
        }
        throw new AssertionError("the signal loop did not settle for " + task);
    }

    private void act(int signr, SignalInfo info, SigAction ka) {
        String name = Signals.name(info.signo);
        if (ka.handler == SigAction.SIG_IGN) {
            delivered.add("ignore " + name);
        } else if (ka.isHandler()) {
            delivered.add("handler " + name);
        } else {
            delivered.add("default " + Signals.name(signr) + " for " + name);
        }
    }

    static long bits(Event... events) {
        return Event.mask(events);
    }
}
