package dev.utrace.ptrace.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.TaskState;
import dev.utrace.passive.Kind;
import dev.utrace.passive.internal.PassiveConfig;
import dev.utrace.passive.internal.PassiveTracerImpl;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.ptrace.WaitResult;
import java.lang.reflect.Proxy;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** ptrace and the passive tracer on the same task: each sees its own events; the core combines their votes. */
class PtraceCoexistenceTest extends PtraceFixture {

    @Test
    @DisplayName("R-STOP-2: a ptrace stop holds the task while the passive engine resumes; each engine sees its own events")
    void ptraceAndPassiveOnOneTask() throws Exception {
        program("getpids", """
                # getpid in a loop.
                again:
                    getpid
                    jmp again
                """);
        var passiveUtrace = core.facade("passive");
        PassiveTracerImpl passive = new PassiveTracerImpl(passiveUtrace, sim, defaults());
        try {
            int pid = spawn("getpids");
            passive.trace(pid, Set.of(Kind.SYSCALLS), false);
            tracer.seize(pid, PtraceOptions.TRACESYSGOOD);
            tracer.interrupt(pid);
            assertEquals(WaitResult.EVENT_STOP, next(pid).event());
            // Held by ptrace alone: the passive engine returns RESUME on everything, yet nothing runs.
            int seen = passive.log(pid, 100_000).size();
            for (int i = 0; i < 5; i++) {
                tracer.getRegs(pid); // a request in between: still held
                assertEquals(TaskState.TRACED, state(pid));
            }
            assertEquals(seen, passive.log(pid, 100_000).size(), "no syscall ran while ptrace held the task");
            // Each syscall stop of ptrace is also a syscall entry the passive tracer logs.
            for (int i = 0; i < 3; i++) {
                tracer.syscall(pid, 0);
                assertEquals(WaitResult.Kind.SYSCALL_STOP, next(pid).kind());
            }
            await("passive saw the syscalls", () -> passive.log(pid, 100_000).size() > seen);
            // Untracing the passive engine changes nothing for ptrace's stop.
            passive.untrace(pid);
            assertEquals(TaskState.TRACED, state(pid));
            tracer.detach(pid, 0);
            await("running untraced", () -> state(pid) == TaskState.RUNNING && ptraceEngines(pid).isEmpty());
            assertTrue(core.facade("probe").engines(sim.findTask(pid)).isEmpty(), "no engine left");
        } finally {
            passiveUtrace.revoke(); // as the passive bundle's stop would
        }
    }

    private static PassiveConfig defaults() {
        return (PassiveConfig) Proxy.newProxyInstance(PassiveConfig.class.getClassLoader(), new Class<?>[] {PassiveConfig.class},
                (proxy, method, args) -> method.getDefaultValue() != null ? method.getDefaultValue()
                        : method.getName().equals("annotationType") ? PassiveConfig.class : null);
    }
}
