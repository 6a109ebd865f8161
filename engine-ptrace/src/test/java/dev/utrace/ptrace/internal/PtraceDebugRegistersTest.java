package dev.utrace.ptrace.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.hw.SlotInfo;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.ptrace.WaitResult;
import dev.utrace.ptrace.WaitResult.Kind;
import dev.utrace.api.proc.WaitStatus;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * PTRACE_POKEUSER/PEEKUSER of the debug registers over the machine's real debug slots: a write
 * to a watched word is a SIGTRAP stop, DR6 says which slot hit, refusals come at poke time, and
 * the tracer's watchpoints go when it does (R-HBP-1/2).
 */
class PtraceDebugRegistersTest extends PtraceFixture {
    void pokeDr(int pid, Reg reg, long value) {
        tracer.pokeUser(pid, reg.userOffset(), value);
    }

    long peekDr(int pid, Reg reg) {
        return tracer.peekUser(pid, reg.userOffset());
    }

    /** Seizes {@code program} at its start, watches 4 bytes at {@link #PAGE} with DR0 for {@code rw}, lets it run to the first hit's SIGTRAP stop. */
    int stoppedAtFirstHit(String program, int options, int rw) {
        int pid = seizedAtStart(program, options);
        pokeDr(pid, Reg.DR0, PAGE);
        pokeDr(pid, Reg.DR7, dr7(0, rw, 4));
        tracer.cont(pid, 0);
        assertStop(next(pid), Kind.SIGNAL_STOP, Signals.SIGTRAP);
        return pid;
    }

    List<SlotInfo> slotsOf(int pid) {
        Task t = sim.findTask(pid);
        return t == null ? List.of() : sim.slots(t);
    }

    @Test
    @DisplayName("PTRACE_POKEUSER DR1+DR7: a write to the word is a SIGTRAP stop (TRAP_HWBKPT, si_addr the ip after it); PEEKUSER DR6 names slot 1")
    void hitStopsAndDr6SaysWhich() {
        pageProgram("w", "    store4 " + (PAGE + 8) + ", 5", "    store4 " + PAGE + ", 7", "    store4 " + PAGE + ", 8", "    exit 0");
        int pid = seizedAtStart("w", 0);
        pokeDr(pid, Reg.DR1, PAGE);
        pokeDr(pid, Reg.DR7, dr7(1, WRITE, 4));
        assertEquals(PAGE, peekDr(pid, Reg.DR1));
        assertEquals(dr7(1, WRITE, 4), peekDr(pid, Reg.DR7));
        assertEquals(1, slotsOf(pid).size(), "one machine slot claimed");
        assertEquals("ptrace context of " + pid + " (tracer test)", slotsOf(pid).getFirst().claims().getFirst().owner().toString());
        assertEquals(0, peekDr(pid, Reg.DR6));

        tracer.cont(pid, 0);
        assertStop(next(pid), Kind.SIGNAL_STOP, Signals.SIGTRAP);
        SignalInfo si = tracer.getSigInfo(pid);
        assertEquals(Signals.TRAP_HWBKPT, si.code);
        long rip = tracer.getRegs(pid)[Reg.RIP.ordinal()];
        assertEquals(rip, si.addr, "si_addr is the instruction after the store");
        assertEquals(7, tracer.peek(pid, PAGE) & 0xffff_ffffL, "the store completed before the trap");
        assertEquals(0b10, peekDr(pid, Reg.DR6) & 0xf, "DR6: slot 1 hit, and only it");

        // gdb clears DR6 and suppresses the SIGTRAP: the program never sees it.
        pokeDr(pid, Reg.DR6, 0);
        tracer.cont(pid, 0);
        assertStop(next(pid), Kind.SIGNAL_STOP, Signals.SIGTRAP);
        assertEquals(0b10, peekDr(pid, Reg.DR6) & 0xf, "the second store hit slot 1 again");
        tracer.cont(pid, 0);
        WaitResult end = next(pid);
        assertEquals(Kind.EXITED, end.kind(), end.describe());
        assertEquals(0, end.status() >> 8 & 0xff, end.describe());
        await("the context released", () -> ptrace.releases.get() == 1);
    }

