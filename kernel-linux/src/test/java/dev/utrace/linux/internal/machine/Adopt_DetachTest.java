package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.proc.ProcessException;
import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.api.proc.TaskInfo;
import dev.utrace.linux.internal.sys.Signals;
import dev.utrace.linux.internal.sys.Wait;
import dev.utrace.linux.internal.trace.UntracedChild;
import dev.utrace.linux.internal.trace.Workloads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adopting a running process (all its threads), engines on it, letting it go: it runs on exactly
 * as it would have. And the refusals of spawn and adopt, which change nothing.
 */
class Adopt_DetachTest extends MachineFixture {
    private static final int SIGRT_1 = 35;
    private static final int LINES = 300;

    @TempDir
    Path dir;

    @Test
    @DisplayName("adopt a running process with its threads, trace its syscalls and signals, let it go: its output and signals are an untraced run's")
    void adoptAndLetGo() throws Exception {
        try (UntracedChild c = new UntracedChild(Workloads.path("busy"), Integer.toString(LINES), "2")) {
            guard.track(c.pid);
            try {
                adoptTraceAndLetGo(c);
            } finally {
                machine.close(); // its parent may reap it only once no tracer of this JVM has it
            }
        }
    }

    private void adoptTraceAndLetGo(UntracedChild c) throws Exception {
        {
            c.awaitOutput("line 5\n");
            TaskInfo info = machine.adopt(c.pid);
            assertEquals(c.pid, info.tid());
            assertEquals(2, info.threads());
            assertEquals(2, machine.tasks().stream().filter(i -> i.tgid() == c.pid).count());
            Recorder rec = new Recorder();
            java.util.Map<dev.utrace.api.task.Task, Engine> engines = new java.util.HashMap<>();
            for (dev.utrace.api.task.Task t : machine.threads(task(c.pid))) engines.put(t, attach(t, rec, Event.SYSCALL | Event.SIGNAL_ALL));
            await("syscalls seen", () -> rec.matching(l -> l.contains(" exit ")).size() > 20);
            for (int i = 0; i < 5; i++) Signals.send(c.pid, SIGRT_1);
            await("the signals seen", () -> rec.matching(l -> l.endsWith(" signal SIGRTMIN+1")).size() == 5);
            engines.forEach((t, e) -> {
                // The threads run on making syscalls: a detach from here may meet the engine's
                // callback running (on the tracer thread), and then completes when it returns and
                // says IN_PROGRESS (R-CTL-DETACH); the barrier waits for that.
                Outcome detached = utrace.control(t, e, ResumeAction.DETACH);
                assertTrue(detached == Outcome.DONE || detached == Outcome.IN_PROGRESS, detached::toString);
                if (detached == Outcome.IN_PROGRESS) utrace.barrier(t, e);
            });
            machine.close();
            assertEquals(0, dev.utrace.linux.internal.machine.ProcInfo.status(c.pid) == null ? -1
                    : tracerPid(c.pid), "untraced once let go");
            for (int i = 0; i < 5; i++) Signals.send(c.pid, SIGRT_1);
            assertEquals(Wait.exitedStatus(0), c.waitExit());
            String first = c.stdout().lines().findFirst().orElseThrow();
            assertEquals(first + "\n" + IntStream.rangeClosed(1, LINES).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining())
                    + "signals 10\nend\n", c.stdout());
        }
    }

    @Test
    @DisplayName("adopt refuses, saying why and changing nothing: no such process, a thread, this JVM, a process traced by another tool")
    void adoptRefusals() throws Exception {
        long self = ProcessHandle.current().pid();
        assertRefused(() -> machine.adopt(Integer.MAX_VALUE - 1), "there is no process " + (Integer.MAX_VALUE - 1));
        assertRefused(() -> machine.adopt((int) self), "process " + self + " is this JVM, which cannot trace itself");
        try (UntracedChild c = new UntracedChild(Workloads.path("holder"))) {
            guard.track(c.pid);
            Process strace = new ProcessBuilder("strace", "-qq", "-o", "/dev/null", "-p", Integer.toString(c.pid)).start();
            try {
                await("strace attached", () -> tracerPid(c.pid) == strace.pid());
                assertRefused(() -> machine.adopt(c.pid), "process " + c.pid + " (holder) is traced by process " + strace.pid()
                        + " (strace); Linux allows one tracer per thread: detach that one first");
                assertEquals(List.of(), machine.tasks());
            } finally {
                strace.destroy();
                strace.waitFor();
            }
        }
    }

    @Test
    @DisplayName("spawn refuses, saying why and changing nothing: no such program, not executable, no such directory")
    void spawnRefusals() throws Exception {
        Path script = Files.writeString(dir.resolve("notexec"), "#!/bin/sh\n");
        assertRefused(() -> machine.spawn(SpawnRequest.of("no-such-program-utrace", List.of())),
                "cannot run no-such-program-utrace: no such program on PATH");
        assertRefused(() -> machine.spawn(SpawnRequest.of(script.toString(), List.of())),
                "is not executable (chmod +x it)");
        assertRefused(() -> machine.spawn(SpawnRequest.of("/bin/true", List.of()).withWorkingDirectory(dir.resolve("nope").toString())),
                "no such directory");
        assertEquals(List.of(), machine.tasks());
    }

    @Test
    @DisplayName("a process adopted when it had already ended: refused as gone; kill and info of a pid not on the machine refused")
    void goneAndUnknown() {
        assertRefused(() -> machine.kill(Integer.MAX_VALUE - 1, 15), "no task with pid " + (Integer.MAX_VALUE - 1));
        assertRefused(() -> machine.info(Integer.MAX_VALUE - 1), "no task with pid " + (Integer.MAX_VALUE - 1));
        assertRefused(() -> machine.kill(1, 99), "bad signal number 99");
    }

    static int tracerPid(int pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("TracerPid:")) return Integer.parseInt(l.substring(10).trim());
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    private static void assertRefused(org.junit.jupiter.api.function.Executable request, String message) {
        ProcessException e = assertThrows(ProcessException.class, request);
        assertTrue(e.getMessage().contains(message), () -> "'" + e.getMessage() + "' should say '" + message + "'");
    }
}
