package dev.utrace.linux.internal.ptrace;

import static dev.utrace.api.task.Signals.SIGCONT;
import static dev.utrace.api.task.Signals.SIGKILL;
import static dev.utrace.api.task.Signals.SIGSTOP;
import static dev.utrace.api.task.Signals.SIGTERM;
import static dev.utrace.api.task.Signals.SIGUSR1;
import static dev.utrace.linux.internal.ptrace.Scenarios.PAGE;
import static dev.utrace.linux.internal.ptrace.Scenarios.attachStopped;
import static dev.utrace.linux.internal.ptrace.Scenarios.inLoop;
import static dev.utrace.ptrace.PtraceOptions.TRACEEXEC;
import static dev.utrace.ptrace.PtraceOptions.TRACESYSGOOD;

import dev.utrace.api.task.Reg;

/** Conformance scenarios of attach, detach, signals, group stops, single-step and requests ({@link Scenarios}). */
final class StopScenarios {
    private StopScenarios() {
    }

    static void attachRunning(Steps s) {
        int p = inLoop(s, "spin");
        attachStopped(s, p);
        s.state(p);
        long[] regs = s.needRegs(p);
        s.check("rip is not 0", regs[Reg.RIP.ordinal()] != 0);
        s.sigInfo(p);
        s.cont(p, 0);
        s.awaitState(p, "R");
        s.nothingToWaitFor(p);
        s.regs(p);
        s.detach(p, 0);
        s.signal(p, SIGKILL);
        s.await(p);
    }

    static void detachStopped(Steps s) {
        int p = inLoop(s, "spin");
        attachStopped(s, p);
        s.detach(p, 0);
        s.awaitState(p, "R");
        s.regs(p);
        s.nothingToWaitFor(-1);
        attachStopped(s, p);
        s.signal(p, SIGKILL);
        s.await(p);
    }

    static void attachSleeping(Steps s) {
        int p = s.spawn("sleeper", "1000");
        s.awaitState(p, "S");
        attachStopped(s, p);
        s.cont(p, 0);
        s.await(p);
        s.exitStatus(p);
    }

    static void attachGroupStopped(Steps s) {
        int p = s.spawnStopped("idle");
        s.state(p);
        s.attach(p);
        s.await(p);
        s.state(p);
        s.cont(p, 0);
        s.await(p);
        s.state(p);
        s.cont(p, 0);
        s.awaitState(p, "S");
        s.nothingToWaitFor(p);
        s.signal(p, SIGKILL);
        s.await(p);
    }

    static void detachGroupStopped(Steps s) {
        int p = s.spawnStopped("spin");
        s.attach(p);
        s.await(p);
        s.detach(p, 0);
        s.awaitState(p, "T");
        s.signal(p, SIGCONT);
        s.awaitState(p, "R");
        s.signal(p, SIGKILL);
        s.exitStatus(p);
    }

    static void contFromGroupStop(Steps s) {
        int p = inLoop(s, "spin");
        attachStopped(s, p);
        s.cont(p, SIGSTOP);
        s.await(p);
        s.state(p);
        s.cont(p, 0);
        s.awaitState(p, "R");
        s.signal(p, SIGKILL);
        s.await(p);
    }

    static void secondTracer(Steps s) {
        int gone = s.spawn("true");
        s.exitStatus(gone);
        int p = inLoop(s, "spin");
        attachStopped(s, p);
        s.otherAttach(p, false);
        s.otherAttach(p, true);
        s.attach(p);
        s.attach(gone);
        s.kill(p);
        s.await(p);
    }

    static void signalInjection(Steps s) {
        int p = inLoop(s, "spin");
        attachStopped(s, p);
        s.cont(p, 0);
        s.signal(p, SIGUSR1);
        s.await(p);
        s.cont(p, 0);
        s.signal(p, SIGUSR1);
        s.await(p);
        s.cont(p, SIGUSR1);
        s.await(p);
        s.exitStatus(p);
    }

    static void signalChanged(Steps s) {
        int p = inLoop(s, "spin");
        attachStopped(s, p);
        s.cont(p, 0);
        s.signal(p, SIGUSR1);
        s.await(p);
        s.sigInfo(p);
        s.cont(p, SIGTERM);
        s.await(p);
        s.exitStatus(p);
    }

    static void seizeGroupStopped(Steps s) {
        int p = s.spawnStopped("spin");
        s.seize(p, 0);
        // The seize of a stopped task re-traps it into its group stop (the seize returns once it did).
        s.nothingToWaitFor(p);
        // SIGCONT ends the group stop, but a seized tracee in a stop the tracer has not let go of
        // stays there: nothing new to report until the tracer resumes it.
        s.signal(p, SIGCONT);
        s.nothingToWaitFor(p);
        s.state(p);
        s.cont(p, 0);
        s.await(p);
        s.sigInfo(p);
        s.cont(p, 0);
        s.await(p);
        s.sigInfo(p);
        s.cont(p, 0);
        s.awaitState(p, "R");
        s.nothingToWaitFor(p);
        s.signal(p, SIGKILL);
        s.await(p);
    }

