package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.sim.WaitStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class DebugRegisters_WatchpointTest {
    /** DR7: slot 0 enabled (L0), write-only (01), length 8 (10). */
    static final long WRITE8 = 1 | (0b01L << 16) | (0b10L << 18);
    /** DR7: slot 0 enabled, read/write (11), length 8. */
    static final long RW8 = 1 | (0b11L << 16) | (0b10L << 18);

    private static List<String> run(long dr7, int writes) {
        ScriptedHooks hooks = new ScriptedHooks();
        List<String> traps = new CopyOnWriteArrayList<>();
        hooks.onEvent = (h, t) -> {
            if (h.equals("syscallEntry") && t.register(Reg.ORIG_RAX) == SyscallTable.MMAP) {
                t.setRegister(Reg.DR0, 0x10000008L);
                t.setRegister(Reg.DR7, dr7);
            }
        };
        hooks.onGetSignal = (t, info, ka) -> {
            SignalInfo got = new SignalInfo();
            int sig = t.dequeueSignal(got);
            if (sig == 0) return 0;
            traps.add(Signals.name(sig) + "/" + got.code + " dr6=" + t.register(Reg.DR6));
            t.setRegister(Reg.DR6, 0);
            return -1;
        };
        try (Sim sim = new Sim(hooks)) {
            int pid = sim.spawn("memwriter", Integer.toString(writes));
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
        }
        return traps;
    }

    @Test
    void aWriteWatchpointFiresOnEachStoreWithTrapHwbkpt() {
        assertEquals(List.of("SIGTRAP/4 dr6=1", "SIGTRAP/4 dr6=1"), run(WRITE8, 2));
    }

    @Test
    void aReadWriteWatchpointAlsoFiresOnOverlappingReads() {
        long rw8At10 = RW8;
        List<String> traps = run(rw8At10, 2);
        assertEquals(2, traps.size(), "the store at 0x10000008 fires, the load at 0x10000010 does not overlap");
    }

    @Test
    void misalignedAndUnsupportedSettingsAreRefusedAndChangeNothing() {
        DebugRegisters d = new DebugRegisters();
        d.set(Reg.DR0, 0x1004);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.set(Reg.DR7, WRITE8));
        assertTrue(e.getMessage().startsWith("EINVAL: DR0 = 0x1004 is not aligned to its length 8"), e.getMessage());
        assertEquals(0, d.get(Reg.DR7));
        assertThrows(IllegalArgumentException.class, () -> d.set(Reg.DR7, 1));
        d.set(Reg.DR0, 0x1000);
        d.set(Reg.DR7, WRITE8);
        assertThrows(IllegalArgumentException.class, () -> d.set(Reg.DR0, 0x1002));
        assertEquals(0x1000, d.get(Reg.DR0));
    }

    @Test
    void newThreadsDoNotInheritDebugRegisters() {
        ScriptedHooks hooks = new ScriptedHooks();
        List<Long> childDr7 = new CopyOnWriteArrayList<>();
        hooks.onEvent = (h, t) -> {
            if (!h.equals("syscallEntry")) return;
            long nr = t.register(Reg.ORIG_RAX);
            if (nr == SyscallTable.GETPID) {
                t.setRegister(Reg.DR0, 0x10000000L);
                t.setRegister(Reg.DR7, WRITE8);
            } else if (nr == SyscallTable.GETTID) {
                childDr7.add(t.register(Reg.DR7));
            }
        };
        try (Sim sim = new Sim(hooks)) {
            sim.program("thr", "getpid", "thread t", "sleep 20", "exit_group 0", "t: gettid", "pause");
            int pid = sim.spawn("thr");
            sim.waitExit(pid);
            assertEquals(List.of(0L), childDr7);
        }
    }
}
