package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assertions.fail;

import dev.utrace.linux.internal.sys.Signals;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The processes a test started or saw traced, by pid and start time (so a reused pid is not
 * mistaken for one of ours). At teardown each must be gone, zombies included: a process left
 * behind is killed and the test fails naming it.
 */
public final class LeakGuard {

    private static final int START_TIME_FIELD = 22;
    private final Map<Integer, Long> processes = new ConcurrentHashMap<>();

    /** Remembers {@code pid} (with its start time) if it exists. */
    public void track(int pid) {
        if (processes.containsKey(pid)) return;
        long start = ProcFs.statField(pid, START_TIME_FIELD);
        if (start >= 0) processes.putIfAbsent(pid, start);
    }

    /** Waits up to 5 s for every tracked process to be gone, then kills and reports the rest. */
    public void assertNoneLeft() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<String> left = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : processes.entrySet()) {
            while (alive(e.getKey(), e.getValue()) && System.nanoTime() < deadline) Thread.sleep(10);
            if (alive(e.getKey(), e.getValue())) {
                ProcFs.Status s = ProcFs.status(e.getKey());
                left.add(e.getKey() + (s == null ? "" : " (" + s.name() + ", state " + s.state() + ", tracer " + s.tracerPid() + ")"));
                try {
                    Signals.send(e.getKey(), Signals.SIGKILL);
                } catch (RuntimeException ignored) {
                    // gone meanwhile
                }
            }
        }
        processes.clear();
        if (!left.isEmpty()) fail("processes left behind: " + left);
    }

    private static boolean alive(int pid, long startTime) {
        return ProcFs.statField(pid, START_TIME_FIELD) == startTime;
    }
}
