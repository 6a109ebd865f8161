package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallSet;
import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.api.proc.SyscallStops;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.linux.internal.trace.Workloads;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engines' syscall sets ({@code Utrace.setSyscalls}) on a program the machine spawned under a
 * seccomp filter ({@link SpawnRequest#syscalls()}): only what engines want is reported, the rest
 * never stops; a set beyond the filter makes the task stop at every syscall, each reported once;
 * where it stops is what {@code syscallStops} says.
 */
class Seccomp_MachineTest extends MachineFixture {
    static final int OPENAT = 257, GETPPID = 110;

    @TempDir
    Path dir;

    int spawnFiltered(SyscallSet syscalls, String name, String... args) {
        int pid = machine.spawn(SpawnRequest.of(Workloads.path(name), List.of(args)).withStopped(true).withSyscalls(syscalls));
        guard.track(pid);
        return pid;
    }

    Engine attachFor(Task t, Recorder rec, long events, SyscallSet set) {
        Engine e = attach(t, rec, events);
        assertEquals(Outcome.DONE, utrace.setSyscalls(t, e, set));
        return e;
    }

    static String expected(int loops, String line) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= loops; i++) sb.append("loop ").append(i).append(": ").append(line);
        return sb.append("end\n").toString();
    }

    /** The openat results strace --seccomp-bpf -f -e trace=openat shows for {@code program args}, e.g. "openat 3". */
    static List<String> straceOpenats(Path dir, String program, String... args) throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "strace is not installed (apt-get install strace); this test compares with it");
        Path log = Files.createTempFile(dir, "strace", ".log");
        List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-qq", "--seccomp-bpf", "-e", "trace=openat", "-o", log.toString(), program));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "strace ended");
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            int eq = line.lastIndexOf(") = ");
            if (!line.startsWith("openat(") && !line.matches("^\\d+\\s+openat\\(.*")) continue;
            String rest = line.substring(eq + 4).trim();
            out.add("openat " + rest.split("\\s+")[0]);
        }
        return out;
    }

    @Test
    @DisplayName("an engine wanting openat on a program spawned for openat: only openat is reported, entry and exit; 4,000 getppids never stop")
    void onlyOpenatIsReportedAndTheRestNeverStops() throws Exception {
        Path file = Files.writeString(dir.resolve("in"), "machine\n");
        int pid = spawnFiltered(SyscallSet.of(OPENAT), "filtered", file.toString(), "20", "200");
        Recorder rec = new Recorder();
        attachFor(task(pid), rec, Event.SYSCALL, SyscallSet.of(OPENAT));
        SyscallStops where = machine.syscallStops(pid);
        assertEquals(SyscallStops.Mode.FILTERED, where.mode());
        assertTrue(where.filter().contains(OPENAT) && where.filter().containsAll(LinuxMachine.OWN_SYSCALLS)
                && !where.filter().contains(GETPPID), where::toString);
        long before = machine.stops();
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        long stopped = machine.stops() - before;
        assertEquals(expected(20, "machine\n"), console(pid, "end"));

        List<String> lines = rec.all();
        List<String> ours = new ArrayList<>();
        for (int i = 0; i < lines.size(); i += 2) {
            assertEquals(pid + " entry " + OPENAT, lines.get(i), () -> "only openat: " + lines);
            String exit = lines.get(i + 1);
            assertTrue(exit.startsWith(pid + " exit "), () -> "entry then exit: " + lines);
            long value = Long.parseLong(exit.substring((pid + " exit ").length()));
            ours.add("openat " + (value < 0 ? -1 : value)); // strace shows a failure as -1
        }
        List<String> strace = straceOpenats(dir, Workloads.path("filtered"), file.toString(), "20", "200");
        assertEquals(strace, ours, "the openats strace --seccomp-bpf -e trace=openat shows");
        assertTrue(ours.size() >= 20);
        // From SIGCONT on: the continue, two per openat, exit_group's entry (the machine's own) and the exit event.
        assertTrue(stopped <= 2L * ours.size() + 8, () -> stopped + " stops for " + ours.size() + " openats");
    }

    @Test
    @DisplayName("a set beyond the filter: the task stops at every syscall, each reported once; within it again: only the filter's")
    void beyondTheFilterEverySyscallOnce() throws Exception {
        Path file = Files.writeString(dir.resolve("input"), "seventeen bytes!\n");
        int pid = spawnFiltered(SyscallSet.of(OPENAT), "stream", file.toString());
        Recorder all = new Recorder();
        Recorder opens = new Recorder();
        attachFor(task(pid), opens, Event.SYSCALL, SyscallSet.of(OPENAT));
        attach(task(pid), all, Event.SYSCALL);
        assertEquals(SyscallStops.Mode.EVERY_BEYOND_FILTER, machine.syscallStops(pid).mode(), "an engine wants every syscall");
        cont(pid);
        assertEquals(WaitStatus.exited(3), waitExit(pid));
        List<Long> entries = new ArrayList<>();
        List<String> lines = all.all();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.startsWith(pid + " entry ")) continue;
            long nr = Long.parseLong(l.substring((pid + " entry ").length()));
            entries.add(nr);
            if (nr != 231) assertTrue(lines.get(i + 1).startsWith(pid + " exit "), () -> "entry then exit, once: " + lines);
        }
        int from = entries.indexOf(39L);
        assertEquals(List.of(39L, 257L, 0L, 3L, 1L, 257L, 3L, 230L, 9L, 11L, 63L, 39L, 62L, 110L, 231L),
                entries.subList(from, entries.size()), "the program's stream, each syscall once (openat's seccomp stop not shown)");
        assertEquals(entries.stream().filter(n -> n == OPENAT).count() * 2, opens.all().size(),
                "the openat engine got exactly the openats, entry and exit");
    }

    @Test
    @DisplayName("widened while held, the task stops at every syscall before it runs again: nothing after it is missed")
    void widenedWhileHeld() throws Exception {
        Path file = Files.writeString(dir.resolve("input"), "seventeen bytes!\n");
        // The openats before the program's own are the loader's: strace counts them (the program makes two).
        int holdAt = straceOpenats(dir, Workloads.path("stream"), file.toString()).size() - 1;
        int pid = spawnFiltered(SyscallSet.of(OPENAT), "stream", file.toString());
        Task t = task(pid);
        Recorder rec = new Recorder() {
            private int opens;

            @Override
            public int reportSyscallEntry(int action, Engine engine, Task task) {
                super.reportSyscallEntry(action, engine, task);
                boolean hold = task.register(Reg.ORIG_RAX) == OPENAT && ++opens == holdAt;
                return (action & SyscallAction.MASK) | (hold ? ResumeAction.STOP : ResumeAction.RESUME).code();
            }
        };
        Engine e = attachFor(t, rec, Event.SYSCALL, SyscallSet.of(OPENAT));
        cont(pid);
        await("held at the program's first open", () -> t.state() == TaskState.TRACED);
        assertEquals(SyscallStops.Mode.FILTERED, machine.syscallStops(pid).mode());
        assertEquals(Outcome.DONE, utrace.setSyscalls(t, e, SyscallSet.ALL));
        assertEquals(SyscallStops.Mode.EVERY_BEYOND_FILTER, machine.syscallStops(pid).mode());
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.RESUME));
        assertEquals(WaitStatus.exited(3), waitExit(pid));
        List<Long> entries = new ArrayList<>();
        for (String l : rec.all()) {
            if (l.startsWith(pid + " entry ")) entries.add(Long.parseLong(l.substring((pid + " entry ").length())));
        }
        assertEquals(holdAt, entries.stream().filter(n -> n == OPENAT).count() - 1, () -> "openats only, up to the held one: " + entries);
        int from = entries.indexOf(0L);
        assertTrue(from == holdAt, () -> "nothing but openats before the held one: " + entries);
        assertEquals(List.of(0L, 3L, 1L, 257L, 3L, 230L, 9L, 11L, 63L, 39L, 62L, 110L, 231L), entries.subList(from, entries.size()),
                "after the held open (its read, close, write...), every syscall once");
        assertEquals("seventeen bytes!\n", console(pid, "seventeen"));
    }

    @Test
    @DisplayName("at the machine's close a filtered program is kept attached until it ends: it runs on, its output as untraced")
    void closeKeepsAFilteredProgramWorking() throws Exception {
        Path file = Files.writeString(dir.resolve("in"), "after close\n");
        int pid = spawnFiltered(SyscallSet.of(OPENAT), "filtered", file.toString(), "50", "20", "5");
        Recorder rec = new Recorder();
        attachFor(task(pid), rec, Event.SYSCALL, SyscallSet.of(OPENAT));
        dev.utrace.linux.internal.trace.Output console = task(pid).process.console;
        cont(pid);
        await("two loops", () -> console.stdout().contains("loop 2:"));
        machine.close();
        assertTrue(ProcInfo.exists(pid), "still running after the close");
        assertTrue(Adopt_DetachTest.tracerPid(pid) != 0, "still attached: untraced, its openat would fail with ENOSYS");
        int reported = rec.all().size();
        console.closed().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        await("gone", () -> !ProcInfo.exists(pid));
        assertEquals(expected(50, "after close\n"), console.stdout(), "no open failed");
        assertEquals(reported, rec.all().size(), "engines got no report after the close");
    }
}
