package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.linux.internal.sys.SigInfo;
import dev.utrace.linux.internal.sys.Signals;
import dev.utrace.linux.internal.sys.Wait;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Signal-delivery stops: the signal is delivered, suppressed, replaced, or delivered with a changed siginfo. */
class Signals_HandlerTest extends TracerTestBase {

    private static final int SYS_RT_SIGRETURN = 15;

    @Test
    @DisplayName("a signal-delivery stop shows the signal and its siginfo; delivered, the program's handler runs")
    void delivered() throws Exception {
        int[] sender = {0, 99};
        recorder.policy = (t, stop) -> {
            if (stop.kind() == StopKind.SIGNAL && stop.signal() == Signals.SIGUSR1) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment info = arena.allocate(SigInfo.SIZE, 8);
                    t.getSigInfo(info);
                    sender[0] = SigInfo.pid(info);
                    sender[1] = SigInfo.code(info);
                }
            }
            return null;
        };
        Spawned s = spawn("signals", "handler");
        assertEquals(Wait.exitedStatus(0), exit(s));
        assertEquals("handled 1 code 0 value 0\n", stdout(s));
        assertEquals(s.pid(), sender[0], "si_pid: the program signalled itself");
        assertEquals(SigInfo.SI_USER, sender[1]);
        List<Recorder.Event> events = recorder.of(s.pid());
        int signal = indexOf(events, e -> e.is(StopKind.SIGNAL) && e.signal() == Signals.SIGUSR1);
        int sigreturn = indexOf(events, e -> e.is(StopKind.SYSCALL_ENTRY) && e.syscall() == SYS_RT_SIGRETURN);
        assertTrue(signal >= 0 && sigreturn > signal, "the handler returned through rt_sigreturn after the stop: " + events);
    }

    @Test
    @DisplayName("a signal suppressed at its stop never reaches the program")
    void suppressed() throws Exception {
        recorder.policy = (t, stop) -> {
            if (stop.kind() == StopKind.SIGNAL && stop.signal() == Signals.SIGUSR1) stop.deliver(0);
            return null;
        };
        Spawned s = spawn("signals", "handler");
        assertEquals(Wait.exitedStatus(0), exit(s));
        assertEquals("handled 0 code 0 value 0\n", stdout(s));
    }

    @Test
    @DisplayName("a signal replaced at its stop: SIGUSR2 (default action: terminate) kills the program")
    void replaced() throws Exception {
        recorder.policy = (t, stop) -> {
            if (stop.kind() == StopKind.SIGNAL && stop.signal() == Signals.SIGUSR1) stop.deliver(Signals.SIGUSR2);
            return null;
        };
        Spawned s = spawn("signals", "handler");
        assertEquals(Wait.killedStatus(Signals.SIGUSR2), exit(s));
        assertEquals("", stdout(s));
    }

    @Test
    @DisplayName("PTRACE_SETSIGINFO at the stop: the handler sees the siginfo the tracer wrote")
    void siginfoChanged() throws Exception {
        recorder.policy = (t, stop) -> {
            if (stop.kind() == StopKind.SIGNAL && stop.signal() == Signals.SIGUSR1) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment info = arena.allocate(SigInfo.SIZE, 8);
                    t.getSigInfo(info);
                    SigInfo.setCode(info, SigInfo.SI_QUEUE);
                    SigInfo.setValue(info, 4242);
                    t.setSigInfo(info);
                }
            }
            return null;
        };
        Spawned s = spawn("signals", "handler");
        assertEquals(Wait.exitedStatus(0), exit(s));
        assertEquals("handled 1 code -1 value 4242\n", stdout(s));
    }

    @Test
    @DisplayName("delivering a signal is refused at a stop that is not a signal-delivery stop")
    void deliverOnlyAtSignalStops() throws Exception {
        String[] refusal = {null};
        recorder.policy = (t, stop) -> {
            if (stop.kind() == StopKind.SYSCALL_ENTRY && refusal[0] == null) {
                try {
                    stop.deliver(Signals.SIGUSR1);
                    refusal[0] = "accepted";
                } catch (IllegalStateException e) {
                    refusal[0] = e.getMessage();
                }
            }
            return null;
        };
        Spawned s = spawn("signals", "handler");
        assertEquals(Wait.exitedStatus(0), exit(s));
        assertEquals("a signal can be delivered only at a signal-delivery stop, not at SYSCALL_ENTRY", refusal[0]);
        assertEquals("handled 1 code 0 value 0\n", stdout(s), "the refused delivery changed nothing");
    }

    static int indexOf(List<Recorder.Event> events, java.util.function.Predicate<Recorder.Event> p) {
        for (int i = 0; i < events.size(); i++) if (p.test(events.get(i))) return i;
        return -1;
    }
}
