package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.spi.StepMode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SingleStep_TrapTest {

    @Test
    void theSyscallThatEnablesSteppingAndEachInstructionAfterTrapWithTrapTrace() {
        ScriptedHooks hooks = new ScriptedHooks();
        List<String> traps = new CopyOnWriteArrayList<>();
        hooks.onEvent = (h, t) -> {
            if (h.equals("syscallEntry") && t.register(Reg.ORIG_RAX) == SyscallTable.GETPID) t.setStepping(StepMode.SINGLE);
        };
        hooks.onGetSignal = (t, info, ka) -> {
            SignalInfo got = new SignalInfo();
            int sig = t.dequeueSignal(got);
            if (sig == 0) return 0;
            traps.add(Signals.name(sig) + "/" + got.code + "@" + Long.toHexString(got.addr)
                    + " tf=" + ((t.register(Reg.EFLAGS) & Reg.EFLAGS_TF) != 0));
            if (traps.size() == 3) t.setStepping(StepMode.NONE);
            return -1;
        };
        try (Sim sim = new Sim(hooks)) {
            sim.program("st", "getpid", "nop", "nop", "nop", "nop", "exit 0");
            int pid = sim.spawn("st");
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
            long first = Program.address(2);
            assertEquals(List.of("SIGTRAP/2@" + Long.toHexString(first) + " tf=true",
                    "SIGTRAP/2@" + Long.toHexString(first + 4) + " tf=true",
                    "SIGTRAP/2@" + Long.toHexString(first + 8) + " tf=true"), traps);
        }
    }

    @Test
    void withoutATracerTheTrapKillsWithACore() {
        ScriptedHooks hooks = new ScriptedHooks();
        hooks.onEvent = (h, t) -> {
            if (h.equals("syscallEntry")) t.setStepping(StepMode.SINGLE);
        };
        try (Sim sim = new Sim(hooks)) {
            sim.program("st2", "getpid", "nop", "exit 0");
            int pid = sim.spawn("st2");
            assertEquals(WaitStatus.signaled(Signals.SIGTRAP, true), sim.waitExit(pid));
            assertTrue(sim.hooks.of("exit").get(0).detail().equals("code=" + (Signals.SIGTRAP | 0x80)));
        }
    }
}
