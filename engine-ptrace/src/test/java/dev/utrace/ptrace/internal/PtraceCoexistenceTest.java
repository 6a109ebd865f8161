package dev.utrace.ptrace.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.SlotInfo;
import dev.utrace.api.hw.WatchpointException;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.passive.Kind;
import dev.utrace.passive.internal.PassiveTracerImpl;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.ptrace.WaitResult;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.watchpoint.Hit;
import dev.utrace.watchpoint.Scope;
import dev.utrace.watchpoint.WatchInfo;
import dev.utrace.watchpoint.internal.WatchpointsImpl;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ptrace, the passive tracer and the watchpoint engine on the same task: each sees its own events; the core combines their votes; the debug slots serve every owner alike. */
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

    @Test
    @DisplayName("R-STOP-2, R-HBP-1: ptrace, passive and watchpoint engines on one task: each sees its own events, one slot serves two owners, and a stop holds whoever else resumes")
    void threeEnginesOnOneTask() throws InterruptedException {
        pageProgram("scribble", "    mov rcx, 0", "again:", "    add rcx, 1", "    getpid", "    store8 " + PAGE + ", rcx", "    jmp again");
        var passiveUtrace = core.facade("passive");
        PassiveTracerImpl passive = new PassiveTracerImpl(passiveUtrace, sim, defaults());
        WatchpointsImpl watch = new WatchpointsImpl(core.facade("watch"), sim);
        try {
            int pid = seizedAtStart("scribble", PtraceOptions.TRACESYSGOOD);
            Task task = sim.findTask(pid);
            passive.trace(pid, Set.of(Kind.SYSCALLS), false);
            WatchInfo logged = watch.add(pid, PAGE, 8, Access.WRITE, Scope.THREAD, false);

            // 1. Running: the passive engine logs syscalls, the watch engine records stores, and
            //    ptrace, which asked for neither, sees nothing (the watch's SIGTRAPs are not its own).
            tracer.cont(pid, 0);
            await("the others see their events", () -> watch.hits(logged.id(), 10).size() >= 3 && syscalls(passive, pid) >= 3);
            assertNothingReady(pid);

            // 2. ptrace's stop holds the task while both others would resume it.
            tracer.interrupt(pid);
            assertEquals(WaitResult.EVENT_STOP, next(pid).event());
            await("parked", () -> state(pid) == TaskState.TRACED);
            int seenSyscalls = syscalls(passive, pid);
            long seenHits = hitCount(watch, logged);
            for (int i = 0; i < 5; i++) {
                tracer.getRegs(pid);
                assertEquals(TaskState.TRACED, state(pid));
            }
            assertEquals(seenSyscalls, syscalls(passive, pid), "no syscall ran while ptrace held the task");
            assertEquals(seenHits, hitCount(watch, logged), "no store ran while ptrace held the task");

            // 3. ptrace's syscall stops are its own events; the passive engine logs the same syscalls.
            for (int i = 0; i < 3; i++) {
                tracer.syscall(pid, 0);
                assertEquals(WaitResult.Kind.SYSCALL_STOP, next(pid).kind());
            }
            await("the passive engine logged them too", () -> syscalls(passive, pid) > seenSyscalls);

            // 4. ptrace's own watchpoint on the same word shares the watch engine's slot; each owner gets the hit.
            tracer.pokeUser(pid, Reg.DR0.userOffset(), PAGE);
            tracer.pokeUser(pid, Reg.DR7.userOffset(), dr7(0, WRITE, 8));
            List<SlotInfo> slots = sim.slots(task);
            assertEquals(1, slots.size(), slots::toString);
            assertEquals(2, slots.getFirst().claims().size(), slots::toString);
            long hitsBefore = hitCount(watch, logged);
            tracer.cont(pid, 0);
            WaitResult trap = next(pid);
            assertEquals(WaitResult.Kind.SIGNAL_STOP, trap.kind(), trap.describe());
            assertEquals(Signals.SIGTRAP, trap.signal());
            assertEquals(1, tracer.peekUser(pid, Reg.DR6.userOffset()) & 0xf, "ptrace's DR6: its slot 0 hit");
            long stored = tracer.peek(pid, PAGE);
            await("the watch engine recorded the same store", () -> lastHit(watch, logged).newValue() == stored);
            assertTrue(hitCount(watch, logged) > hitsBefore);

            // 5. The other way round: the watch engine's stop on a hit holds the task while ptrace resumes it.
            tracer.pokeUser(pid, Reg.DR7.userOffset(), 0);
            assertEquals(1, sim.slots(task).getFirst().claims().size(), "ptrace's claim went, the watch's stayed");
            WatchInfo stopper = watch.add(pid, PAGE, 8, Access.WRITE, Scope.THREAD, true);
            tracer.cont(pid, 0);
            await("held by the watch engine", () -> watch.list().stream().anyMatch(w -> w.id() == stopper.id() && w.stopped().contains(pid)));
            int heldSyscalls = syscalls(passive, pid);
            assertNothingReady(pid); // not a ptrace stop: the tracer has nothing to wait for
            assertEquals(heldSyscalls, syscalls(passive, pid), "held: no syscall ran");
            watch.resume(pid); // one more round, held again at its store
            await("resumed by the watch engine", () -> syscalls(passive, pid) > heldSyscalls);
            watch.remove(stopper.id()); // lets it go for good
            await("running again", () -> syscalls(passive, pid) > heldSyscalls + 3);

            // 6. Each leaves on its own; the task runs on untraced.
            tracer.interrupt(pid);
            assertEquals(WaitResult.EVENT_STOP, next(pid).event());
            watch.remove(logged.id());
            passive.untrace(pid);
            tracer.detach(pid, 0);
            await("running untraced", () -> core.facade("probe").engines(task).isEmpty() && state(pid) != TaskState.TRACED);
            assertEquals(List.of(), sim.slots(task));
            await("every engine released once", () -> ptrace.releases.get() == 1 && watch.released() == 1);
            sim.kill(pid, Signals.SIGKILL);
            assertEquals(WaitStatus.signaled(Signals.SIGKILL, false), exitOf(pid), "it ran unharmed until killed");
        } finally {
            watch.deactivate();
            passiveUtrace.revoke();
        }
    }

    @ParameterizedTest(name = "ptrace attached {0}")
    @ValueSource(strings = {"first", "second"})
    @DisplayName("R-HBP-1: ptrace's PTRACE_POKEUSER(DR7) next to a watch on the same thread: each owner sees only its own hits, a store both watch reaches both, the program sees no SIGTRAP")
    void pokeuserNextToAWatch(String order) {
        pageProgram("ab", "    store4 " + PAGE + ", 1", "    store4 " + (PAGE + 4) + ", 2", "    store8 " + PAGE + ", 0", "    exit 0");
        WatchpointsImpl watch = new WatchpointsImpl(core.facade("watch"), sim);
        try {
            int pid = sim.spawn("ab", List.of(), true);
            await("stopped", () -> state(pid) == TaskState.STOPPED);
            Task task = sim.findTask(pid);
            WatchInfo w = null;
            if (order.equals("second")) w = watch.add(pid, PAGE, 4, Access.WRITE, Scope.THREAD, false);
            startSeized(pid, 0);
            if (w == null) w = watch.add(pid, PAGE, 4, Access.WRITE, Scope.THREAD, false);
            tracer.pokeUser(pid, Reg.DR1.userOffset(), PAGE + 4);
            tracer.pokeUser(pid, Reg.DR7.userOffset(), dr7(1, WRITE, 4));
            assertEquals(List.of("watchpoint engine on " + pid, ctxOf(pid).toString()),
                    sim.slots(task).stream().map(sl -> sl.claims().getFirst().owner().toString()).toList());

            tracer.cont(pid, 0);
            // The first store is the watch's alone: no ptrace stop. The second is ptrace's.
            WaitResult r = next(pid);
            assertEquals(Signals.SIGTRAP, r.signal(), r.describe());
            assertEquals(Signals.TRAP_HWBKPT, tracer.getSigInfo(pid).code);
            assertEquals(0b10, tracer.peekUser(pid, Reg.DR6.userOffset()) & 0xf, "ptrace's DR6 names its DR1, not the watch's slot");
            assertEquals(2, tracer.peek(pid, PAGE + 4) & 0xffff_ffffL);
            tracer.pokeUser(pid, Reg.DR6.userOffset(), 0);
            tracer.cont(pid, 0);
            // The 8-byte store covers both words: a hit for each owner, one SIGTRAP.
            r = next(pid);
            assertEquals(Signals.SIGTRAP, r.signal(), r.describe());
            assertEquals(0b10, tracer.peekUser(pid, Reg.DR6.userOffset()) & 0xf);
            tracer.cont(pid, 0);
            r = next(pid);
            assertEquals(WaitResult.Kind.EXITED, r.kind(), r.describe());
            assertEquals(0, r.status() >> 8 & 0xff, "no SIGTRAP reached the program: " + r.describe());
            int id = w.id();
            assertEquals(List.of("0->1", "1->0"), watch.hits(id, 10).stream().map(h -> h.oldValue() + "->" + h.newValue()).toList());
            await("every engine released once", () -> ptrace.releases.get() == 1 && watch.released() == 1);
            assertEquals(List.of(), sim.slots(task), "each owner removed its own claim at exit");
        } finally {
            watch.deactivate();
        }
    }

    @Test
    @DisplayName("R-HBP-4: ptrace and the watch engine draw on the same four slots: ENOSPC at request time for either, nothing changed; the same range shares a slot; ptrace's detach leaves the watch's slots")
    void slotsAreSharedAlike() {
        pageProgram("w", "    store8 " + PAGE + ", 1", "again:", "    getpid", "    jmp again");
        WatchpointsImpl watch = new WatchpointsImpl(core.facade("watch"), sim);
        try {
            int pid = seizedAtStart("w", 0);
            Task task = sim.findTask(pid);
            for (int i = 0; i < 3; i++) watch.add(pid, PAGE + 8L * i, 8, Access.WRITE, Scope.THREAD, false);
            long two = dr7(0, WRITE, 8) | dr7(1, WRITE, 8);
            tracer.pokeUser(pid, Reg.DR0.userOffset(), PAGE + 64);
            tracer.pokeUser(pid, Reg.DR1.userOffset(), PAGE + 72);
            assertErrno("ENOSPC", () -> tracer.pokeUser(pid, Reg.DR7.userOffset(), two));
            assertEquals(0, tracer.peekUser(pid, Reg.DR7.userOffset()), "DR7 unchanged");
            assertEquals(3, sim.slots(task).size(), "no slot taken by the refused request");
            tracer.pokeUser(pid, Reg.DR7.userOffset(), dr7(0, WRITE, 8));
            assertEquals(4, sim.slots(task).size());
            WatchpointException full = assertThrows(WatchpointException.class,
                    () -> watch.add(pid, PAGE + 80, 8, Access.WRITE, Scope.THREAD, false));
            assertEquals("ENOSPC", full.errno(), full.getMessage());
            // The same range and access as one of the watch's: shared, no new slot needed.
            tracer.pokeUser(pid, Reg.DR1.userOffset(), PAGE + 8);
            tracer.pokeUser(pid, Reg.DR7.userOffset(), two);
            assertEquals(4, sim.slots(task).size());
            tracer.detach(pid, 0);
            List<SlotInfo> left = sim.slots(task);
            assertEquals(3, left.size(), left::toString);
            assertTrue(left.stream().allMatch(sl -> sl.claims().size() == 1
                    && sl.claims().getFirst().owner().toString().equals("watchpoint engine on " + pid)), left::toString);
        } finally {
            watch.deactivate();
        }
    }

    private static int syscalls(PassiveTracerImpl passive, int pid) {
        return passive.log(pid, 100_000).size();
    }

    private static long hitCount(WatchpointsImpl watch, WatchInfo w) {
        return watch.list().stream().filter(x -> x.id() == w.id()).findFirst().orElseThrow().hits();
    }

    private static Hit lastHit(WatchpointsImpl watch, WatchInfo w) {
        return watch.hits(w.id(), 1).getFirst();
    }

    /** The passive tracer's configuration properties when no .cfg file sets any: every default. */
    private static Map<String, Object> defaults() {
        return Map.of();
    }
}
