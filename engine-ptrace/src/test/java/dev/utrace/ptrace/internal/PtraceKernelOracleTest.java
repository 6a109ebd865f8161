package dev.utrace.ptrace.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.WaitResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ptrace scenarios run on the real kernel (a C tracer, {@link KernelOracle}) and on the simulated
 * machine, step by step; the normalised logs must be equal. Each line is a step with the wait
 * status and the tracee's {@code /proc} state letter, so a stop that {@code wait} reports before
 * the tracee is in it (state not {@code t}) shows as a difference.
 */
class PtraceKernelOracleTest extends PtraceFixture {
    @TempDir
    Path oracleDir;

    @Test
    @DisplayName("PTRACE_ATTACH to a group-stopped process: the group-stop trap, then the attach's SIGSTOP, then it runs (as Linux)")
    void attachToAGroupStoppedProcess() throws Exception {
        List<String> kernel = KernelOracle.run("attach_group_stopped", oracleDir);

        List<String> sim = new ArrayList<>();
        int pid = this.sim.spawn("idle", List.of());
        await("idle waits in pause", () -> state(pid) == TaskState.SLEEPING);
        this.sim.kill(pid, Signals.SIGSTOP);
        await("group-stopped", () -> state(pid) == TaskState.STOPPED);
        sim.add("group-stopped " + letter(pid));
        tracer.attach(pid);
        sim.add("attach");
        sim.add(waitLine(pid));
        tracer.cont(pid, 0);
        sim.add("cont 0");
        sim.add(waitLine(pid));
        tracer.cont(pid, 0);
        sim.add("cont 0");
        await("settled in pause", () -> state(pid) == TaskState.SLEEPING);
        boolean nothing = tracer.wait(pid, PtraceSession.WNOHANG).isEmpty();
        sim.add("running " + letter(pid) + ", nothing to wait for: " + (nothing ? "yes" : "no"));

        assertEquals(kernel, sim);
    }

    private String waitLine(int pid) throws InterruptedException {
        WaitResult r = tracer.wait(pid, 0).orElseThrow();
        return "wait 0x" + Integer.toHexString(r.status()) + " " + letter(pid);
    }

    /** The {@code /proc/PID/stat} letter of the task's state. */
    private char letter(int pid) {
        return switch (state(pid)) {
            case RUNNING -> 'R';
            case SLEEPING -> 'S';
            case STOPPED -> 'T';
            case TRACED -> 't';
            case EXITING, ZOMBIE -> 'Z';
            case DEAD -> 'X';
        };
    }
}
