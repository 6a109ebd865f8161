package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.linux.internal.sys.SigInfo;
import dev.utrace.linux.internal.sys.Signals;
import dev.utrace.linux.internal.sys.UserRegs;
import dev.utrace.linux.internal.sys.UserRegs.Reg;
import dev.utrace.linux.internal.sys.Wait;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** PTRACE_SINGLESTEP: one instruction, then a SIGTRAP with si_code TRAP_TRACE, which the tracer suppresses. */
class SingleStep_Test extends TracerTestBase {

    private static final int SYS_GETPPID = 110;
    private static final int MAX_INSTRUCTION_LENGTH = 15;

    @Test
    @DisplayName("three single steps after the marker syscall: each a SIGTRAP (TRAP_TRACE) one instruction further; suppressed, the program runs on unchanged")
    void singleSteps() throws Exception {
        List<Long> rips = new ArrayList<>();
        List<Integer> codes = new ArrayList<>();
        int[] steps = {-1};
        recorder.policy = (t, stop) -> {
            try (Arena arena = Arena.ofConfined()) {
                UserRegs regs = new UserRegs(arena);
                if (stop.kind() == StopKind.SYSCALL_ENTRY && stop.syscall() == SYS_GETPPID && stop.arg(1) == 16) {
                    steps[0] = 0;
                } else if (stop.kind() == StopKind.SYSCALL_EXIT && steps[0] == 0) {
                    t.getRegs(regs);
                    rips.add(regs.get(Reg.RIP));
                    steps[0] = 1;
                    return Resume.SINGLESTEP;
                } else if (stop.kind() == StopKind.SIGNAL && stop.signal() == Signals.SIGTRAP && steps[0] > 0) {
                    MemorySegment info = arena.allocate(SigInfo.SIZE, 8);
                    t.getSigInfo(info);
                    codes.add(SigInfo.code(info));
                    t.getRegs(regs);
                    rips.add(regs.get(Reg.RIP));
                    stop.deliver(0);
                    return steps[0]++ < 3 ? Resume.SINGLESTEP : Resume.SYSCALL;
                }
            }
            return null;
        };
        Spawned s = spawn("regs");
        assertEquals(Wait.exitedStatus(0), exit(s));
        assertEquals(List.of(SigInfo.TRAP_TRACE, SigInfo.TRAP_TRACE, SigInfo.TRAP_TRACE), codes);
        assertEquals(4, rips.size(), "the syscall's return address, then one per step: " + rips);
        for (int i = 1; i < rips.size(); i++) {
            assertTrue(!rips.get(i).equals(rips.get(i - 1)), "each step moves rip (a ret may jump far): " + rips);
        }
        assertTrue(rips.get(1) - rips.get(0) > 0 && rips.get(1) - rips.get(0) <= MAX_INSTRUCTION_LENGTH,
                "the first step is one instruction past the syscall (no jump there in libc's syscall()): " + rips);
        assertEquals("buf=original ro=constant ret=" + ProcessHandle.current().pid() + "\n", stdout(s));
    }
}
