package dev.utrace.linux.internal.ptrace;

import static dev.utrace.api.task.Signals.SIGCHLD;
import static dev.utrace.api.task.Signals.SIGCONT;
import static dev.utrace.api.task.Signals.SIGKILL;
import static dev.utrace.api.task.Signals.SIGSTOP;
import static dev.utrace.api.task.Signals.SIGTRAP;
import static dev.utrace.linux.internal.ptrace.Scenarios.ENOSYS;
import static dev.utrace.linux.internal.ptrace.Scenarios.SYS_CLONE;
import static dev.utrace.linux.internal.ptrace.Scenarios.SYS_CLONE3;
import static dev.utrace.linux.internal.ptrace.Scenarios.SYS_EXECVE;
import static dev.utrace.linux.internal.ptrace.Scenarios.SYS_FORK;
import static dev.utrace.linux.internal.ptrace.Scenarios.SYS_GETPID;
import static dev.utrace.linux.internal.ptrace.Scenarios.attachStopped;
import static dev.utrace.linux.internal.ptrace.Scenarios.inLoop;
import static dev.utrace.linux.internal.ptrace.Scenarios.seizedAtStart;
import static dev.utrace.linux.internal.ptrace.Scenarios.startSeized;
import static dev.utrace.ptrace.PtraceOptions.EXITKILL;
import static dev.utrace.ptrace.PtraceOptions.TRACECLONE;
import static dev.utrace.ptrace.PtraceOptions.TRACEEXEC;
import static dev.utrace.ptrace.PtraceOptions.TRACEEXIT;
import static dev.utrace.ptrace.PtraceOptions.TRACEFORK;
import static dev.utrace.ptrace.PtraceOptions.TRACESYSGOOD;
import static dev.utrace.ptrace.PtraceOptions.TRACEVFORK;
import static dev.utrace.ptrace.PtraceOptions.TRACEVFORKDONE;

import dev.utrace.api.task.Reg;
import dev.utrace.ptrace.WaitResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Conformance scenarios of syscall stops and events: exec, fork, vfork, clone, exit, and the tracer's exit ({@link Scenarios}). */
final class EventScenarios {
    private EventScenarios() {
    }

    static void syscallStops(Steps s) {
        int p = inLoop(s, "getpids");
        s.seize(p, TRACESYSGOOD);
        s.interrupt(p);
        s.await(p);
        s.sigInfo(p);
        for (int i = 0; i < 3; i++) {
            s.syscall(p, 0);
            s.await(p);
            long[] entry = s.needRegs(p);
            s.check("entry: orig_rax is getpid, rax -ENOSYS", entry[Reg.ORIG_RAX.ordinal()] == SYS_GETPID
                    && entry[Reg.RAX.ordinal()] == ENOSYS);
            s.syscall(p, 0);
            s.await(p);
            long[] exit = s.needRegs(p);
            s.check("exit: rax is the pid", exit[Reg.RAX.ordinal()] == p);
        }
        s.sigInfo(p);
        // Registers written in a stop are what the tracee goes on with: orig_rax -1 at the entry
        // skips the syscall (its rax stays -ENOSYS); rax written at the exit is its result.
        s.syscall(p, 0);
        s.await(p);
        s.setReg(p, Reg.ORIG_RAX, -1);
        s.syscall(p, 0);
        s.await(p);
        long[] skipped = s.needRegs(p);
        s.check("exit of the skipped syscall: orig_rax -1, rax -ENOSYS", skipped[Reg.ORIG_RAX.ordinal()] == -1
                && skipped[Reg.RAX.ordinal()] == ENOSYS);
        s.setReg(p, Reg.RAX, 4242);
        s.check("getregs shows rax 4242", s.needRegs(p)[Reg.RAX.ordinal()] == 4242);
        s.cont(p, 0);
        s.awaitState(p, "R");
        s.signal(p, SIGKILL);
        s.await(p);
    }

    /**
     * PTRACE_SYSCALL across an execve with TRACEEXEC: its entry, the exec event (the former tid
     * as message), its exit with 0. The program's start-up before its execve (libc's in the C
     * program, none in the simulated one) is passed over unlogged.
     */
    static void syscallsAcrossExec(Steps s) {
        PtraceBackend b = s.b;
        int p = b.spawn("execer", true, List.of());
        s.note("spawn execer, run to its execve's entry with TRACESYSGOOD|TRACEEXEC: " + s.name(p));
        startSeized(s, p, TRACESYSGOOD | TRACEEXEC);
        while (true) {
            b.syscall(p, 0);
            int[] w = b.wait(p, false).orElseThrow();
            if (w[1] != (0x7f | (SIGTRAP | 0x80) << 8)) throw new Steps.Aborted("execer stopped otherwise: " + s.describe(w[0], w[1]));
            long[] regs = b.getRegs(p);
            if (regs[Reg.ORIG_RAX.ordinal()] == SYS_EXECVE && regs[Reg.RAX.ordinal()] == ENOSYS) break;
        }
        s.syscall(p, 0);
        s.await(p);
        s.eventMsgPid(p);
        s.sigInfo(p);
        s.syscall(p, 0);
        s.await(p);
        long[] exit = s.needRegs(p);
        s.check("execve's exit: orig_rax execve, rax 0", exit[Reg.ORIG_RAX.ordinal()] == SYS_EXECVE && exit[Reg.RAX.ordinal()] == 0);
        s.cont(p, 0);
        s.awaitState(p, "R");
        s.signal(p, SIGKILL);
        s.await(p);
    }