    @Test
    @DisplayName("PTRACE_POKEUSER refusals come at poke time and change nothing: execute breakpoints, misaligned and kernel addresses (EINVAL)")
    void refusalsChangeNothing() {
        pageProgram("w", "    store4 " + PAGE + ", 7", "    exit 0");
        int pid = seizedAtStart("w", 0);
        pokeDr(pid, Reg.DR0, PAGE);
        pokeDr(pid, Reg.DR7, dr7(0, WRITE, 4));
        long before = peekDr(pid, Reg.DR7);
        List<SlotInfo> slots = slotsOf(pid);

        assertErrno("EINVAL", () -> pokeDr(pid, Reg.DR7, before | dr7(1, 0, 1))); // R/W 00: execute
        assertErrno("EINVAL", () -> pokeDr(pid, Reg.DR7, before | dr7(1, 2, 4))); // R/W 10: I/O
        assertErrno("EINVAL", () -> pokeDr(pid, Reg.DR0, PAGE + 2)); // enabled, 4 bytes, not aligned
        assertErrno("EINVAL", () -> pokeDr(pid, Reg.DR0, 0xFFFF_8000_0000_0000L)); // kernel address
        pokeDr(pid, Reg.DR2, PAGE + 1); // a disabled slot's address is not checked, as on Linux
        assertErrno("EINVAL", () -> pokeDr(pid, Reg.DR7, before | dr7(2, WRITE, 8)));

        assertEquals(before, peekDr(pid, Reg.DR7));
        assertEquals(PAGE, peekDr(pid, Reg.DR0));
        assertEquals(slots.toString(), slotsOf(pid).toString(), "the machine's slots are as before");
        tracer.cont(pid, 0);
        assertStop(next(pid), Kind.SIGNAL_STOP, Signals.SIGTRAP); // the old watchpoint still works
        tracer.cont(pid, 0);
        assertEquals(Kind.EXITED, next(pid).kind());
    }

    @Test
    @DisplayName("R-HBP-2: PTRACE_DETACH removes the tracer's watchpoints; the program's later writes do not trap")
    void detachRemovesWatchpoints() {
        pageProgram("w", "    store4 " + PAGE + ", 7", "    store4 " + PAGE + ", 8", "    exit 0");
        int pid = stoppedAtFirstHit("w", 0, READ_WRITE);
        assertEquals(1, slotsOf(pid).size());
        tracer.detach(pid, 0);
        assertEquals(List.of(), slotsOf(pid), "detach freed the slot");
        assertEquals(WaitStatus.exited(0), exitOf(pid), "the second store did not trap");
        await("the context released", () -> ptrace.releases.get() == 1);
    }

    @Test
    @DisplayName("R-HBP-1: at exec the tracer's watchpoints go (DR7 reads 0, the slot is free) and the new image runs untrapped")
    void execDropsWatchpoints() {
        pageProgram("w", "    store4 " + PAGE + ", 7", "    exec \"hello\"", "    exit 1");
        int pid = stoppedAtFirstHit("w", PtraceOptions.TRACEEXEC, WRITE);
        tracer.cont(pid, 0);
        assertEquals(WaitResult.EVENT_EXEC, next(pid).event());
        assertEquals(0, peekDr(pid, Reg.DR7));
        assertEquals(0, peekDr(pid, Reg.DR0), "the address registers are cleared too, as Linux's flush_ptrace_hw_breakpoint does");
        assertEquals(List.of(), slotsOf(pid), "the claim was removed by its owner's exec hook");
        // The new image may set them again.
        pokeDr(pid, Reg.DR0, PAGE);
        pokeDr(pid, Reg.DR7, dr7(0, WRITE, 4));
        assertEquals(1, slotsOf(pid).size());
        tracer.cont(pid, 0);
        assertEquals(Kind.EXITED, next(pid).kind());
        assertEquals(List.of(), slotsOf(pid));
    }

    @Test
    @DisplayName("R-HBP-1: at exit the tracer's watchpoints go before the tracer hears of the death")
    void exitDropsWatchpoints() {
        pageProgram("w", "    store4 " + PAGE + ", 7", "    exit 3");
        int pid = stoppedAtFirstHit("w", PtraceOptions.TRACEEXIT, WRITE);
        Task task = sim.findTask(pid);
        tracer.cont(pid, 0);
        assertEquals(WaitResult.EVENT_EXIT, next(pid).event());
        assertEquals(List.of(), sim.slots(task), "removed in the exit hook");
        assertEquals(0, peekDr(pid, Reg.DR7));
        tracer.cont(pid, 0);
        WaitResult end = next(pid);
        assertEquals(Kind.EXITED, end.kind(), end.describe());
        assertEquals(3, end.status() >> 8 & 0xff, end.describe());
    }

    @Test
    @DisplayName("R-HBP-2: a tracer that exits while its tracee sits in the stop for its watchpoint's trap or its single-step does not leave that SIGTRAP to kill the program")
    void tracerExitsInItsTrapStop() {
        pageProgram("w", "    store4 " + PAGE + ", 7", "    store4 " + PAGE + ", 8", "    exit 0");
        int watched = stoppedAtFirstHit("w", 0, WRITE);
        assertEquals(Signals.TRAP_HWBKPT, tracer.getSigInfo(watched).code);
        int stepped = seizedAtStart("w", 0);
        tracer.singlestep(stepped, 0);
        assertStop(next(stepped), Kind.SIGNAL_STOP, Signals.SIGTRAP);
        assertEquals(Signals.TRAP_TRACE, tracer.getSigInfo(stepped).code);
        // exit_ptrace detaches with the signal each stopped with, except these traps of the tracer's own.
        tracer.close();
        assertEquals(WaitStatus.exited(0), exitOf(watched));
        assertEquals(WaitStatus.exited(0), exitOf(stepped));
    }

