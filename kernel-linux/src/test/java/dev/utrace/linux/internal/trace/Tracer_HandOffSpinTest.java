package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.linux.internal.sys.Wait;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A stop handed to another thread (the listener holds it) is let go by a command from that
 * thread, which the tracer thread, spinning for it, takes without a doorbell ring; a command
 * that comes as the spin runs out must still wake it (the ring is skipped only while it spins).
 */
class Tracer_HandOffSpinTest extends TracerTestBase {

    private static final long SYS_GETPPID = 110;

    @Test
    @DisplayName("race: every syscall stop held and let go from another thread, at once or after a pause around the spin's budget: no command waits for a ring that never comes, every stop is seen, the program exits 0")
    void heldAndLetGoFromAnotherThread() throws Exception {
        int calls = Math.max(500, Integer.getInteger("race.iterations", 10_000) / 2);
        BlockingQueue<Tracee> held = new LinkedBlockingQueue<>();
        recorder.policy = (t, stop) -> {
            if (stop.kind() != StopKind.SYSCALL_ENTRY && stop.kind() != StopKind.SYSCALL_EXIT) return null;
            held.add(t);
            return Resume.HOLD;
        };
        Spawned s = spawn("getppid_loop", Integer.toString(calls));
        long letGo = 0;
        long lastStop = System.nanoTime();
        while (!s.exit().isDone()) {
            Tracee t = held.poll(50, TimeUnit.MILLISECONDS);
            if (t == null) {
                // A command lost (no ring while the tracer no longer spins) leaves the program held for ever.
                assertTrue(System.nanoTime() - lastStop < TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS),
                        "no stop for " + TIMEOUT_SECONDS + " s after " + letGo + " let go: a command was lost");
                continue;
            }
            lastStop = System.nanoTime();
            pause(ThreadLocalRandom.current().nextLong(0, 3 * TracerLoop.HAND_OFF_SPIN_NANOS / 2));
            // Not waited for: the next stop (or the program's end) is what shows the command ran.
            tracer.submit(() -> t.resume(Resume.SYSCALL, 0));
            letGo++;
        }
        assertEquals(Wait.exitedStatus(0), exit(s));
        long getppids = recorder.events.stream().filter(e -> e.is(StopKind.SYSCALL_ENTRY) && e.syscall() == SYS_GETPPID).count();
        assertEquals(calls, getppids, "every getppid seen");
        assertTrue(letGo >= 2 * calls, "each entry and exit was held and let go: " + letGo);
        long[] spins = onTracer(() -> tracer.handOffSpins());
        if (Runtime.getRuntime().availableProcessors() > 1) {
            assertTrue(spins[0] > 0, "with more than one CPU the tracer spun for some answers: " + spins[0]);
        } else {
            assertEquals(0, spins[0], "with one CPU the tracer never spins");
        }
    }

    @Test
    @DisplayName("race: every syscall stop let go by another thread before the tracer thread has finished handling it"
            + " (the answer queued while the listener still runs): every command is run, and none rings the doorbell,"
            + " since the tracer looks at its queue before it next blocks")
    void answerQueuedBeforeTheHandOffRingsNothing() throws Exception {
        int calls = Math.max(200, Integer.getInteger("race.iterations", 10_000) / 10);
        java.util.concurrent.ExecutorService answerer = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            recorder.policy = (t, stop) -> {
                if (stop.kind() != StopKind.SYSCALL_ENTRY && stop.kind() != StopKind.SYSCALL_EXIT) return null;
                try {
                    // Queued from another thread, and only then is the stop handed off.
                    answerer.submit(() -> tracer.submit(() -> t.resume(Resume.SYSCALL, 0))).get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return Resume.HOLD;
            };
            long ringsBefore = tracer.doorbellRings();
            Spawned s = spawn("getppid_loop", Integer.toString(calls));
            assertEquals(Wait.exitedStatus(0), exit(s));
            long rings = tracer.doorbellRings() - ringsBefore;
            long getppids = recorder.events.stream().filter(e -> e.is(StopKind.SYSCALL_ENTRY) && e.syscall() == SYS_GETPPID).count();
            assertEquals(calls, getppids, "every getppid seen");
            // The spawn's own commands may ring once or twice; an answer that rang would make thousands.
            assertTrue(rings <= 4, rings + " doorbell rings for " + 2 * calls + " answers queued while the tracer was awake");
        } finally {
            answerer.shutdownNow();
        }
    }

    /** A busy pause of about {@code nanos} (a sleep would last far longer than the spin). */
    private static void pause(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) Thread.onSpinWait();
    }
}