    /**
     * PTRACE_SYSCALL across a fork with TRACEFORK: the event, the child's first stop, then the
     * parent's exit from the syscall with the child's pid. The call is clone in the C program
     * (libc's fork) and fork in the simulated one; which one is not logged.
     */
    static void syscallsAcrossFork(Steps s) {
        PtraceBackend b = s.b;
        int p = b.spawn("forker", true, List.of("1"));
        s.note("spawn forker 1, run to its fork's entry with TRACESYSGOOD|TRACEFORK: " + s.name(p));
        startSeized(s, p, TRACESYSGOOD | TRACEFORK);
        while (true) {
            b.syscall(p, 0);
            int[] w = b.wait(p, false).orElseThrow();
            if (w[1] != (0x7f | (SIGTRAP | 0x80) << 8)) throw new Steps.Aborted("forker stopped otherwise: " + s.describe(w[0], w[1]));
            long[] regs = b.getRegs(p);
            long nr = regs[Reg.ORIG_RAX.ordinal()];
            if ((nr == SYS_CLONE || nr == SYS_FORK || nr == SYS_CLONE3) && regs[Reg.RAX.ordinal()] == ENOSYS) break;
        }
        s.syscall(p, 0);
        s.await(p);
        int child = s.eventMsgPid(p);
        s.await(child);
        s.syscall(p, 0);
        s.await(p);
        long[] exit = s.needRegs(p);
        s.check("the fork's exit: rax is the child's pid", exit[Reg.RAX.ordinal()] == child);
        s.cont(child, 0);
        s.await(child);
        s.cont(p, 0);
        Steps.Wait w = s.await(p);
        if (w.stopped() && w.stopSignal() == SIGCHLD) {
            s.cont(p, SIGCHLD);
            s.await(p);
        }
        s.exitStatus(p);
    }

    static void execEvent(Steps s) {
        int p = seizedAtStart(s, "execer", TRACEEXEC);
        s.await(p);
        s.eventMsgPid(p);
        s.sigInfo(p);
        s.cont(p, 0);
        // Attached, not seized, without TRACEEXEC: the historical SIGTRAP after the exec.
        int q = s.spawnStopped("execer");
        s.attach(q);
        s.await(q);
        s.cont(q, 0);
        s.await(q);
        s.cont(q, 0);
        s.await(q);
        s.sigInfo(q);
        s.cont(q, 0);
        s.awaitState(q, "R");
        s.signal(p, SIGKILL);
        s.await(p);
        s.signal(q, SIGKILL);
        s.await(q);
    }

    static void forkEvent(Steps s) {
        int p = seizedAtStart(s, "forker", TRACEFORK, "1");
        s.await(p);
        int child = s.eventMsgPid(p);
        s.await(child);
        s.sigInfo(child);
        long[] regs = s.needRegs(child);
        s.check("the child has not run: fork's 0 in rax", regs[Reg.RAX.ordinal()] == 0);
        s.cont(child, 0);
        s.await(child);
        s.cont(p, 0);
        Steps.Wait w = s.await(p);
        if (w.stopped() && w.stopSignal() == SIGCHLD) {
            s.cont(p, SIGCHLD);
            s.await(p);
        }
        s.exitStatus(p);
    }

    static void vforkEvents(Steps s) {
        int p = seizedAtStart(s, "vforker", TRACEVFORK | TRACEVFORKDONE);
        s.await(p);
        int child = s.eventMsgPid(p);
        s.await(child);
        s.cont(child, 0);
        s.await(child);
        s.cont(p, 0);
        s.await(p);
        s.eventMsgPid(p);
        s.cont(p, 0);
        Steps.Wait w = s.await(p);
        if (w.stopped() && w.stopSignal() == SIGCHLD) {
            s.cont(p, SIGCHLD);
            s.await(p);
        }
        s.exitStatus(p);
    }

