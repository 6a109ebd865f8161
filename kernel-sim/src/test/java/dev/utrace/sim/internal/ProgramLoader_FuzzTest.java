package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.utrace.api.proc.WaitStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the program loader (issue 12): mutations of the shipped programs and random text go
 * through {@link ProgramLibrary#fromBytes}, the path a programs-folder file takes. Each input
 * must load, or fail with the documented {@link ProgramSyntaxException}: "FILE:LINE:COLUMN: what
 * was wrong; what was expected", at a line and column of the input. Anything else that
 * escapes (NullPointerException, OutOfMemoryError, StackOverflowError, ...) fails the test
 * with the seed and the input. A program that loads must also instantiate: its text and data
 * map into an address space, and its text decodes back to its instructions. Some rejected
 * inputs are exec'd by a running task, which must get -ENOEXEC and go on.
 *
 * <p>{@code -Dfuzz.count=1000000} runs more inputs (default {@value #DEFAULT_COUNT});
 * {@code -Dfuzz.seed=N} replays a run (the default seed is fixed, so CI is reproducible).
 */
class ProgramLoader_FuzzTest {
    static final int DEFAULT_COUNT = 20_000;
    static final long DEFAULT_SEED = 0x5eed_12L;
    /** Rejected inputs exec'd by a live task per run: each costs a spawn. */
    private static final int EXEC_CHECKS = 25;

    private static final Pattern DOCUMENTED = Pattern.compile("(?s)(f\\.prog|/fuzz/f\\.prog):(\\d+):(\\d+): (.+)");

    private static final String[] NUMBERS = {"0", "1", "-1", "64", "65", "4294967306", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "0xffffffffffffffff",
        "0x10000000000000000", "-0x8000000000000000", "-0x8000000000000001", "1048576", "1048577", "4194304",
        "99999999999999999999", "0x", "0x_", "1_000", "-", "0xg", "2147483648", "-2147483649", "00", "-0"};
    private static final String[] WORDS = {"mov", "add", "sub", "load1", "load8", "store4", "jmp", "jz", "jnz", "loop",
        "syscall", "print", "exit", "exit_group", "sleep", "pause", "yield", "fork", "vfork", "thread", "exec", "wait",
        "signal", "sigreturn", "block", "unblock", "setmask", "kill", "tgkill", "raise", "mmap", "munmap", "getpid",
        "gettid", "getppid", "nop", ".data", "rax", "rbx", "rsp", "rdi", "r15", "rsp-16", "rbx+8", "SIGUSR1", "sigterm",
        "SIGKILL", "SIGRTMIN", "usr1", "nohang", "untraced", "continued", "ignore", "default", "oneshot", "nodefer",
        "restart", "write", "rt_sigaction", "label", "loop:", "done", "done+8", "buffer", ",", ":", "+", "-", "#", ";",
        "\"", "\"\"", "\"{rax}\"", "\"{{\"", "\"{\"", "\"\\n\\t\\0\\\\\\\"\"", "\"\\q\"", "\\", "\t", " ", "\r", "\n",
        "\r\n", "\u0663", "\u00e9", "\uD83D\uDE00", "\uD800", "\uDFFF", "\uFEFF", "\u00A0", "\u2003", "\u0000",
        "\u202E", "\uFFFF", "\u0130"};
    /** Byte sequences that are not UTF-8 (lone continuation, truncated, overlong, surrogate, beyond U+10FFFF). */
    private static final byte[][] BAD_UTF8 = {{(byte) 0x80}, {(byte) 0xc3}, {(byte) 0xc0, (byte) 0x80},
        {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xff},
        {(byte) 0xfe}, {0}, {(byte) 0xe2, (byte) 0x82}};

    @Test
    void everyInputLoadsOrFailsWithTheDocumentedError() throws IOException {
        int count = Integer.getInteger("fuzz.count", DEFAULT_COUNT);
        long seed = Long.getLong("fuzz.seed", DEFAULT_SEED);
        List<byte[]> corpus = corpus();
        List<byte[]> rejected = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        int loaded = 0;
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            byte[] input = random.nextInt(8) == 0 ? randomText(random) : mutate(corpus.get(random.nextInt(corpus.size())), random);
            if (check(input, seed, i)) loaded++;
            else if (rejected.size() < EXEC_CHECKS && random.nextInt(50) == 0) rejected.add(input);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("ProgramLoader_FuzzTest: seed %d, %d inputs (%d loaded, %d refused) in %.1f s, %.0f inputs/s%n",
                seed, count, loaded, count - loaded, seconds, count / seconds);
        assertTrue(loaded > 0 && loaded < count, "the mutations reach both outcomes (loaded " + loaded + " of " + count + ")");
        assertTrue(!rejected.isEmpty(), "some refused inputs are exec'd");
        execOfRefusedInputsReturnsEnoexec(rejected, seed);
    }

    /** True if {@code input} loaded; false if refused with the documented error; fails the test otherwise. */
    private static boolean check(byte[] input, long seed, int index) {
        Program p;
        try {
            p = ProgramLibrary.fromBytes("f", "/fuzz/f.prog", "f.prog", input);
        } catch (ProgramSyntaxException e) {
            assertDocumented(e.getMessage(), input, seed, index);
            return false;
        } catch (Throwable t) {
            throw failure("threw " + t, t, input, seed, index);
        }
        try {
            instantiate(p);
        } catch (Throwable t) {
            throw failure("loaded but does not instantiate: " + t, t, input, seed, index);
        }
        return true;
    }

    /** "FILE:LINE:COLUMN: message", at a line of the input and a column of that line (or just past its end). */
    private static void assertDocumented(String message, byte[] input, long seed, int index) {
        Matcher m = DOCUMENTED.matcher(message);
        if (!m.matches()) throw failure("undocumented error form: " + message, null, input, seed, index);
        int line = Integer.parseInt(m.group(2));
        int column = Integer.parseInt(m.group(3));
        // Parse errors count UTF-16 columns of the decoded text; errors about the bytes count bytes.
        boolean aboutBytes = m.group(4).startsWith("not a UTF-8 text program");
        List<Integer> lengths = aboutBytes ? byteLineLengths(input) : textLineLengths(new String(input, StandardCharsets.UTF_8));
        if (line < 1 || line > lengths.size() || column < 1 || column > lengths.get(line - 1) + 1) {
            throw failure("error position " + line + ":" + column + " is outside the input: " + message, null, input, seed, index);
        }
        if (m.group(4).contains("Exception") || m.group(4).contains("java.")) {
            throw failure("Java text in the message: " + message, null, input, seed, index);
        }
    }

    private static List<Integer> textLineLengths(String text) {
        List<Integer> out = new ArrayList<>();
        for (String l : text.split("\r?\n", -1)) out.add(l.length());
        return out;
    }

    private static List<Integer> byteLineLengths(byte[] b) {
        List<Integer> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= b.length; i++) {
            if (i == b.length || b[i] == '\n') {
                out.add(i - start);
                start = i + 1;
            }
        }
        return out;
    }

    /** What exec does with a program's image, less the task: map it and read the text back. */
    private static void instantiate(Program p) {
        assertTrue(p.code().size() <= ProgramParser.MAX_INSTRUCTIONS && p.data().length <= DataBuilder.MAX_SIZE);
        AddressSpace mm = AddressSpace.forProgram(p);
        for (int i = 0; i < p.code().size(); i++) {
            Instr in = TextCode.decode(p.code(), (int) mm.read(Program.address(i), Program.INSTR_SIZE));
            if (in != p.code().get(i)) fail("instruction " + i + " does not decode from the text");
        }
        if (p.data().length > 0) mm.read(Program.DATA_BASE + p.data().length - 1, 1);
    }

    private static void execOfRefusedInputsReturnsEnoexec(List<byte[]> rejected, long seed) throws IOException {
        try (Sim sim = new Sim()) {
            for (int i = 0; i < rejected.size(); i++) {
                String name = "bad" + i; // a new name each: the folder cache keys on the file's time
                Files.write(sim.folder.resolve(name + ".prog"), rejected.get(i));
                sim.program("run" + i, "exec \"" + name + "\"", "mov rbx, rax", "print \"{rbx}\\n\"", "exit 7");
                int pid = sim.spawn("run" + i);
                WaitStatus status = sim.waitExit(pid);
                if (!status.equals(WaitStatus.exited(7)) || !sim.machine.console(pid).equals("-8\n")) {
                    throw failure("exec of a refused input: " + status + ", printed " + sim.machine.console(pid), null,
                            rejected.get(i), seed, -1);
                }
            }
        }
    }

    // ---- inputs ----

    private static List<byte[]> corpus() {
        List<byte[]> out = new ArrayList<>();
        for (String name : resource("programs.list").split("\\s+")) {
            if (!name.isEmpty()) out.add(resource(name + ProgramLibrary.SUFFIX).getBytes(StandardCharsets.UTF_8));
        }
        // Every form at least once, as the library does not use them all.
        out.add(String.join("\n", "# all forms", ".data buf 64", "top: mov rax, 5", "add rbx, rax", "sub rbx, 1",
                "load2 rcx, buf+8", "store8 rsp-16, rcx", "jz rax, top", "jnz rbx, end", "loop rcx, top",
                "syscall kill 0, SIGUSR1", "syscall", "print \"x {rax} {{\\n\"", "exit_group 3", "sleep 10", "pause",
                "yield", "fork", "vfork", "thread end", "exec \"hello\", \"a\", 5", "wait 3, nohang, untraced, continued",
                "signal SIGUSR1, end, oneshot, nodefer, restart", "signal 12, ignore", "sigreturn", "block SIGUSR1, 12",
                "unblock usr2", "setmask SIGTERM", "kill 1, 15", "tgkill 1, 1, SIGINT", "raise SIGUSR2", "mmap 0, 4096",
                "munmap rax, 4096", "getpid", "gettid", "getppid", "nop", "end: exit 0").getBytes(StandardCharsets.UTF_8));
        return out;
    }

    private static String resource(String name) {
        try (InputStream in = ProgramLoader_FuzzTest.class.getResourceAsStream(ProgramLibrary.RESOURCES + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] randomText(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(40);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(4)) {
                case 0 -> sb.append(WORDS[r.nextInt(WORDS.length)]);
                case 1 -> sb.append(NUMBERS[r.nextInt(NUMBERS.length)]);
                case 2 -> sb.appendCodePoint(r.nextInt(3) == 0 ? r.nextInt(0x110000) : r.nextInt(0x20, 0x7f));
                default -> sb.append(r.nextBoolean() ? ' ' : '\n');
            }
        }
        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        return r.nextInt(10) == 0 ? insert(b, r.nextInt(b.length + 1), BAD_UTF8[r.nextInt(BAD_UTF8.length)]) : b;
    }

    private static byte[] mutate(byte[] seed, SplittableRandom r) {
        byte[] b = seed;
        int rounds = 1 + r.nextInt(4);
        for (int k = 0; k < rounds; k++) {
            int at = r.nextInt(b.length + 1);
            b = switch (r.nextInt(12)) {
                case 0 -> insert(b, at, new byte[] {(byte) r.nextInt(256)}); // one byte, any value
                case 1 -> delete(b, at, r.nextInt(1, 16));
                case 2 -> duplicate(b, at, r.nextInt(1, 64), 1 + r.nextInt(r.nextInt(20) == 0 ? 2000 : 4));
                case 3 -> java.util.Arrays.copyOf(b, Math.min(b.length, at)); // truncation
                case 4, 5 -> insert(b, at, utf8(NUMBERS[r.nextInt(NUMBERS.length)]));
                case 6, 7 -> insert(b, at, utf8(WORDS[r.nextInt(WORDS.length)]));
                case 8 -> replaceNumber(b, r);
                case 9 -> insert(b, at, BAD_UTF8[r.nextInt(BAD_UTF8.length)]);
                case 10 -> insert(b, at, utf8(new String(Character.toChars(r.nextInt(0x110000)))));
                default -> r.nextInt(300) == 0 ? bigReservations(b, r) : swapLines(b, r);
            };
        }
        return b;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + what.length);
        out.write(b, 0, at);
        out.writeBytes(what);
        out.write(b, at, b.length - at);
        return out.toByteArray();
    }

    private static byte[] delete(byte[] b, int at, int n) {
        int end = Math.min(b.length, at + n);
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
        out.write(b, 0, at);
        out.write(b, end, b.length - end);
        return out.toByteArray();
    }

    /** Repeats the {@code n} bytes at {@code at} {@code times} more times. */
    private static byte[] duplicate(byte[] b, int at, int n, int times) {
        int end = Math.min(b.length, at + n);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, end);
        for (int i = 0; i < times; i++) out.write(b, at, end - at);
        out.write(b, end, b.length - end);
        return out.toByteArray();
    }

    /** Replaces a decimal number of the input with an extreme one. */
    private static byte[] replaceNumber(byte[] b, SplittableRandom r) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("-?\\d+").matcher(s);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) spans.add(new int[] {m.start(), m.end()});
        if (spans.isEmpty()) return b;
        int[] span = spans.get(r.nextInt(spans.size()));
        byte[] cut = delete(b, span[0], span[1] - span[0]);
        return insert(cut, span[0], utf8(NUMBERS[r.nextInt(NUMBERS.length)]));
    }

    private static byte[] swapLines(byte[] b, SplittableRandom r) {
        String[] lines = new String(b, StandardCharsets.ISO_8859_1).split("\n", -1);
        int i = r.nextInt(lines.length), j = r.nextInt(lines.length);
        String t = lines[i];
        lines[i] = lines[j];
        lines[j] = t;
        return String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Rarely: many large .data lines, the shape that ran the loader out of memory. */
    private static byte[] bigReservations(byte[] b, SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(1, 12);
        for (int i = 0; i < n; i++) sb.append(".data big").append(i).append(' ').append(r.nextInt(1, (1 << 20) + 1)).append('\n');
        return insert(b, 0, utf8(sb.toString()));
    }

    // ---- reporting ----

    private static AssertionError failure(String what, Throwable cause, byte[] input, long seed, int index) {
        Path saved = Path.of("target", "fuzz-failure-" + seed + "-" + index + ".prog");
        try {
            Files.createDirectories(saved.getParent());
            Files.write(saved, input);
        } catch (IOException e) {
            saved = null;
        }
        return new AssertionError("ProgramLoader_FuzzTest: seed " + seed + " (replay with -Dfuzz.seed=" + seed + "), input "
                + index + ": " + what + "\ninput (" + input.length + " bytes" + (saved == null ? "" : ", saved in " + saved)
                + "):\n" + escape(input), cause);
    }

    /** The input as printable text: non-ASCII and control bytes as \xNN, newlines kept. */
    private static String escape(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 20_000); i++) {
            int c = b[i] & 0xff;
            if (c == '\n' || (c >= 0x20 && c < 0x7f && c != '\\')) sb.append((char) c);
            else sb.append(String.format("\\x%02x", c));
        }
        if (b.length > 20_000) sb.append("\n... (").append(b.length - 20_000).append(" more bytes)");
        return sb.toString();
    }
}
