package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.linux.internal.sys.DebugRegs;
import dev.utrace.linux.internal.sys.SigInfo;
import dev.utrace.linux.internal.sys.Signals;
import dev.utrace.linux.internal.sys.Wait;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Attaching to a running process (started untraced by the test) and detaching from it leave it
 * exactly as it was: its output is the output of an untraced run, every queued real-time signal
 * sent to it is received once, a stopped process stays stopped, debug registers are disarmed.
 */
class AttachDetach_Test extends TracerTestBase {

    /** SIGRTMIN+1 as glibc numbers it: kernel signal 35 (glibc keeps 32 and 33). Real-time signals queue. */
    private static final int SIGRT_1 = 35;
    private static final int LINES = 300;

    @Test
    @DisplayName("attach to a running process, trace it, detach: its output and its received signals are those of an untraced run")
    void outputAndSignalsUnchanged() throws Exception {
        UntracedChild c = untraced("busy", Integer.toString(LINES));
        c.awaitOutput("line 5\n");
        Attached a = get(tracer.attach(c.pid, recorder));
        assertEquals(List.of(c.pid), a.tids());
        assertEquals(tracer.tracerTid(), ProcFs.status(c.pid).tracerPid());
        assertEquals(StopKind.ATTACHED.name(), recorder.of(c.pid).get(0).kind());
        awaitEvents(e -> e.is(StopKind.SYSCALL_EXIT), 20);
        for (int i = 0; i < 5; i++) Signals.send(c.pid, SIGRT_1);
        awaitEvents(e -> e.is(StopKind.SIGNAL) && e.signal() == SIGRT_1, 5);
        get(tracer.detach(c.pid));
        assertEquals(0, get(recorder.ended(c.pid)));
        assertEquals(End.DETACHED, lastEnd(c.pid));
        ProcFs.Status after = ProcFs.status(c.pid);
        assertEquals(0, after.tracerPid(), "untraced after the detach");
        assertTrue(after.state() == 'S' || after.state() == 'R', "running, no stop left behind: " + after);
        for (int i = 0; i < 5; i++) Signals.send(c.pid, SIGRT_1);
        assertEquals(Wait.exitedStatus(0), c.waitExit());
        assertEquals(expectedOutput(c, 10), c.stdout());
    }

    @Test
    @DisplayName("detach while held at a signal-delivery stop: the held signal is delivered, not lost")
    void detachHeldAtSignal() throws Exception {
        recorder.policy = (t, stop) -> stop.kind() == StopKind.SIGNAL ? Resume.HOLD : null;
        UntracedChild c = untraced("busy", Integer.toString(LINES));
        c.awaitOutput("line 5\n");
        get(tracer.attach(c.pid, recorder));
        Signals.send(c.pid, SIGRT_1);
        awaitEvents(e -> e.is(StopKind.SIGNAL) && e.signal() == SIGRT_1, 1);
        get(tracer.detach(c.pid));
        Signals.send(c.pid, SIGRT_1);
        assertEquals(Wait.exitedStatus(0), c.waitExit());
        assertEquals(expectedOutput(c, 2), c.stdout());
    }

    @Test
    @DisplayName("attach to every thread of a multithreaded process (each reports ATTACHED), detach all: it ends as it would have")
    void allThreads() throws Exception {
        UntracedChild c = untraced("busy", Integer.toString(LINES), "3");
        c.awaitOutput("line 5\n");
        int[] before = ProcFs.tasks(c.pid);
        assertEquals(3, before.length);
        Attached a = get(tracer.attach(c.pid, recorder));
        assertEquals(IntStream.of(before).boxed().toList(), a.tids().stream().sorted().toList());
        for (int tid : before) {
            assertEquals(StopKind.ATTACHED.name(), recorder.of(tid).get(0).kind(), "first stop of thread " + tid);
            assertEquals(tracer.tracerTid(), ProcFs.status(tid).tracerPid());
        }
        awaitEvents(e -> e.tid() != c.pid && e.is(StopKind.SYSCALL_ENTRY), 20);
        get(tracer.detach(c.pid));
        for (int tid : before) {
            assertEquals(0, ProcFs.status(tid).tracerPid(), "thread " + tid + " is untraced");
            assertEquals(End.DETACHED, lastEnd(tid));
        }
        assertEquals(Wait.exitedStatus(0), c.waitExit());
        assertEquals(expectedOutput(c, 0), c.stdout());
    }

