package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.utrace.api.task.MemoryFault;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.WaitStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The text segment at 0x400000 (issue 18: {@code ptrace:peek 3 0x400000} answered "not
 * mapped"): a tracer reads the encoded instructions and may write them, as PEEKTEXT/POKETEXT do
 * on Linux; a breakpoint (int3) traps, bytes that are no instruction raise SIGILL; the program
 * itself cannot write its text.
 */
class TextSegment_PeekPokeTest {

    /** getpid (2 instructions), then "mov rbx, 5" at index 2, "mov rbx, 6" at 3, then exit rbx. */
    private static final String[] SIX = {"getpid", "mov rbx, 5", "mov rbx, 6", "exit rbx"};

    @Test
    void aStoppedTasksTextReadsAsItsEncodedInstructions() {
        RecordingHooks hooks = new RecordingHooks();
        hooks.stopAt(e -> e.hook().equals("syscallEntry") && e.detail().equals("nr=" + SyscallTable.GETPID));
        try (Sim sim = new Sim(hooks)) {
            sim.program("six", SIX);
            int pid = sim.spawn("six");
            SimTask t = sim.task(pid);
            Sim.await("held at getpid", () -> t.state() == TaskState.TRACED);
            // Instruction i is opcode | i << 8, little-endian: mov (1) at 0, syscall (7) at 1, mov at 2 and 3, ...
            assertEquals(0x0000_0107_0000_0001L, t.readMemory(0x400000, 8));
            assertEquals(0x0000_0301_0000_0201L, t.readMemory(0x400008, 8));
            assertEquals(0x07, t.readMemory(Program.address(6), 1), "the exit's syscall");
            assertEquals(0, t.readMemory(Program.address(7), 8), "the rest of the text page reads as zeros");
            assertThrows(MemoryFault.class, () -> t.readMemory(0x400000 + AddressSpace.PAGE, 8));
            Program p = sim.task(pid).proc.program;
            for (int i = 0; i < p.code().size(); i++) {
                assertEquals(p.code().get(i), TextCode.decode(p.code(), (int) t.readMemory(Program.address(i), 4)));
            }
            hooks.releaseStops();
            assertEquals(WaitStatus.exited(6), sim.waitExit(pid));
        }
    }

    @Test
    void aBreakpointTrapsAfterItsByteAndTheProgramRunsOnOnceRestored() {
        ScriptedHooks hooks = new ScriptedHooks();
        long at = Program.address(3); // mov rbx, 6
        long[] original = new long[1];
        List<String> traps = new CopyOnWriteArrayList<>();
        hooks.onEvent = (h, t) -> {
            if (h.equals("syscallEntry") && t.register(Reg.ORIG_RAX) == SyscallTable.GETPID) {
                original[0] = t.readMemory(at, 8);
                t.writeMemory(at, 8, (original[0] & ~0xffL) | TextCode.INT3); // what a debugger's POKETEXT does
            }
        };
        hooks.onGetSignal = (t, info, ka) -> {
            SignalInfo got = new SignalInfo();
            int sig = t.dequeueSignal(got);
            if (sig == 0) return 0;
            traps.add(Signals.name(sig) + "/" + got.code + " rip=0x" + Long.toHexString(t.register(Reg.RIP)));
            t.writeMemory(at, 8, original[0]);
            t.setRegister(Reg.RIP, at);
            return -1;
        };
        try (Sim sim = new Sim(hooks)) {
            sim.program("six", SIX);
            int pid = sim.spawn("six");
            assertEquals(WaitStatus.exited(6), sim.waitExit(pid), "mov rbx, 6 ran once restored");
            assertEquals(List.of("SIGTRAP/" + Signals.SI_KERNEL + " rip=0x" + Long.toHexString(at + 1)), traps);
        }
    }

    @Test
    void resumedPastTheInt3ByteWithoutSettingRipBackTheTaskFaults() {
        ScriptedHooks hooks = new ScriptedHooks();
        long at = Program.address(3);
        hooks.onEvent = (h, t) -> {
            if (h.equals("syscallEntry") && t.register(Reg.ORIG_RAX) == SyscallTable.GETPID) {
                t.writeMemory(at, 1, TextCode.INT3);
            }
        };
        List<String> seen = new CopyOnWriteArrayList<>();
        hooks.onGetSignal = (t, info, ka) -> {
            SignalInfo got = new SignalInfo();
            int sig = t.dequeueSignal(got);
            if (sig == 0) return 0;
            seen.add(Signals.name(sig) + "@0x" + Long.toHexString(got.addr));
            if (sig == Signals.SIGTRAP) return -1; // swallowed, rip left one past the int3 byte
            t.setRegister(Reg.RIP, Program.address(4)); // on to exit rbx
            return -1;
        };
        try (Sim sim = new Sim(hooks)) {
            sim.program("six", SIX);
            assertEquals(WaitStatus.exited(5), sim.waitExit(sim.spawn("six")), "mov rbx, 6 never ran");
            assertEquals(List.of("SIGTRAP@0x0", "SIGSEGV@0x" + Long.toHexString(at + 1)), seen);
        }
    }

    @Test
    void withoutATracerABreakpointKillsWithSigtrapAndBytesThatAreNoInstructionWithSigill() {
        assertEquals(WaitStatus.signaled(Signals.SIGTRAP, true), runPatched(3, w -> (w & ~0xffL) | TextCode.INT3));
        assertEquals(WaitStatus.signaled(Signals.SIGILL, true), runPatched(3, w -> w & ~0xffff_ffffL));
        assertEquals(WaitStatus.signaled(Signals.SIGILL, true), runPatched(3, w -> (w & ~0xffL) | TextCode.LOAD),
                "mov's number with load's opcode");
    }

    @Test
    void writtenTextRunsAsTheInstructionItEncodes() {
        long movRbx5 = TextCode.MOV | 2 << 8;
        assertEquals(WaitStatus.exited(5), runPatched(3, w -> (w & ~0xffff_ffffL) | movRbx5), "slot 3 now runs mov rbx, 5");
        assertEquals(WaitStatus.exited(6), runPatched(3, w -> w), "rewriting the same bytes changes nothing");
    }

    /** Runs SIX with the word at instruction {@code index} replaced by {@code patch(old 8 bytes)} at getpid. */
    private static WaitStatus runPatched(int index, java.util.function.LongUnaryOperator patch) {
        ScriptedHooks hooks = new ScriptedHooks();
        hooks.onEvent = (h, t) -> {
            if (h.equals("syscallEntry") && t.register(Reg.ORIG_RAX) == SyscallTable.GETPID) {
                long a = Program.address(index);
                t.writeMemory(a, 8, patch.applyAsLong(t.readMemory(a, 8)));
            }
        };
        try (Sim sim = new Sim(hooks)) {
            sim.program("six", SIX);
            return sim.waitExit(sim.spawn("six"));
        }
    }

    @Test
    void theProgramReadsItsTextButItsStoresThereFaultAndTheKernelReturnsEfault() {
        try (Sim sim = new Sim()) {
            sim.program("reader", "load4 rdi, 0x400000", "exit rdi"); // its own first word: load (4), number 0
            assertEquals(WaitStatus.exited(TextCode.LOAD), sim.waitExit(sim.spawn("reader")));

            sim.program("oldset", "syscall rt_sigprocmask 0, 0, 0x400000", "mov rbx, rax", "print \"{rbx}\\n\"", "exit 0");
            int pid = sim.spawn("oldset");
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
            assertEquals("-14\n", sim.machine.console(pid), "EFAULT: the kernel does not write into the text either");
        }
        ScriptedHooks hooks = new ScriptedHooks();
        List<String> faults = new CopyOnWriteArrayList<>();
        hooks.onGetSignal = (t, info, ka) -> {
            SignalInfo got = new SignalInfo();
            int sig = t.dequeueSignal(got);
            if (sig == 0) return 0;
            faults.add(Signals.name(sig) + "/" + got.code + "@0x" + Long.toHexString(got.addr)
                    + " rip=0x" + Long.toHexString(t.register(Reg.RIP)));
            t.setRegister(Reg.RIP, Program.address(1)); // as a debugger would: skip the store, on to exit 0
            return -1;
        };
        try (Sim sim = new Sim(hooks)) {
            sim.program("writer", "store4 0x400004, 0", "exit 0");
            assertEquals(WaitStatus.exited(0), sim.waitExit(sim.spawn("writer")));
            assertEquals(List.of("SIGSEGV/" + Cpu.SEGV_ACCERR + "@0x400004 rip=0x400000"), faults,
                    "the store did not complete: rip still at it");
        }
        try (Sim sim = new Sim()) {
            sim.program("writer", "store4 0x400004, 0", "exit 0");
            assertEquals(WaitStatus.signaled(Signals.SIGSEGV, true), sim.waitExit(sim.spawn("writer")));
        }
    }

    @Test
    void unmappingTheTextFaultsAtTheNextInstructionAndExecMapsAFreshOne() {
        try (Sim sim = new Sim()) {
            sim.program("unmap", "munmap 0x400000, 4096", "exit 0");
            assertEquals(WaitStatus.signaled(Signals.SIGSEGV, true), sim.waitExit(sim.spawn("unmap")));
        }
        ScriptedHooks hooks = new ScriptedHooks();
        hooks.onEvent = (h, t) -> {
            if (h.equals("syscallEntry") && t.register(Reg.ORIG_RAX) == SyscallTable.GETPID) {
                t.writeMemory(Program.address(0), 8, 0); // garbage over the first instructions, which already ran
            }
        };
        try (Sim sim = new Sim(hooks)) {
            sim.program("execs", "getpid", "exec \"hello\"");
            int pid = sim.spawn("execs");
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid), "hello's text is its own");
            assertEquals("hello, world\n", sim.machine.console(pid));
        }
    }
}
