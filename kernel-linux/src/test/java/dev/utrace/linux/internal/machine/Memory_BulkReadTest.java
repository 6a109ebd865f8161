package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.task.MemoryFault;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code Task.readMemory(address, into, offset, length)} on a real process (workload
 * {@code bulkread}: two filled pages, nothing mapped after them, the second ending in "hello"):
 * the machine's own read (one process_vm_readv per 4 KiB into the task's native buffer) and the
 * API's default over word reads give the same bytes; a read that reaches the unmapped page is
 * partial; one that begins there is a MemoryFault; outside a safe point it is refused.
 */
class Memory_BulkReadTest extends MachineFixture {
    private static final int SYS_GETPPID = 110;
    private static final int SPAN = 2 * 4096;

    private static int expected(int offset) {
        return offset >= SPAN - 5 ? "hello".charAt(offset - (SPAN - 5)) : offset % 127 + 1;
    }

    private static void checks(String who, Task t, long base) {
        byte[] into = new byte[3 * 4096];
        assertEquals(SPAN, t.readMemory(base, into, 0, SPAN), who + ": both pages, two chunks");
        for (int i = 0; i < SPAN; i++) assertEquals(expected(i), into[i] & 0xff, who + " byte " + i);

        byte[] tail = new byte[100];
        Arrays.fill(tail, (byte) '#');
        assertEquals(5, t.readMemory(base + SPAN - 5, tail, 3, 90), who + ": partial at the unmapped page");
        assertEquals("###hello###", new String(tail, 0, 11, StandardCharsets.US_ASCII), who);

        Arrays.fill(into, (byte) 0);
        assertEquals(SPAN - 100, t.readMemory(base + 100, into, 0, into.length), who + ": partial after a whole chunk");
        for (int i = 0; i < SPAN - 100; i++) assertEquals(expected(100 + i), into[i] & 0xff, who + " byte " + (100 + i));
        for (int i = SPAN - 100; i < into.length; i++) assertEquals(0, into[i], who + " byte " + i + " untouched");

        MemoryFault f = assertThrows(MemoryFault.class, () -> t.readMemory(base + SPAN, tail, 0, 8), who);
        assertEquals(base + SPAN, f.address(), who + ": the fault's address");
        assertThrows(IndexOutOfBoundsException.class, () -> t.readMemory(base, tail, 95, 10), who);
        assertEquals(0, t.readMemory(base + SPAN, tail, 0, 0), who + ": length 0");
        assertEquals(0x6f6c6c65L, t.readMemory(base + SPAN - 4, 4), who + ": the word read beside it");
    }

    @Test
    @DisplayName("R-EXAM-3 a bulk read in the task's callback: whole, partial at an unmapped page, a fault at one; refused once it has gone")
    void bulkRead() {
        int pid = spawnStopped("bulkread");
        AtomicReference<Throwable> failed = new AtomicReference<>();
        long[] base = {0};
        EngineOps ops = new EngineOps() {
            @Override
            public int reportSyscallEntry(int action, Engine engine, Task task) {
                if (task.register(Reg.ORIG_RAX) == SYS_GETPPID && task.register(Reg.RSI) == SPAN) {
                    base[0] = task.register(Reg.RDI);
                    try {
                        checks("LinuxTask", task, base[0]);
                        checks("default", byWords(task), base[0]);
                    } catch (Throwable e) {
                        failed.set(e);
                    }
                }
                return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
            }
        };
        LinuxTask t = task(pid);
        attach(t, ops, Event.mask(Event.SYSCALL_ENTRY));
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertEquals("bulkread done\n", console(pid, "bulkread"));
        if (failed.get() instanceof AssertionError e) throw e;
        if (failed.get() != null) throw new AssertionError(failed.get());
        assertTrue(base[0] != 0, "the marker was seen");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> t.readMemory(base[0], new byte[8], 0, 8));
        assertTrue(refused.getMessage().contains("R-EXAM-3"), refused.getMessage());
    }

    /** {@code t} with only the API's default bulk read (over its word reads). */
    private static Task byWords(Task t) {
        return new Task() {
            @Override
            public int tid() {
                return t.tid();
            }

            @Override
            public int tgid() {
                return t.tgid();
            }

            @Override
            public TaskState state() {
                return t.state();
            }

            @Override
            public String comm() {
                return t.comm();
            }

            @Override
            public boolean isKernelThread() {
                return false;
            }

            @Override
            public long register(Reg reg) {
                return t.register(reg);
            }

            @Override
            public void setRegister(Reg reg, long value) {
                t.setRegister(reg, value);
            }

            @Override
            public long readMemory(long address, int length) {
                return t.readMemory(address, length);
            }

            @Override
            public void writeMemory(long address, int length, long value) {
                t.writeMemory(address, length, value);
            }
        };
    }
}
