package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.impl.UtraceFacade;
import dev.utrace.linux.internal.machine.Family.Step;
import dev.utrace.linux.internal.machine.Family.What;
import dev.utrace.linux.internal.trace.Workloads;
import dev.utrace.passive.Kind;
import dev.utrace.passive.TraceEvent;
import dev.utrace.passive.TraceInfo;
import dev.utrace.passive.internal.PassiveTracerImpl;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * strace is the oracle: each program runs under {@code strace -f} and under the passive tracer
 * ({@code passive:run --follow}) on this machine, and every thread must show the same sequence of
 * syscalls with the same results and arguments, the same signals and the same end; and
 * {@code passive:stats} must count what {@code strace -f -c} counts. {@code -Doracle.report=true}
 * prints both logs and the compared sequences side by side.
 *
 * <p>Two runs of a program differ in what the kernel and the scheduler choose, so what is compared
 * is normalised, the same way on both sides ({@link Family}); nothing else is left out:
 * <ul>
 * <li><b>R1 the start.</b> strace starts the program with an {@code execve} it shows; the passive
 *     tracer traces it from its first instruction, after that {@code execve}, and its first event
 *     is the SIGCONT that lets the program run. Neither is compared.</li>
 * <li><b>R2 threads</b> are named by descent, not by tid: the first thread is {@code 1}, the k-th
 *     thread or child a thread makes (the k-th clone, clone3, fork or vfork returning a tid) is its
 *     name, a dot and k. A thread that execs from a non-leader thread takes the leader's pid
 *     (strace: {@code superseded by execve}); both sides keep it as the thread it was, and end the
 *     leader as {@code superseded}.</li>
 * <li><b>R3 values.</b> A result that is a tid or pid (getpid, gettid, getppid, set_tid_address,
 *     clone, clone3, fork, vfork, wait4, waitid) is compared as the thread's name (a pid outside
 *     the family, the parent of the first thread, as such); an address mmap, mremap, brk or shmat
 *     returns (randomised by ASLR) as {@code ADDR}.</li>
 * <li><b>R4 SIGCHLD</b> reaches a parent when its child ends, at a point that depends on the
 *     scheduler; under ptrace even an ignored SIGCHLD interrupts a blocking syscall, which the
 *     kernel then runs again. So a SIGCHLD is not compared, nor the syscall it interrupted (the one
 *     right before it, with a restart code: {@code ? ERESTARTSYS}), nor the {@code rt_sigreturn}
 *     of its handler; a {@code restart_syscall} resuming such a syscall is compared under that
 *     syscall's name. The call the kernel ran again, or the EINTR its handler led to, is compared.</li>
 * <li><b>R5 futex waits</b> (FUTEX_WAIT, _BITSET, _REQUEUE_PI, LOCK_PI) are made only when the
 *     word waited on has not changed yet: {@code pthread_join} of a thread still running, a lock
 *     still held. They are not compared; every other futex call is.</li>
 * <li><b>R6 output.</b> The sizes and bytes of writes to standard output and error are compared when
 *     both runs wrote the same output. When they did not, they are not: {@code ls -la /} lists
 *     {@code /proc}, whose link count is the number of processes on the machine at that moment
 *     (seen: 105, then 104), and {@code /tmp}, whose size and time other processes change; forks
 *     prints its children's pids. The test prints the first line that differs.</li>
 * <li><b>R7 arguments</b> are compared too, as {@link ArgsText} says: addresses as any address,
 *     tids as the threads' names, a structure strace decodes against the address the passive
 *     tracer shows, the bytes getrandom returns as any bytes; not those of rt_sigreturn (strace
 *     shows the signal mask the frame restores) and restart_syscall (strace names the syscall it
 *     resumes).</li>
 * </ul>
 * Signals are otherwise delivered where the program sends them (a kill or tgkill of itself is
 * handled as that syscall returns; a signal it unblocks in sigsuspend interrupts that), so their
 * place is compared. The test fails on the first thread that differs and shows both sequences.
 */
class Strace_OracleTest extends MachineFixture {

    @TempDir
    Path temp;

    @Test
    @DisplayName("ls -la /: the same syscalls and results as strace -f")
    void lsLa() throws Exception {
        compare("ls", "-la", "/");
    }

