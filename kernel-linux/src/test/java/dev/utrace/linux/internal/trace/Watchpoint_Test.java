package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.utrace.linux.internal.sys.DebugRegs;
import dev.utrace.linux.internal.sys.LinuxException;
import dev.utrace.linux.internal.sys.SigInfo;
import dev.utrace.linux.internal.sys.Signals;
import dev.utrace.linux.internal.sys.Wait;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A hardware watchpoint through PTRACE_POKEUSER: DR0 then DR7, a SIGTRAP (si_code TRAP_HWBKPT) per
 * write with DR6 saying which slot fired, cleared and suppressed by the tracer.
 */
class Watchpoint_Test extends TracerTestBase {

    private static final int SYS_GETPPID = 110;
    private static final long W_OFFSET = 4; // struct { char b; short h; int w; long q; }: w at 4

    @Test
    @DisplayName("a 4-byte write watch on s.w fires on each of the 5 writes, not on the read; a misaligned watch is refused with EINVAL")
    void writeWatch() throws Exception {
        List<String> seen = new ArrayList<>();
        int[] hits = {0};
        recorder.policy = (t, stop) -> {
            if (stop.kind() == StopKind.SYSCALL_ENTRY && stop.syscall() == SYS_GETPPID && stop.arg(1) == 16) {
                long w = stop.arg(0) + W_OFFSET;
                t.pokeUser(DebugRegs.address(0), w + 1);
                try {
                    t.pokeUser(DebugRegs.DR7, DebugRegs.dr7Bits(0, DebugRegs.Access.WRITE, 4));
                    seen.add("misaligned accepted");
                } catch (LinuxException e) {
                    seen.add(e.errnoName());
                }
                t.pokeUser(DebugRegs.address(0), w);
                t.pokeUser(DebugRegs.DR7, DebugRegs.dr7Bits(0, DebugRegs.Access.WRITE, 4));
                seen.add("DR7=0x" + Long.toHexString(t.peekUser(DebugRegs.DR7)));
            } else if (stop.kind() == StopKind.SIGNAL && stop.signal() == Signals.SIGTRAP) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment info = arena.allocate(SigInfo.SIZE, 8);
                    t.getSigInfo(info);
                    long dr6 = t.peekUser(DebugRegs.DR6);
                    if (SigInfo.code(info) == SigInfo.TRAP_HWBKPT && DebugRegs.firedSlots(dr6) == 1) {
                        hits[0]++;
                        t.pokeUser(DebugRegs.DR6, 0);
                        stop.deliver(0);
                    } else {
                        seen.add("unexpected SIGTRAP code " + SigInfo.code(info) + " DR6 " + Long.toHexString(dr6));
                    }
                }
            }
            return null;
        };
        Spawned s = spawn("watch");
        assertEquals(Wait.exitedStatus(0), exit(s));
        assertEquals(List.of("EINVAL", "DR7=0x" + Long.toHexString(DebugRegs.dr7Bits(0, DebugRegs.Access.WRITE, 4))), seen);
        assertEquals(5, hits[0]);
        assertEquals("sum 5\n", stdout(s));
    }
}