    @Test
    @DisplayName("R-HBP-2: a tracer that exits while its own watchpoint's SIGTRAP is being reported (another engine's callback first) does not leave the trap to kill the program")
    void tracerExitsWhileItsTrapIsReported() throws Exception {
        pageProgram("w", "    store4 " + PAGE + ", 7", "    exit 0");
        int pid = sim.spawn("w", List.of(), true);
        await("stopped", () -> state(pid) == dev.utrace.api.task.TaskState.STOPPED);
        Task task = sim.findTask(pid);
        // Engines are called in attach order: this one, attached first, holds the report pass
        // before ptrace's callback has taken ptrace's hits.
        HoldingEngine holder = new HoldingEngine();
        holder.attach(core.facade("holder"), task);
        startSeized(pid, 0);
        pokeDr(pid, Reg.DR0, PAGE);
        pokeDr(pid, Reg.DR7, dr7(0, WRITE, 4));
        tracer.cont(pid, 0);
        holder.awaitHolding();
        // The trap is dequeued; ptrace's hits are untaken. The tracer exits now.
        var exiting = java.util.concurrent.CompletableFuture.runAsync(tracer::close);
        // Let the pass go on once the exit is under way (it must not have detached without the hits).
        await("the tracer's exit has dropped its watchpoint", () -> exiting.isDone() || sim.slots(task).isEmpty());
        holder.release();
        exiting.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(WaitStatus.exited(0), exitOf(pid), "the SIGTRAP of the gone tracer's watchpoint never reached the program");
        await("the context released", () -> ptrace.releases.get() == 1);
    }

    @Test
    @DisplayName("R-HBP-2 race: tracers exit at random moments while their watchpoint traps on every store; no program ever dies of the trap")
    void tracerExitRacesItsTraps() {
        int rounds = Math.max(20, Integer.getInteger("race.iterations", 10_000) / 50);
        pageProgram("w", "    mov rcx, 200", "again:", "    store8 " + PAGE + ", rcx", "    loop rcx, again", "    exit 0");
        for (int i = 0; i < rounds; i++) {
            tracer = ptrace.open("round " + i);
            int pid = seizedAtStart("w", 0);
            pokeDr(pid, Reg.DR0, PAGE);
            pokeDr(pid, Reg.DR7, dr7(0, WRITE, 8));
            // A few traps reported and resumed, then the tracer exits right after a cont: the
            // next trap is raised, pending, being reported, or already taken at that moment.
            for (int k = i % 4; k > 0; k--) {
                tracer.cont(pid, 0);
                assertStop(next(pid), Kind.SIGNAL_STOP, Signals.SIGTRAP);
            }
            tracer.cont(pid, 0);
            if (i % 2 == 1) Thread.onSpinWait();
            tracer.close();
            assertEquals(WaitStatus.exited(0), exitOf(pid), "round " + i + ": how the program ended after its tracer left");
        }
        await("every context released", () -> ptrace.releases.get() == rounds);
    }

    /** An engine whose signal callback holds the first watchpoint trap until released, passing it on unchanged. */
    static final class HoldingEngine implements dev.utrace.api.EngineOps {
        private final java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

        void attach(dev.utrace.api.Utrace utrace, Task task) {
            var r = utrace.attach(task, dev.utrace.api.AttachFlags.CREATE, this, null);
            assertEquals(dev.utrace.api.Outcome.DONE, r.outcome());
            assertEquals(dev.utrace.api.Outcome.DONE, utrace.setEvents(task, r.engine(), dev.utrace.api.Event.SIGNAL_ALL));
            r.engine().put();
        }

        @Override
        public int reportSignal(int action, dev.utrace.api.Engine engine, Task task, SignalInfo info,
                                dev.utrace.api.task.SigAction origKa, dev.utrace.api.task.SigAction returnKa) {
            if (info.signo == Signals.SIGTRAP && info.code == Signals.TRAP_HWBKPT && holding.getCount() == 1) {
                holding.countDown();
                try {
                    released.await(20, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return dev.utrace.api.EngineOps.super.reportSignal(action, engine, task, info, origKa, returnKa);
        }

        void awaitHolding() throws InterruptedException {
            assertTrue(holding.await(20, java.util.concurrent.TimeUnit.SECONDS), "the trap never came");
        }

        void release() {
            released.countDown();
        }
    }
}