    static void cloneEvents(Steps s) {
        int p = seizedAtStart(s, "threadpool", TRACECLONE, "2");
        // Threads run at once: the reports of different threads come in any order. Each one's
        // own reports are logged in order, after the run, threads named by their clone event.
        Map<Integer, List<String>> seen = new TreeMap<>();
        List<Integer> clones = new ArrayList<>();
        int ended = 0;
        while (ended < 3) {
            Steps.Wait w = s.awaitQuietly(-1);
            String what = "0x" + Integer.toHexString(w.status()) + " " + w.decoded().describe();
            if (w.pid() == p && w.event() == WaitResult.EVENT_CLONE) {
                int t = (int) s.b.getEventMsg(p);
                clones.add(t);
                s.name(t, "T" + clones.size());
                what += ", message T" + clones.size();
            }
            seen.computeIfAbsent(w.pid(), k -> new ArrayList<>()).add(what);
            if (w.stopped()) s.b.cont(w.pid(), 0);
            else ended++;
        }
        s.note(s.name(p) + ": " + seen.get(p));
        for (int i = 0; i < clones.size(); i++) s.note("T" + (i + 1) + ": " + seen.get(clones.get(i)));
        s.note("reports of other pids: " + (seen.size() - 1 - clones.size()));
        s.exitStatus(p);
    }

    static void execByThread(Steps s) {
        int p = seizedAtStart(s, "mt-exec", TRACECLONE | TRACEEXEC);
        // Each clone in turn: the leader's event, the new thread's first stop; the leader is let
        // go first, so the fourth thread's exec meets it running (in pause), not in a stop.
        int execer = 0;
        for (int i = 1; i <= 4; i++) {
            s.await(p);
            int t = s.eventMsgQuietly(p).orElseThrow(() -> new Steps.Aborted("no clone message")).intValue();
            s.name(t, "T" + i);
            s.note("geteventmsg " + s.name(p) + ": T" + i);
            s.await(t);
            s.cont(p, 0);
            s.cont(t, 0);
            execer = t;
        }
        // T4 execs: the other threads are killed (each reported), the leader is released unseen
        // and T4 goes on as the leader's pid, which reports the exec. Threads' reports come in
        // any order: each one's are logged in order, after the run.
        Map<String, List<String>> seen = new TreeMap<>();
        while (true) {
            Steps.Wait w = s.awaitQuietly(-1);
            String what = "0x" + Integer.toHexString(w.status()) + " " + w.decoded().describe();
            if (w.event() == WaitResult.EVENT_EXEC) {
                long former = s.eventMsgQuietly(w.pid()).orElse(-1L);
                what += ", message " + (former == execer ? "T4" : former == p ? "P1" : "?");
            }
            seen.computeIfAbsent(s.name(w.pid()), k -> new ArrayList<>()).add(what);
            if (w.stopped()) {
                try {
                    s.b.cont(w.pid(), 0);
                } catch (BackendError gone) {
                    seen.get(s.name(w.pid())).add("cont: " + gone.errno);
                }
            } else if (w.pid() == p) {
                break;
            }
        }
        seen.forEach((who, reports) -> s.note(who + ": " + reports));
        s.exitStatus(p);
    }

    static void exitKill(Steps s) {
        int p = inLoop(s, "spin");
        s.seize(p, EXITKILL);
        s.tracerExit();
        s.exitStatus(p);
    }

    static void killedWhileStopped(Steps s) {
        int p = inLoop(s, "spin");
        attachStopped(s, p);
        s.kill(p);
        s.await(p);
        s.exitStatus(p);
        s.nothingToWaitFor(p);
    }

    static void zombieToTracerFirst(Steps s) {
        int p = seizedAtStart(s, "true", 0);
        s.awaitState(p, "Z");
        s.reapable(p);
        s.await(p);
        s.exitStatus(p);
    }

    /**
     * The tracer exits with a tracee in a SIGSTOP stop it has waited for (a), one whose SIGSTOP
     * stop it has not waited for (b), and one running (c). Linux's wait takes the stop's signal
     * ({@code exit_code = 0}), so a resumes without it; b resumes with SIGSTOP and stops. Both
     * are sleepers, so each settles for good: S (asleep again) or T (group-stopped).
     */
    static void tracerExitsFirst(Steps s) {
        int a = s.spawn("sleeper", "100000");
        int b = s.spawn("sleeper", "100000");
        int c = inLoop(s, "spin");
        s.awaitState(a, "S");
        s.awaitState(b, "S");
        attachStopped(s, a);
        s.attach(b);
        s.awaitState(b, "t");
        attachStopped(s, c);
        s.cont(c, 0);
        s.tracerExit();
        s.settle(a, "ST");
        s.settle(b, "ST");
        s.awaitState(c, "R");
        s.signal(b, SIGCONT);
        s.awaitState(b, "S");
        for (int pid : new int[] {a, b, c}) {
            s.signal(pid, SIGKILL);
            s.exitStatus(pid);
        }
    }

    static void exitEvent(Steps s) {
        int p = seizedAtStart(s, "sleeper", TRACEEXIT, "1");
        s.await(p);
        s.eventMsg(p);
        s.state(p);
        s.cont(p, 0);
        s.await(p);
        s.exitStatus(p);
    }
}
