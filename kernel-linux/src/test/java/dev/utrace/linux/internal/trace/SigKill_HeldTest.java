package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.linux.internal.sys.Signals;
import dev.utrace.linux.internal.sys.Wait;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SIGKILL ends a tracee whatever stop the tracer holds it in. */
class SigKill_HeldTest extends TracerTestBase {

    private static final int SYS_PAUSE = 34;

    @Test
    @DisplayName("SIGKILL to a tracee held at a syscall entry: it dies (killed by SIGKILL); the held tracee is then gone")
    void killWhileHeld() throws Exception {
        Tracee[] held = new Tracee[1];
        recorder.policy = (t, stop) -> {
            if (stop.kind() == StopKind.SYSCALL_ENTRY && stop.syscall() == SYS_PAUSE) {
                held[0] = t;
                return Resume.HOLD;
            }
            return null;
        };
        Spawned s = spawn("holder");
        awaitEvent(e -> e.is(StopKind.SYSCALL_ENTRY) && e.syscall() == SYS_PAUSE);
        assertTrue(onTracer(() -> held[0].isHeld()));
        assertEquals('t', ProcFs.status(s.pid()).state());

        Signals.send(s.pid(), Signals.SIGKILL);
        assertEquals(Wait.killedStatus(Signals.SIGKILL), exit(s));
        assertEquals(Wait.killedStatus(Signals.SIGKILL), get(recorder.ended(s.pid())));
        assertFalse(onTracer(() -> held[0].isHeld()), "no longer held once gone");
        java.util.List<Recorder.Event> events = recorder.of(s.pid());
        Recorder.Event exitStop = events.get(events.size() - 2);
        assertTrue(exitStop.is(StopKind.EXIT) && exitStop.message() == Wait.killedStatus(Signals.SIGKILL),
                "killed while held, it still stops at PTRACE_EVENT_EXIT with its status to be: " + events);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> onTracer(() -> held[0].resume(Resume.CONT, -1)));
        assertTrue(e.getMessage().contains("is not held"), e.getMessage());
    }

    @Test
    @DisplayName("SIGKILL to a tracee in a group stop (LISTEN): it dies")
    void killWhileGroupStopped() throws Exception {
        Spawned s = spawn("signals", "stop");
        awaitEvent(e -> e.is(StopKind.GROUP_STOP));
        Signals.send(s.pid(), Signals.SIGKILL);
        assertEquals(Wait.killedStatus(Signals.SIGKILL), exit(s));
        assertEquals("before\n", stdout(s));
    }

    @Test
    @DisplayName("SIGKILL to a tracee held at a signal-delivery stop: it dies without the held signal")
    void killWhileHeldAtSignal() throws Exception {
        recorder.policy = (t, stop) -> stop.kind() == StopKind.SIGNAL && stop.signal() == Signals.SIGUSR1 ? Resume.HOLD : null;
        Spawned s = spawn("signals", "handler");
        awaitEvent(e -> e.is(StopKind.SIGNAL) && e.signal() == Signals.SIGUSR1);
        Signals.send(s.pid(), Signals.SIGKILL);
        assertEquals(Wait.killedStatus(Signals.SIGKILL), exit(s));
        assertEquals("", stdout(s));
    }

    void awaitEvent(Predicate<Recorder.Event> p) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_SECONDS * 1_000_000_000L;
        while (recorder.select(p).isEmpty()) {
            if (System.nanoTime() > deadline) throw new AssertionError("no such event in " + recorder.all());
            Thread.sleep(2);
        }
    }
}
