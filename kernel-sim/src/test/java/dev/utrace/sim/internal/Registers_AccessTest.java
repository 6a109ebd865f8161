package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.MemoryFault;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.TaskState;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class Registers_AccessTest {

    @Test
    @DisplayName("R-EXAM-3: registers and memory of a running task are refused to other threads")
    void otherThreadsAreRefusedWhileItRuns_R_EXAM_3() {
        try (Sim sim = new Sim()) {
            int pid = sim.spawn("idle");
            SimTask t = sim.task(pid);
            Sim.await("it pauses", () -> t.state() == TaskState.SLEEPING);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.register(Reg.RIP));
            assertTrue(e.getMessage().startsWith("reading RIP of task " + pid + " (SLEEPING) is not allowed now"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> t.setRegister(Reg.RAX, 1));
            assertThrows(IllegalStateException.class, () -> t.readMemory(AddressSpace.STACK_TOP - 8, 8));
            assertThrows(IllegalStateException.class, () -> t.writeMemory(AddressSpace.STACK_TOP - 8, 8, 1));
        }
    }

    @Test
    void hooksOnTheTasksThreadMayChangeRegistersAndMemory() {
        ScriptedHooks hooks = new ScriptedHooks();
        AtomicLong seen = new AtomicLong();
        hooks.onEvent = (h, t) -> {
            if (h.equals("syscallEntry") && t.register(Reg.ORIG_RAX) == SyscallTable.EXIT) {
                seen.set(t.readMemory(0x10000000L, 8));
                t.writeMemory(0x10000000L, 8, 42);
                t.setRegister(Reg.RDI, t.readMemory(0x10000000L, 8));
                assertThrows(MemoryFault.class, () -> t.readMemory(8, 8));
                assertThrows(IllegalArgumentException.class, () -> t.readMemory(0x10000000L, 3));
            }
        };
        try (Sim sim = new Sim(hooks)) {
            sim.program("m", "mmap 0x10000000, 4096", "store8 0x10000000, 5", "exit 0");
            int pid = sim.spawn("m");
            assertEquals(42, sim.waitExit(pid).exitCode(), "the hook changed the exit argument");
            assertEquals(5, seen.get());
        }
    }

    @Test
    void whileHeldStoppedAnotherThreadMayReadAndWrite() {
        RecordingHooks hooks = new RecordingHooks();
        hooks.stopAt(e -> e.hook().equals("syscallEntry") && e.detail().equals("nr=" + SyscallTable.EXIT));
        try (Sim sim = new Sim(hooks)) {
            sim.program("w", "mov rdi, 1", "exit rdi");
            int pid = sim.spawn("w");
            SimTask t = sim.task(pid);
            Sim.await("held at exit", () -> t.state() == TaskState.TRACED);
            assertEquals(1, t.register(Reg.RDI));
            t.setRegister(Reg.RDI, 9);
            hooks.releaseStops();
            assertEquals(9, sim.waitExit(pid).exitCode());
        }
    }
}
