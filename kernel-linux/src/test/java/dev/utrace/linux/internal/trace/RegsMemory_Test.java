package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.LinuxException;
import dev.utrace.linux.internal.sys.UserRegs;
import dev.utrace.linux.internal.sys.UserRegs.Reg;
import dev.utrace.linux.internal.sys.Wait;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Registers (GETREGS, SETREGS, PEEKUSER) and memory (process_vm_readv/writev, /proc/PID/mem for a
 * read-only page) of a tracee at a marker syscall {@code getppid(buf, 16, ro)}.
 */
class RegsMemory_Test extends TracerTestBase {

    private static final int SYS_GETPPID = 110;

    @Test
    @DisplayName("at a syscall entry the registers hold its number and arguments; memory is read and written, a read-only page too; SETREGS changes the return value")
    void registersAndMemory() throws Exception {
        List<String> seen = new ArrayList<>();
        boolean[] inMarker = {false};
        recorder.policy = (t, stop) -> {
            try (Arena arena = Arena.ofConfined()) {
                UserRegs regs = new UserRegs(arena);
                if (stop.kind() == StopKind.SYSCALL_ENTRY && stop.syscall() == SYS_GETPPID && stop.arg(1) == 16) {
                    inMarker[0] = true;
                    t.getRegs(regs);
                    seen.add("orig_rax=" + regs.get(Reg.ORIG_RAX) + " rax=" + regs.get(Reg.RAX)
                            + " args " + (regs.syscallArg(0) == stop.arg(0) && regs.syscallArg(2) == stop.arg(2))
                            + " peek " + (t.peekUser(Reg.RDI.offset()) == regs.get(Reg.RDI)));
                    MemorySegment buf = arena.allocate(16);
                    assertEquals(16, t.readMemory(stop.arg(0), buf));
                    seen.add("buf=" + buf.getString(0));
                    t.writeMemory(stop.arg(0), arena.allocateFrom("changed"));
                    t.writeMemory(stop.arg(2), arena.allocateFrom("CONSTANT"));
                } else if (stop.kind() == StopKind.SYSCALL_EXIT && inMarker[0]) {
                    inMarker[0] = false;
                    t.getRegs(regs);
                    seen.add("returned parent " + (regs.get(Reg.RAX) == stop.returnValue()));
                    regs.set(Reg.RAX, 42);
                    t.setRegs(regs);
                }
            }
            return null;
        };
        Spawned s = spawn("regs");
        assertEquals(Wait.exitedStatus(0), exit(s));
        assertEquals(List.of("orig_rax=110 rax=-38 args true peek true", "buf=original", "returned parent true"), seen);
        assertEquals("buf=changed ro=CONSTANT ret=42\n", stdout(s));
    }

    @Test
    @DisplayName("the /proc/PID/mem path alone reads and writes; an unmapped address fails with its errno named and says why")
    void procMemAndFaults() throws Exception {
        List<String> seen = new ArrayList<>();
        recorder.policy = (t, stop) -> {
            if (stop.kind() == StopKind.SYSCALL_ENTRY && stop.syscall() == SYS_GETPPID && stop.arg(1) == 16) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment buf = arena.allocate(9);
                    tracerMemory(t).readProcMem(t.tid(), stop.arg(0), buf);
                    seen.add(buf.getString(0));
                    tracerMemory(t).writeProcMem(t.tid(), stop.arg(2), arena.allocateFrom("procmem!"));
                    try {
                        t.readMemory(8, buf);
                        seen.add("read address 8");
                    } catch (LinuxException e) {
                        seen.add(e.errnoName() + ": " + e.getMessage());
                    }
                }
            }
            return null;
        };
        Spawned s = spawn("regs");
        assertEquals(Wait.exitedStatus(0), exit(s));
        assertEquals("original", seen.get(0));
        assertTrue(seen.get(1).matches("(EIO|EFAULT): reading 9 bytes at 0x8 of thread \\d+ failed: (EIO|EFAULT) \\(.*\\); "
                + "the address is not mapped in the tracee \\(see /proc/\\d+/maps\\)"), seen.get(1));
        assertEquals("buf=original ro=procmem! ret=" + ProcessHandle.current().pid() + "\n", stdout(s),
                "the parent of the spawned program is this JVM");
    }

    @Test
    @DisplayName("registers of a running tracee are refused by the kernel (ESRCH), and the message says to hold it")
    void registersNeedAStop() throws Exception {
        Tracee[] seen = new Tracee[1];
        recorder.policy = (t, stop) -> {
            seen[0] = t;
            return Resume.CONT;
        };
        Spawned s = spawn("holder");
        awaitRunning(s.pid());
        LinuxException e = org.junit.jupiter.api.Assertions.assertThrows(LinuxException.class, () -> onTracer(() -> {
            try (Arena arena = Arena.ofConfined()) {
                seen[0].getRegs(new UserRegs(arena));
            }
            return null;
        }));
        assertEquals(Errno.ESRCH, e.errno());
        assertTrue(e.getMessage().contains("not stopped (use it in its listener call or while it is held)"), e.getMessage());
        Spawned holder = s;
        dev.utrace.linux.internal.sys.Signals.send(holder.pid(), dev.utrace.linux.internal.sys.Signals.SIGKILL);
        exit(holder);
    }

    private void awaitRunning(int pid) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_SECONDS * 1_000_000_000L;
        while (ProcFs.status(pid).state() != 'S') {
            if (System.nanoTime() > deadline) throw new AssertionError("process " + pid + " never slept in pause()");
            Thread.sleep(1);
        }
    }

    private static dev.utrace.linux.internal.sys.ProcessMemory tracerMemory(Tracee t) {
        return t.loop.memory();
    }

    static long word(MemorySegment s) {
        return s.get(ValueLayout.JAVA_LONG, 0);
    }
}
