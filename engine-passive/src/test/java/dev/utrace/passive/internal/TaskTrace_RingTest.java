package dev.utrace.passive.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.MemoryFault;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.passive.Copied;
import dev.utrace.passive.Kind;
import dev.utrace.passive.TraceEvent;
import dev.utrace.passive.internal.strace.SyscallTable;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The ring of primitive columns: after it wrapped many times, with syscalls that copy memory
 * (openat's path at its entry, read's buffer at its exit) and ones that do not (close, getpid)
 * and other events in between, every event reads back as it was recorded, a slot never shows
 * the copies of the syscall that held it before, and the statistics count every syscall.
 */
class TaskTrace_RingTest {
    private static final int READ = 0, CLOSE = 3, GETPID = 39, OPENAT = 257, ODD = 5000;
    private static final long MEM = 0x1000;

    /** A task in its syscall callbacks: registers as set, 64 bytes of memory at {@link #MEM}. */
    private static final class FakeTask implements Task {
        final Map<Reg, Long> regs = new EnumMap<>(Reg.class);
        final byte[] memory = new byte[64];

        void syscall(int nr, long... args) {
            regs.put(Reg.ORIG_RAX, (long) nr);
            for (int i = 0; i < Reg.SYSCALL_ARGS.length; i++) regs.put(Reg.SYSCALL_ARGS[i], i < args.length ? args[i] : 0L);
        }

        void put(String text) {
            java.util.Arrays.fill(memory, (byte) 0);
            byte[] b = text.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(b, 0, memory, 0, b.length);
        }

        @Override
        public long readMemory(long address, int length) {
            long v = 0;
            for (int i = 0; i < length; i++) v |= (memory[index(address + i)] & 0xffL) << (8 * i);
            return v;
        }

        private int index(long address) {
            if (address < MEM || address >= MEM + memory.length) throw new MemoryFault(address, "not mapped");
            return (int) (address - MEM);
        }

        @Override
        public long register(Reg reg) {
            return regs.getOrDefault(reg, 0L);
        }

        @Override
        public int tid() {
            return 7;
        }

        @Override
        public int tgid() {
            return 7;
        }

        @Override
        public TaskState state() {
            return TaskState.RUNNING;
        }

        @Override
        public String comm() {
            return "fake";
        }

        @Override
        public boolean isKernelThread() {
            return false;
        }

        @Override
        public void setRegister(Reg reg, long value) {
            regs.put(reg, value);
        }

        @Override
        public void writeMemory(long address, int length, long value) {
            throw new UnsupportedOperationException();
        }
    }

    private static String name(int nr) {
        return switch (nr) {
            case READ -> "read";
            case CLOSE -> "close";
            case GETPID -> "getpid";
            case OPENAT -> "openat";
            default -> "syscall_" + nr;
        };
    }

    @Test
    void everyEventReadsBackAsRecordedAfterTheRingWrapped() {
        int ringSize = 7; // prime to the 5 records per round: each slot holds every kind in turn
        TaskTrace tr = new TaskTrace(7, 7, "fake", Set.of(Kind.SYSCALLS), false, ringSize, 0,
                new SyscallTable(TaskTrace_RingTest::name));
        FakeTask t = new FakeTask();
        long seq = 0;
        int rounds = 40;
        for (int i = 0; i < rounds; i++) {
            t.put("/path/" + i);
            t.syscall(OPENAT, -100, MEM, 0);
            tr.syscallEntry(t, 0);
            assertTrue(tr.syscallExit(seq++, 1, t, 3) >= 0);
            t.syscall(READ, 3, MEM, 64);
            tr.syscallEntry(t, 0);
            t.put("data" + i);
            tr.syscallExit(seq++, 1, t, 4 + Integer.toString(i).length());
            t.syscall(i % 2 == 0 ? CLOSE : ODD, 3);
            tr.syscallEntry(t, 0);
            tr.syscallExit(seq++, 1, t, 0);
            tr.add(new TraceEvent(seq++, 1, 7, Kind.SIGNALS, 17, null, null, 0, true, 0, "sig" + i));
            t.syscall(GETPID);
            tr.syscallEntry(t, 0);
            tr.syscallExit(seq++, 1, t, 7);
        }
        List<TraceEvent> last = tr.last(100);
        assertEquals(ringSize, last.size());
        assertEquals(seq - ringSize, last.get(0).seq(), "the oldest kept");
        for (TraceEvent e : last) {
            int round = (int) (e.seq() / 5);
            switch ((int) (e.seq() % 5)) {
                case 0 -> {
                    assertEquals("openat", e.name());
                    assertEquals("/path/" + round, text(e.copied(1)), e::toString);
                    assertEquals(MEM, e.args()[1]);
                }
                case 1 -> {
                    assertEquals("read", e.name());
                    assertEquals("data" + round, text(e.copied(1)), e::toString);
                }
                case 2 -> {
                    assertEquals(round % 2 == 0 ? "close" : "syscall_" + ODD, e.name());
                    assertEquals(List.of(), e.copied(), "no copies of the slot's earlier syscall: " + e);
                }
                case 3 -> assertEquals("sig" + round, e.detail());
                default -> {
                    assertEquals("getpid", e.name());
                    assertEquals(7, e.result());
                    assertEquals(List.of(), e.copied(), e::toString);
                }
            }
            assertEquals(7, e.tid());
        }
        var stats = tr.stats();
        assertEquals(rounds, stats.calls("openat"));
        assertEquals(rounds, stats.calls("read"));
        assertEquals(rounds / 2, stats.calls("close"));
        assertEquals(rounds / 2, stats.calls("syscall_" + ODD), "a number beyond the arrays");
        assertEquals(rounds, stats.calls("getpid"));
        assertEquals(seq - ringSize, stats.dropped());
    }

    private static String text(Copied c) {
        return c instanceof Copied.Bytes b ? new String(b.data(), StandardCharsets.US_ASCII) : String.valueOf(c);
    }
}