    static void memoryAndUser(Steps s) {
        int p = inLoop(s, "memwriter", "1000000000");
        attachStopped(s, p);
        Long before = s.peek(p, PAGE + 8, "the counter");
        s.check("the counter is counting", before != null && before > 0);
        s.poke(p, PAGE + 0x20, 0x1122334455667788L, "page+0x20");
        Long back = s.peek(p, PAGE + 0x20, "page+0x20");
        s.check("page+0x20 reads back what was poked", back != null && back == 0x1122334455667788L);
        s.check("the counter did not move while stopped", before != null && before.equals(s.peek(p, PAGE + 8, "the counter")));
        s.peek(p, 0x7000_0000_0000L, "an unmapped address");
        Long rip = s.peekUser(p, Reg.RIP.userOffset());
        long[] regs = s.needRegs(p);
        s.check("peekuser rip is getregs' rip", rip != null && rip == regs[Reg.RIP.ordinal()]);
        s.pokeUser(p, Reg.R15.userOffset(), 77);
        s.check("getregs shows r15 = 77", s.needRegs(p)[Reg.R15.ordinal()] == 77);
        s.peekUser(p, 3);
        s.peekUser(p, 4096);
        s.kill(p);
        s.await(p);
    }

    static void seizeInterrupt(Steps s) {
        int p = s.spawn("sleeper", "1000");
        s.awaitState(p, "S");
        s.seize(p, 0);
        s.interrupt(p);
        s.await(p);
        s.sigInfo(p);
        s.cont(p, 0);
        s.await(p);
        int q = inLoop(s, "spin");
        attachStopped(s, q);
        s.interrupt(q);
        s.kill(q);
        s.await(q);
    }

    static void seizeGroupStopListen(Steps s) {
        int p = inLoop(s, "spin");
        s.seize(p, 0);
        s.signal(p, SIGSTOP);
        s.await(p);
        s.cont(p, SIGSTOP);
        s.await(p);
        s.sigInfo(p);
        s.listen(p);
        s.awaitState(p, "Tt");
        s.nothingToWaitFor(p);
        s.signal(p, SIGCONT);
        s.await(p);
        s.sigInfo(p);
        s.cont(p, 0);
        s.await(p);
        // From SIGCONT's stop, one instruction: the tracee steps as from any other stop.
        s.step(p, 0);
        s.await(p);
        s.sigInfo(p);
        s.cont(p, 0);
        s.awaitState(p, "R");
        s.signal(p, SIGKILL);
        s.await(p);
    }

    static void listenAfterContinue(Steps s) {
        int p = inLoop(s, "spin");
        s.seize(p, 0);
        s.signal(p, SIGSTOP);
        s.await(p);
        s.cont(p, SIGSTOP);
        s.await(p);
        s.sigInfo(p);
        // SIGCONT ends the group stop while the tracee is still in its group-stop trap: LISTEN
        // needs only that the last stop was a PTRACE_EVENT_STOP, and the tracee re-traps.
        s.signal(p, SIGCONT);
        s.listen(p);
        s.await(p);
        s.sigInfo(p);
        s.cont(p, 0);
        // The SIGCONT itself, after the trap: its signal-delivery stop.
        s.await(p);
        s.sigInfo(p);
        s.cont(p, 0);
        s.awaitState(p, "R");
        s.signal(p, SIGKILL);
        s.await(p);
    }

    static void singleStep(Steps s) {
        int p = inLoop(s, "spin");
        attachStopped(s, p);
        long[] before = s.needRegs(p);
        s.step(p, 0);
        s.await(p);
        s.sigInfo(p);
        long[] after = s.needRegs(p);
        s.check("rip moved", after[Reg.RIP.ordinal()] != before[Reg.RIP.ordinal()]);
        long added = after[Reg.RBX.ordinal()] - before[Reg.RBX.ordinal()];
        s.check("rbx moved by at most one", added == 0 || added == 1);
        s.kill(p);
        s.await(p);
    }

    static void badRequests(Steps s) {
        int p = inLoop(s, "spin");
        attachStopped(s, p);
        s.setOptions(p, 0x4000_0000);
        s.cont(p, 65);
        int untraced = s.spawn("idle");
        s.cont(untraced, 0);
        s.signal(untraced, SIGKILL);
        s.exitStatus(untraced);
        s.setOptions(p, TRACESYSGOOD | TRACEEXEC);
        s.state(p);
        s.detach(p, 0);
        s.nothingToWaitFor(-1);
        s.signal(p, SIGKILL);
        s.exitStatus(p);
    }
}
