package dev.utrace.passive.internal.strace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.MemoryFault;
import dev.utrace.api.task.Task;
import dev.utrace.passive.Copied;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * execve's argv and envp are read a chunk of pointers at a time, with the same results as a
 * read per word: the strings or the count, cut where memory ends.
 */
class Capture_PointerArrayTest {
    /** Mapped memory: two pages from here; everything else faults. */
    private static final long BASE = 0x10000;
    private static final int SIZE = 2 * Capture.PAGE;

    /** A task whose memory is {@link #memory} at {@link #BASE}; counts every access (word or bulk). */
    private final ByteBuffer memory = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    private int accesses;
    private final Task task = (Task) Proxy.newProxyInstance(Task.class.getClassLoader(), new Class<?>[] {Task.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "readMemory" -> args.length == 2 ? (Object) word((long) args[0], (int) args[1])
                        : (Object) bulk((long) args[0], (byte[]) args[1], (int) args[2], (int) args[3]);
                case "tid", "tgid" -> 7;
                default -> throw new UnsupportedOperationException(method.getName());
            });

    private long word(long address, int length) {
        accesses++;
        if (address < BASE || address + length > BASE + SIZE) throw new MemoryFault(address, "not mapped");
        long v = 0;
        for (int i = length - 1; i >= 0; i--) v = v << 8 | (memory.get((int) (address - BASE) + i) & 0xffL);
        return v;
    }

    private int bulk(long address, byte[] into, int offset, int length) {
        accesses++;
        if (address < BASE || address >= BASE + SIZE) throw new MemoryFault(address, "not mapped");
        int n = (int) Math.min(length, BASE + SIZE - address);
        memory.get((int) (address - BASE), into, offset, n);
        return n;
    }

    /** Writes pointers at {@code at} (then nothing: the caller adds the NULL if it wants one). */
    private void pointers(long at, long... values) {
        for (int i = 0; i < values.length; i++) memory.putLong((int) (at - BASE) + 8 * i, values[i]);
    }

    private void string(long at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        memory.put((int) (at - BASE), b).put((int) (at - BASE) + b.length, (byte) 0);
    }

    private Copied capture(ArgKind kind, long address) {
        CopyBuffer out = new CopyBuffer();
        Capture.entry(new Signature("execve", List.of(ArgKind.HEX, kind), Signature.Result.DECIMAL), task,
                new long[] {0, address, 0, 0, 0, 0}, out);
        return out.get(1);
    }

    @Test
    @DisplayName("an environment of 100 variables is counted in two reads, not 101")
    void envpInChunks() {
        long envp = BASE + 0x100;
        long[] vars = new long[100];
        java.util.Arrays.fill(vars, BASE + 0x1800);
        pointers(envp, vars);
        pointers(envp + 800, 0);
        Copied c = capture(ArgKind.ENVP, envp);
        assertEquals(new Copied.Count(100, false), c);
        assertTrue(accesses <= 2, accesses + " reads");
    }

    @Test
    @DisplayName("argv's strings, in order, with the pointers read in one access")
    void argvInChunks() {
        long argv = BASE + 0x200;
        string(BASE + 0x1000, "/bin/true");
        string(BASE + 0x1010, "--version");
        pointers(argv, BASE + 0x1000, BASE + 0x1010, 0);
        Copied c = capture(ArgKind.ARGV, argv);
        assertTrue(c instanceof Copied.Strings s && !s.cut() && s.items().size() == 2
                && new String(s.items().get(0).data(), StandardCharsets.US_ASCII).equals("/bin/true")
                && new String(s.items().get(1).data(), StandardCharsets.US_ASCII).equals("--version"), String.valueOf(c));
        assertEquals(3, accesses, "one read of the pointers, one per string");
    }

    @Test
    @DisplayName("an array that runs into unmapped memory without its NULL: envp is not shown, argv is cut, as with a read per word")
    void arrayIntoUnmappedMemory() {
        long end = BASE + SIZE;
        string(BASE + 0x100, "x");
        long[] many = new long[3];
        java.util.Arrays.fill(many, BASE + 0x100);
        pointers(end - 24, many); // the last three words of the mapping, no NULL after them
        assertEquals(Copied.NONE, capture(ArgKind.ENVP, end - 24));
        Copied c = capture(ArgKind.ARGV, end - 24);
        assertTrue(c instanceof Copied.Strings s && s.cut() && s.items().size() == 3, String.valueOf(c));
        assertEquals(Copied.NONE, capture(ArgKind.ENVP, end + 8), "an array not mapped at all");
    }

    @Test
    @DisplayName("an array across a page boundary reads on into the next page")
    void acrossAPage() {
        long envp = BASE + Capture.PAGE - 16;
        pointers(envp, BASE, BASE, BASE, BASE, 0);
        assertEquals(new Copied.Count(4, false), capture(ArgKind.ENVP, envp));
        assertEquals(2, accesses, "the first page's two words, then the next page's");
    }
}
