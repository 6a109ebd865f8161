package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.utrace.api.task.MemoryFault;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code Task.readMemory(address, into, offset, length)}: the simulated machine's own bulk read
 * and the API's default (built on the word read), on the same memory, give the same answers: all
 * the bytes, a partial read that stops at the first unmapped page, a MemoryFault when the first
 * byte is not mapped, nothing read for bad bounds, refused outside a safe point.
 */
class Memory_BulkReadTest {
    private static final long LOW = 0x10000000L; // two pages: the first holds 1..127 repeated, the second 0x5a
    private static final long HIGH = 0x10002000L; // one page, nothing mapped after it

    /** The program: maps the pages, fills them, then exits; the checks run in its exit syscall's entry. */
    private static String[] program() {
        List<String> p = new ArrayList<>(List.of("mmap " + LOW + ", 8192", "mmap " + HIGH + ", 4096"));
        for (int i = 0; i < 4096; i += 8) p.add("store8 " + (LOW + i) + ", " + word(i));
        p.add("store8 " + (LOW + 4096) + ", " + 0x5a5a5a5a5a5a5a5aL);
        p.add("store8 " + (HIGH + 4096 - 8) + ", " + 0x0807060504030201L);
        p.add("exit 0");
        return p.toArray(String[]::new);
    }

    private static long word(int i) {
        long w = 0;
        for (int k = 0; k < 8; k++) w |= (long) expected(i + k) << (8 * k);
        return w;
    }

    private static int expected(int offset) {
        return offset % 127 + 1; // below 0x80: every word is a positive number in the program
    }

    /** Runs {@code checks} on the bulk read of the machine and on the API's default, at the exit's entry. */
    private static void atExit(java.util.function.BiConsumer<String, Task> checks) {
        ScriptedHooks hooks = new ScriptedHooks();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        hooks.onEvent = (h, t) -> {
            if (h.equals("syscallEntry") && t.register(Reg.ORIG_RAX) == SyscallTable.EXIT) {
                try {
                    checks.accept("SimTask", t);
                    checks.accept("default", byWords(t));
                } catch (Throwable e) {
                    failed.set(e);
                }
            }
        };
        try (Sim sim = new Sim(hooks)) {
            sim.program("fill", program());
            int pid = sim.spawn("fill");
            assertEquals(0, sim.waitExit(pid).exitCode());
        }
        if (failed.get() instanceof AssertionError e) throw e;
        if (failed.get() != null) throw new AssertionError(failed.get());
    }

    @Test
    @DisplayName("a read within mapped memory, across a page boundary, returns every byte")
    void wholeRead() {
        atExit((who, t) -> {
            byte[] into = new byte[9000];
            assertEquals(4101, t.readMemory(LOW + 3, into, 10, 4101), who);
            for (int i = 0; i < 4093; i++) assertEquals(expected(3 + i), into[10 + i] & 0xff, who + " byte " + i);
            for (int i = 4093; i < 4101; i++) assertEquals(0x5a, into[10 + i] & 0xff, who + " byte " + i);
            assertEquals(0, into[9], who + ": nothing before the offset");
            assertEquals(0, into[10 + 4101], who + ": nothing after the length");
        });
    }

    @Test
    @DisplayName("a read that reaches an unmapped page is partial: the bytes before it, their count, the rest of the array untouched")
    void partialRead() {
        atExit((who, t) -> {
            byte[] into = new byte[64];
            Arrays.fill(into, (byte) 0x77);
            assertEquals(5, t.readMemory(HIGH + 4096 - 5, into, 0, 64), who);
            assertArrayEquals(new byte[] {4, 5, 6, 7, 8}, Arrays.copyOf(into, 5), who);
            for (int i = 5; i < 64; i++) assertEquals(0x77, into[i] & 0xff, who + " byte " + i + " untouched");
        });
    }

    @Test
    @DisplayName("a read whose first byte is not mapped throws MemoryFault at that address; bad bounds read nothing")
    void faultAndBounds() {
        atExit((who, t) -> {
            byte[] into = new byte[16];
            MemoryFault f = assertThrows(MemoryFault.class, () -> t.readMemory(HIGH + 4096, into, 0, 8), who);
            assertEquals(HIGH + 4096, f.address(), who);
            assertThrows(IndexOutOfBoundsException.class, () -> t.readMemory(LOW, into, 10, 8), who);
            assertThrows(IndexOutOfBoundsException.class, () -> t.readMemory(LOW, into, -1, 2), who);
            assertEquals(0, t.readMemory(HIGH + 4096, into, 0, 0), who + ": a length of 0 reads nothing");
            assertArrayEquals(new byte[16], into, who);
        });
    }

    @Test
    @DisplayName("R-EXAM-3 a bulk read of a running task from another thread is refused")
    void refusedOutsideSafePoint() {
        try (Sim sim = new Sim()) {
            int pid = sim.spawn("idle");
            SimTask t = sim.task(pid);
            Sim.await("it pauses", () -> t.state() == TaskState.SLEEPING);
            byte[] into = new byte[8];
            assertThrows(IllegalStateException.class, () -> t.readMemory(AddressSpace.STACK_TOP - 8, into, 0, 8));
            assertThrows(IllegalStateException.class, () -> byWords(t).readMemory(AddressSpace.STACK_TOP - 8, into, 0, 8));
            assertThrows(IllegalStateException.class, () -> t.readMemory(AddressSpace.STACK_TOP - 8, into, 0, 0), "length 0 too");
        }
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
