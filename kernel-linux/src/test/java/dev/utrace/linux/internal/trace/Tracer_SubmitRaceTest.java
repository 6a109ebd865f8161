package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.Libc;
import dev.utrace.linux.internal.sys.LinuxException;
import dev.utrace.linux.internal.sys.Ptrace;
import dev.utrace.linux.internal.sys.Signals;
import dev.utrace.linux.internal.sys.UserRegs;
import dev.utrace.linux.internal.sys.Wait;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Commands from any thread reach the tracer thread through the queue and the doorbell: none is
 * lost (a lost wake-up would leave a future pending forever), each submitter's commands run in
 * its order, all of them on the tracer thread. The kernel itself refuses ptrace from any other thread.
 */
class Tracer_SubmitRaceTest extends TracerTestBase {

    @Test
    @DisplayName("race: threads submit commands while the tracer waits idle or handles a busy tracee; every one runs once, in order per submitter, on the tracer thread")
    void noLostWakeUps() throws Exception {
        int threads = 4;
        int perThread = Math.max(100, Integer.getInteger("race.iterations", 10_000) / threads);
        recorder.policy = (t, stop) -> Resume.CONT; // the tracee runs; only the doorbell wakes the tracer
        Spawned busy = spawn("holder");
        long[] ran = new long[threads];
        List<List<CompletableFuture<Integer>>> futures = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> submitters = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int id = i;
            List<CompletableFuture<Integer>> mine = new ArrayList<>();
            futures.add(mine);
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int n = 0; n < perThread; n++) {
                    int expected = n;
                    mine.add(tracer.submit(() -> {
                        if (!tracer.isTracerThread()) return -1;
                        return ran[id]++ == expected ? expected : -2;
                    }));
                }
            });
            submitters.add(t);
            t.start();
        }
        go.countDown();
        for (Thread t : submitters) t.join();
        for (int i = 0; i < threads; i++) {
            for (int n = 0; n < perThread; n++) {
                assertEquals(n, get(futures.get(i).get(n)), "command " + n + " of submitter " + i);
            }
        }
        Signals.send(busy.pid(), Signals.SIGKILL);
        assertEquals(Wait.killedStatus(Signals.SIGKILL), exit(busy));
    }

    @Test
    @DisplayName("ptrace from another thread than the tracer: the kernel says ESRCH, and a Tracee refuses before asking it")
    void onlyTheTracerThread() throws Exception {
        Tracee[] held = new Tracee[1];
        recorder.policy = (t, stop) -> {
            if (stop.kind() != StopKind.EXEC) return null;
            held[0] = t;
            return Resume.HOLD;
        };
        Spawned s = spawn("holder");
        assertTrue(onTracer(() -> held[0].isHeld()));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena);
            UserRegs regs = new UserRegs(arena);
            assertEquals(-1, Ptrace.call(cs, Ptrace.GETREGS, s.pid(), 0, regs.segment().address()));
            assertEquals(Errno.ESRCH, Libc.errno(cs), "the tracee is bound to the thread that attached it");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> held[0].getRegs(regs));
            assertTrue(e.getMessage().endsWith("tracees can be used only on the tracer thread (in a listener, or through Tracer.submit)"),
                    e.getMessage());
        }
        Signals.send(s.pid(), Signals.SIGKILL);
        assertEquals(Wait.killedStatus(Signals.SIGKILL), exit(s));
    }

    @Test
    @DisplayName("after close, commands fail with a message instead of waiting forever")
    void afterClose() {
        tracer.close();
        LinuxException e = assertThrows(LinuxException.class, () -> get(tracer.submit(() -> 1)));
        assertEquals("the tracer has ended; start a new one", e.getMessage());
        assertThrows(LinuxException.class, () -> get(tracer.spawn(SpawnSpec.of("echo"), recorder)));
    }
}
