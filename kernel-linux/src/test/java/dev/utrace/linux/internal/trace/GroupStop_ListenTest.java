package dev.utrace.linux.internal.trace;

import static dev.utrace.linux.internal.trace.Signals_HandlerTest.indexOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.linux.internal.sys.Signals;
import dev.utrace.linux.internal.sys.Wait;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Job control under PTRACE_SEIZE: SIGSTOP is a signal-delivery stop, then a group stop answered
 * with PTRACE_LISTEN, in which the process stays stopped until SIGCONT.
 */
class GroupStop_ListenTest extends TracerTestBase {

    /** Ignored by default, so delivering it after the stop changes nothing. */
    private static final int SIGWINCH = 28;

    @Test
    @DisplayName("SIGSTOP: a group stop held with LISTEN (another signal waits); SIGCONT ends it: CONTINUED, then SIGCONT and the waiting signal delivered")
    void stopAndContinue() throws Exception {
        Spawned s = spawn("signals", "stop");
        int pid = s.pid();
        awaitEvent(e -> e.tid() == pid && e.is(StopKind.GROUP_STOP));
        assertEquals(Signals.SIGSTOP, last(StopKind.GROUP_STOP, pid).signal());
        assertEquals('t', ProcFs.status(pid).state(), "a listening tracee is in a tracing stop");
        awaitOutput(s, "before\n"); // the pipe is read by another thread: "before" may still be on its way
        assertEquals("before\n", s.output().stdout(), "stopped before \"after\"");

        // A signal other than SIGCONT stays pending: LISTEN reports only the end of the stop.
        Signals.send(pid, SIGWINCH);

        Signals.send(pid, Signals.SIGCONT);
        assertEquals(Wait.exitedStatus(4), exit(s));
        assertEquals("before\nafter\n", stdout(s));
        List<Recorder.Event> events = recorder.of(pid);
        int stopSignal = indexOf(events, e -> e.is(StopKind.SIGNAL) && e.signal() == Signals.SIGSTOP);
        int groupStop = indexOf(events, e -> e.is(StopKind.GROUP_STOP));
        int continued = indexOf(events, e -> e.is(StopKind.CONTINUED));
        int cont = indexOf(events, e -> e.is(StopKind.SIGNAL) && e.signal() == Signals.SIGCONT);
        int winch = indexOf(events, e -> e.is(StopKind.SIGNAL) && e.signal() == SIGWINCH);
        assertTrue(stopSignal >= 0 && stopSignal < groupStop && groupStop < continued && continued < cont,
                "SIGSTOP delivered, group stop, continued, SIGCONT delivered: " + events);
        assertTrue(winch > continued, "the signal sent during the stop is delivered after it: " + events);
        assertEquals(1, countOf(StopKind.GROUP_STOP, pid), "one group stop, not re-reported for SIGWINCH: " + events);
    }

    private Recorder.Event last(StopKind kind, int tid) {
        List<Recorder.Event> l = recorder.select(e -> e.tid() == tid && e.is(kind));
        return l.get(l.size() - 1);
    }

    private long countOf(StopKind kind, int tid) {
        return recorder.select(e -> e.tid() == tid && e.is(kind)).size();
    }

    private static void awaitOutput(Spawned s, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_SECONDS * 1_000_000_000L;
        while (!s.output().stdout().contains(text)) {
            if (System.nanoTime() > deadline) throw new AssertionError(s + " never wrote " + text + ": " + s.output().stdout());
            Thread.sleep(1);
        }
    }

    void awaitEvent(Predicate<Recorder.Event> p) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_SECONDS * 1_000_000_000L;
        while (recorder.select(p).isEmpty()) {
            if (System.nanoTime() > deadline) throw new AssertionError("no such event in " + recorder.all());
            Thread.sleep(2);
        }
    }
}