    @Test
    @DisplayName("attach to a stopped process: its first stop is a group stop; detached, it is still stopped, and SIGCONT lets it finish")
    void stoppedStaysStopped() throws Exception {
        UntracedChild c = untraced("busy", Integer.toString(LINES));
        c.awaitOutput("line 5\n");
        Signals.send(c.pid, Signals.SIGSTOP);
        awaitState(c.pid, 'T');
        get(tracer.attach(c.pid, recorder));
        Recorder.Event first = recorder.of(c.pid).get(0);
        assertEquals(StopKind.GROUP_STOP.name(), first.kind());
        assertEquals(Signals.SIGSTOP, first.signal());
        get(tracer.detach(c.pid));
        // Detached from its group stop, the thread is woken and stops again on its own (T, not t).
        awaitState(c.pid, 'T');
        assertEquals(0, ProcFs.status(c.pid).tracerPid());
        Signals.send(c.pid, Signals.SIGCONT);
        assertEquals(Wait.exitedStatus(0), c.waitExit());
        assertEquals(expectedOutput(c, 0), c.stdout());
    }

    @Test
    @DisplayName("a watchpoint armed while attached fires; detaching disarms DR7, so the process is not killed by SIGTRAP afterwards")
    void watchpointDisarmedAtDetach() throws Exception {
        UntracedChild c = untraced("busy", Integer.toString(LINES));
        c.awaitOutput("line 5\n");
        long watched = Long.decode(c.output.stdout().lines().findFirst().orElseThrow().substring("watched ".length()));
        AtomicInteger hits = new AtomicInteger();
        recorder.policy = (t, stop) -> {
            if (stop.kind() == StopKind.ATTACHED) {
                t.pokeUser(DebugRegs.address(0), watched);
                t.pokeUser(DebugRegs.DR7, DebugRegs.dr7Bits(0, DebugRegs.Access.WRITE, 8));
            } else if (stop.kind() == StopKind.SIGNAL && stop.signal() == Signals.SIGTRAP) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment info = arena.allocate(SigInfo.SIZE, 8);
                    t.getSigInfo(info);
                    if (SigInfo.code(info) == SigInfo.TRAP_HWBKPT && (t.peekUser(DebugRegs.DR6) & 1) != 0) {
                        hits.incrementAndGet();
                        t.pokeUser(DebugRegs.DR6, 0);
                        stop.deliver(0);
                    }
                }
            }
            return null;
        };
        get(tracer.attach(c.pid, recorder));
        awaitEvents(e -> e.is(StopKind.SIGNAL) && e.signal() == Signals.SIGTRAP, 3);
        get(tracer.detach(c.pid));
        assertTrue(hits.get() >= 3, "the watchpoint fired while attached: " + hits.get());
        assertEquals(Wait.exitedStatus(0), c.waitExit(), "not killed by SIGTRAP at the next write");
        assertEquals(expectedOutput(c, 0), c.stdout());
    }

    private static String expectedOutput(UntracedChild c, int signals) {
        String first = c.output.stdout().lines().findFirst().orElseThrow();
        return first + "\n" + IntStream.rangeClosed(1, LINES).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining())
                + "signals " + signals + "\nend\n";
    }

    private End lastEnd(int tid) {
        List<Recorder.Event> events = recorder.of(tid);
        return events.get(events.size() - 1).end();
    }

    private void awaitEvents(Predicate<Recorder.Event> p, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_SECONDS * 1_000_000_000L;
        while (recorder.select(p).size() < count) {
            if (System.nanoTime() > deadline) throw new AssertionError("fewer than " + count + " such events in " + recorder.all());
            Thread.sleep(1);
        }
    }

    static void awaitState(int pid, char state) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_SECONDS * 1_000_000_000L;
        while (ProcFs.status(pid).state() != state) {
            if (System.nanoTime() > deadline) throw new AssertionError("process " + pid + " never reached state " + state);
            Thread.sleep(1);
        }
    }
}