    @Test
    @DisplayName("passive:stats of ls -la / counts the calls and errors strace -f -c counts, in its layout")
    void statsAsStraceC() throws Exception {
        Path summary = Files.createTempFile(temp, "strace-c", ".txt");
        Process p = new ProcessBuilder("strace", "-f", "-c", "-o", summary.toString(), "ls", "-la", "/")
                .redirectInput(new File("/dev/null")) // its output a pipe, as the machine gives it: ls asks what it is
                .redirectError(temp.resolve("strace-c.err").toFile()).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "strace -c ended");
        List<String> theirs = Files.readAllLines(summary);
        Map<String, String> expected = new java.util.TreeMap<>();
        for (String line : theirs) {
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("^\\s*[0-9.]+\\s+[0-9.]+\\s+\\d+\\s+(\\d+)\\s+(\\d*)\\s*(\\w+)$").matcher(line);
            if (m.matches() && !m.group(3).equals("total")) {
                expected.put(m.group(3), m.group(1) + " calls, " + (m.group(2).isEmpty() ? "0" : m.group(2)) + " errors");
            }
        }
        assertTrue(expected.remove("execve") != null, "strace counts the execve that started ls; the passive trace begins after it (R1)");
        Run ours = passive("ls", "-la", "/");
        Map<String, String> actual = new java.util.TreeMap<>();
        for (dev.utrace.passive.SyscallStat s : ours.stats().syscalls()) {
            actual.put(s.name(), s.calls() + " calls, " + s.errors() + " errors");
        }
        assertEquals(expected, actual, () -> "strace -c:\n" + String.join("\n", theirs));
        String printed = new dev.utrace.passive.internal.commands.PassiveConverter()
                .format(new dev.utrace.passive.internal.commands.Views.Statistics(ours.stats()),
                        org.apache.felix.service.command.Converter.INSPECT, null).toString();
        List<String> lines = printed.lines().toList();
        assertEquals(theirs.subList(0, 2), lines.subList(0, 2), "strace -c's header and rule, as passive:stats prints them");
        assertEquals(theirs.get(theirs.size() - 2), lines.get(actual.size() + 2), "the rule before the total");
        assertTrue(lines.get(actual.size() + 3).matches("100\\.00 +[0-9.]+ +\\d+ +\\d+ +\\d+ total"), lines::toString);
    }

    @Test
    @DisplayName("sh -c 'echo hi | cat': a pipeline of two children, as strace -f sees it")
    void shellPipeline() throws Exception {
        compare("sh", "-c", "echo hi | cat");
    }

    @Test
    @DisplayName("threads: threads created and joined, as strace -f sees them")
    void threads() throws Exception {
        compare(Workloads.path("threads"), "2", "3");
    }

    @Test
    @DisplayName("fork, vfork and exec: children that exec and exit, reaped, as strace -f sees them")
    void forkVforkExec() throws Exception {
        compare(Workloads.path("forks"));
    }

    @Test
    @DisplayName("exec by a thread that is not the leader: it takes the leader's pid, as strace -f sees it")
    void execByNonLeader() throws Exception {
        compare(Workloads.path("leaderexec"));
    }

    @Test
    @DisplayName("signals with handlers, an ignored one, a child killed by one, and syscalls that fail, as strace -f sees them")
    void signalsAndFailures() throws Exception {
        compare(Workloads.path("sigs"));
    }

    /** Runs {@code program} under strace and under the passive tracer and compares what each saw. */
    private void compare(String program, String... args) throws Exception {
        Run theirs = strace(program, args);
        Run ours = passive(program, args);
        assertEquals(theirs.status(), ours.status(), "both runs end the same way");
        boolean sameOutput = theirs.output().equals(ours.output());
        Map<String, List<Step>> expected = theirs.family().normalized(sameOutput);
        Map<String, List<Step>> actual = ours.family().normalized(sameOutput);
        if (Boolean.getBoolean("oracle.report")) System.out.println(report(theirs, ours, expected, actual)); // -Doracle.report=true
        assertEquals(expected.keySet(), actual.keySet(), () -> "the same threads\n" + report(theirs, ours, expected, actual));
        int syscalls = 0;
        int arguments = 0;
        for (String thread : expected.keySet()) {
            List<Step> e = expected.get(thread);
            List<Step> a = actual.get(thread);
            if (!keys(e).equals(keys(a))) {
                fail("thread " + thread + " differs " + firstDifference(keys(e), keys(a)) + "\n" + report(theirs, ours, expected, actual));
            }
            for (int i = 0; i < e.size(); i++) {
                Family.Item x = e.get(i).item();
                if (x.what() != What.SYSCALL) continue;
                syscalls++;
                if (NOT_ARGUMENTS.contains(x.name())) continue;
                String why = ArgsText.difference(x.line(), a.get(i).item().line(), e.get(i).names(), a.get(i).names(), sameOutput);
                if (why != null) {
                    fail("thread " + thread + ", step " + (i + 1) + ", " + x.name() + ": " + why + "\n  strace:  " + x.line()
                            + "\n  passive: " + a.get(i).item().line());
                }
                arguments++;
            }
        }
        System.out.printf("%s: %d threads, %d syscalls with their results, %d with their arguments; the same output: %s%s%n",
                program, expected.size(), syscalls, arguments, sameOutput, sameOutput ? "" : " (" + firstDifference(
                        theirs.output().lines().toList(), ours.output().lines().toList()) + ")");
    }

    /** Syscalls whose arguments strace shows and the passive tracer does not: the signal mask rt_sigreturn restores, the syscall restart_syscall resumes. */
    private static final java.util.Set<String> NOT_ARGUMENTS = java.util.Set.of("rt_sigreturn", "restart_syscall");

    private static List<String> keys(List<Step> steps) {
        return steps.stream().map(Step::key).toList();
    }

    /** What a run left: how it ended, what it wrote, and the tracer's record as a family (R1 applied). */
    private record Run(String status, String output, List<String> lines, Family family, dev.utrace.passive.Stats stats) {
    }

    private Run strace(String program, String... args) throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/strace")),
                "strace is not installed (apt-get install strace); this test compares with it");
        Path log = Files.createTempFile(temp, "strace", ".log");
        List<String> command = new ArrayList<>(List.of("strace", "-f", "-o", log.toString(), program));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectInput(new File("/dev/null")) // as the machine spawns
                .redirectError(temp.resolve("strace.err").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "strace ended");
        int code = p.exitValue(); // strace exits as its program did: the code, or 128 + the signal
        String status = code > 128 ? "killed by signal " + (code - 128) : "exited " + code;
        List<String> lines = Files.readAllLines(log);
        Family f = StraceLog.read(lines);
        assertTrue(f.dropFirstOfRoot(i -> i.what() == What.SYSCALL && i.name().equals("execve") && i.result().equals("0")),
                "strace's log begins with the execve that started the program (R1)");
        return new Run(status, out, lines, f, null);
    }

    private Run passive(String program, String... args) throws Exception {
        UtraceFacade facade = core.facade("passive");
        PassiveTracerImpl tracer = new PassiveTracerImpl(facade, machine, Map.of());
        try {
            TraceInfo trace = tracer.run(SpawnRequest.of(program, List.of(args)), Kind.all(), true);
            int pid = trace.tid();
            guard.track(pid);
            WaitStatus end = waitExit(pid);
            await("every trace of the family ended", () -> tracer.list().stream().noneMatch(TraceInfo::active));
            for (TraceInfo t : tracer.list()) assertEquals(0, t.dropped(), () -> "no event dropped: " + t);
            String status = end.isSignaled() ? "killed by signal " + end.termSignal() : "exited " + end.exitCode();
            List<TraceEvent> events = tracer.log(Integer.MAX_VALUE);
            Family f = PassiveLog.read(events);
            assertTrue(f.dropFirstOfRoot(i -> i.what() == What.SIGNAL && i.name().equals("SIGCONT")),
                    "the passive trace begins with the SIGCONT that let the program run (R1)");
            List<String> lines = events.stream().map(e -> e.tid() + "  " + e.text()).toList();
            return new Run(status, machine.console(pid), lines, f, tracer.stats().sortedBy(dev.utrace.passive.Stats.Column.TIME));
        } finally {
            facade.revoke();
        }
    }

    private static String firstDifference(List<String> expected, List<String> actual) {
        int i = 0;
        while (i < expected.size() && i < actual.size() && expected.get(i).equals(actual.get(i))) i++;
        return "at step " + (i + 1) + ": strace " + (i < expected.size() ? expected.get(i) : "(ended)") + ", passive "
                + (i < actual.size() ? actual.get(i) : "(ended)");
    }

    /** Both runs as the tracers printed them, then thread by thread as compared. */
    private static String report(Run theirs, Run ours, Map<String, List<Step>> a, Map<String, List<Step>> b) {
        StringBuilder sb = new StringBuilder("--- strace -f:\n");
        for (String l : theirs.lines()) sb.append(l).append('\n');
        sb.append("--- passive tracer:\n");
        for (String l : ours.lines()) sb.append(l).append('\n');
        for (String t : new TreeSet<>(a.keySet())) {
            sb.append("--- thread ").append(t).append(" (strace | passive)\n");
            List<String> x = keys(a.get(t));
            List<String> y = keys(b.getOrDefault(t, List.of()));
            for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
                String l = i < x.size() ? x.get(i) : "";
                String r = i < y.size() ? y.get(i) : "";
                sb.append(l.equals(r) ? "   " : "!! ").append(l).append(" | ").append(r).append('\n');
            }
        }
        return sb.toString();
    }
}
