package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.Wait;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The syscall stream of a small dynamically linked program (the loader's syscalls included), as
 * this tracer sees it from the spawn, against {@code strace -f -qq -e trace=all}.
 *
 * <p>Normalization, applied to both sides: each syscall is its name and its return value; a
 * failure is "-1 ENAME" (strace's form; this tracer has the negated errno and the kernel's error
 * flag); the addresses that brk, mmap and mremap return vary with ASLR and become "ADDR"; the pid
 * values getpid, getppid, gettid and set_tid_address return become "PID"; a syscall that does
 * not return (exit_group) is "?". This tracer's first stop after the exec is the exit of
 * {@code execve}, whose entry belonged to the shell that started the program: strace's first
 * line is that same {@code execve}, returning 0.
 */
class SyscallStream_StraceTest extends TracerTestBase {

    private static final Pattern LINE = Pattern.compile("^(?:\\[pid\\s+\\d+\\]\\s+|\\d+\\s+)?(\\w+)\\((.*)\\)\\s+=\\s+(\\S+)(?:\\s+(E[A-Z0-9]+))?.*$");
    private static final Set<String> ADDRESSES = Set.of("brk", "mmap", "mremap");
    private static final Set<String> PIDS = Set.of("getpid", "getppid", "gettid", "set_tid_address");

    @TempDir
    Path temp;

    @Test
    @DisplayName("the syscalls of a small program and their return values are those strace reports")
    void sameStreamAsStrace() throws Exception {
        Path input = Files.writeString(temp.resolve("input.txt"), "seventeen bytes.\n");
        String program = Workloads.path("stream");

        Spawned s = spawn(SpawnSpec.of(program, input.toString()));
        assertEquals(Wait.exitedStatus(3), exit(s));
        assertEquals("seventeen bytes.\n", stdout(s));
        List<String> ours = ours(recorder, s.pid());

        List<String> theirs = strace(temp, "trace=all", program, input);
        assertTrue(theirs.size() > 20, "strace saw the loader's syscalls too: " + theirs);
        assertEquals(theirs, ours);
    }

    /** What {@code recorder} saw of {@code pid}, one "name value" per syscall, normalized (see the class comment). */
    static List<String> ours(Recorder recorder, int pid) throws Exception {
        Map<String, Integer> numbers = SyscallNames.numbers();
        Map<Integer, String> names = new HashMap<>();
        numbers.forEach((name, nr) -> names.put(nr, name));
        List<String> out = new ArrayList<>();
        String pending = "execve";
        for (Recorder.Event e : recorder.of(pid)) {
            if (e.is(StopKind.SYSCALL_ENTRY)) {
                if (pending != null) out.add(pending + " ?");
                pending = names.getOrDefault((int) e.syscall(), "syscall_" + e.syscall());
            } else if (e.is(StopKind.SYSCALL_EXIT)) {
                out.add(pending + " " + normalize(pending, e.error() ? "-1" : Long.toString(e.value()),
                        e.error() ? Errno.name((int) -e.value()) : null));
                pending = null;
            }
        }
        if (pending != null) out.add(pending + " ?");
        return out;
    }

    /**
     * What {@code strace -f -qq -e TRACE} (with {@code --seccomp-bpf} too when {@code TRACE} is not
     * trace=all) saw of {@code program input}, normalized the same way; the program must exit 3.
     */
    static List<String> strace(Path temp, String trace, String program, Path input) throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "strace is not installed (apt-get install strace); this test compares with it");
        Path log = Files.createTempFile(temp, "strace", ".log");
        List<String> command = new ArrayList<>(List.of("strace", "-f", "-qq", "-e", trace, "-o", log.toString()));
        if (!trace.equals("trace=all")) command.add(1, "--seccomp-bpf");
        command.add(program);
        command.add(input.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "strace ended");
        assertEquals(3, p.exitValue(), "strace runs the program to its exit code 3: " + said);
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) continue; // signal and exit lines
            out.add(m.group(1) + " " + normalize(m.group(1), m.group(3), m.group(4)));
        }
        return out;
    }

    private static String normalize(String name, String value, String errnoName) {
        if (value.equals("?")) return "?";
        if (value.equals("-1") && errnoName != null) return "-1 " + errnoName;
        if (ADDRESSES.contains(name)) return "ADDR";
        if (PIDS.contains(name)) return "PID";
        return Long.toString(Long.decode(value));
    }
}
