package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.linux.internal.sys.Signals;
import dev.utrace.linux.internal.trace.Workloads;
import dev.utrace.spi.TraceHooks;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the machine's close does to the programs it spawned: they run on, untraced, unless the machine was told to end them. */
class Close_LetGoTest extends MachineFixture {

    @Test
    @DisplayName("a spawned program runs on, untraced, when the machine closes")
    void spawnedRunsOn() throws Exception {
        int pid = spawn("holder");
        await("sleeping in pause", () -> machine.info(pid).state() == dev.utrace.api.task.TaskState.SLEEPING);
        machine.close();
        await("let go", () -> Adopt_DetachTest.tracerPid(pid) == 0);
        assertTrue(ProcInfo.exists(pid), "still running");
        Signals.send(pid, Signals.SIGKILL); // the test's own process: ended by pid (its reaper thread reaps it)
        await("gone", () -> !ProcInfo.exists(pid));
    }

    @Test
    @DisplayName("a signal being reported to an engine when the machine closes reaches the program's handler, as if never traced")
    void signalInFlightKeptAtClose(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("seen");
        int pid = spawnStopped("signals", "tofile", out.toString());
        CountDownLatch inCallback = new CountDownLatch(1);
        EngineOps blocksUntilClose = new EngineOps() {
            @Override
            public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa, SigAction returnKa) {
                if (info.signo != dev.utrace.api.task.Signals.SIGUSR1 || origKa == null) return action;
                inCallback.countDown();
                // Returns once the machine is letting go (its close waits for this callback).
                while (!machine.lettingGo()) Thread.onSpinWait();
                return action;
            }
        };
        attach(task(pid), blocksUntilClose, Event.SIGNAL_ALL);
        cont(pid);
        assertTrue(inCallback.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "SIGUSR1 reported");
        machine.close();
        await("the program wrote what it saw", () -> read(out).endsWith("\n"));
        assertEquals("handled 1\n", read(out), "the SIGUSR1 its handler counts");
        await("ended", () -> !ProcInfo.exists(pid));
    }

    @Test
    @DisplayName("with end.spawned.on.close the machine kills the programs it spawned when it closes")
    void spawnedEnded() throws Exception {
        machine.close();
        machine = new LinuxMachine(TraceHooks.NONE, true);
        int pid = machine.spawn(SpawnRequest.of(Workloads.path("holder"), List.of()));
        guard.track(pid);
        await("sleeping in pause", () -> machine.info(pid).state() == dev.utrace.api.task.TaskState.SLEEPING);
        machine.close();
        await("killed", () -> !ProcInfo.exists(pid));
        await("its death reported and reaped", () -> machine.tasks().isEmpty());
        assertEquals(WaitStatus.signaled(dev.utrace.api.task.Signals.SIGKILL, false), waitExit(pid));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
