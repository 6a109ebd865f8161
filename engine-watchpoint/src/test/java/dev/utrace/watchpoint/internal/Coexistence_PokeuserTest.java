package dev.utrace.watchpoint.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.SlotInfo;
import dev.utrace.api.hw.WatchHit;
import dev.utrace.api.hw.Watchpoint;
import dev.utrace.api.hw.WatchpointException;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.watchpoint.Hit;
import dev.utrace.watchpoint.Scope;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The watchpoint engine and another owner of debug slots (a stand-in for ptrace's pokeuser) on
 * the same thread: each sees only its own hits, they share a slot for the same range, the
 * slots run out for both alike, and each one's clean-up touches only its own claims.
 */
class Coexistence_PokeuserTest extends WatchFixture {
    Pokeuser ptrace;

    Pokeuser.Ctx ptraceOn(Task t) {
        ptrace = new Pokeuser(core.facade("ptrace"), sim);
        return ptrace.attach(t);
    }

    private static List<String> of(List<WatchHit> hits) {
        return hits.stream().map(h -> h.length() + "@" + (h.address() - PAGE) + " " + h.oldValue() + "->" + h.newValue()).toList();
    }

    private static List<String> ofHits(List<Hit> hits) {
        return hits.stream().map(h -> h.length() + "@" + (h.address() - PAGE) + " " + h.oldValue() + "->" + h.newValue()).toList();
    }

    @ParameterizedTest(name = "ptrace attached {0}")
    @ValueSource(strings = {"first", "second"})
    @DisplayName("R-HBP-1 two owners on one thread: each sees only its own hits, a trap of both reaches both, the program sees none")
    void eachSeesItsOwn(String order) {
        program("ab", "    store4 " + PAGE + ", 1", "    store4 " + (PAGE + 4) + ", 2", "    store8 " + PAGE + ", 0");
        int pid = spawnStopped("ab");
        Task t = task(pid);
        Pokeuser.Ctx ctx = null;
        if (order.equals("first")) ctx = ptraceOn(t);
        watch.add(pid, PAGE, 4, Access.WRITE, Scope.THREAD, false);
        if (ctx == null) ctx = ptraceOn(t);
        ptrace.poke(ctx, PAGE + 4, 4, Access.WRITE);
        assertEquals(2, slots.slots(t).size());
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid), "no SIGTRAP reached the program");
        assertEquals(List.of("4@0 0->1", "8@0 1->0"), ofHits(watch.hits(1, 10)));
        assertEquals(List.of("4@4 0->2", "8@0 2->0"), of(ctx.hits));
        assertCleanedUp();
    }

    @Test
    @DisplayName("the same range and access of both owners shares one slot; each gets the hit; each removes only its own claim")
    void sharedSlot() {
        program("one", "    store8 " + PAGE + ", 9", "    store8 " + PAGE + ", 10");
        int pid = spawnStopped("one");
        Task t = task(pid);
        Pokeuser.Ctx ctx = ptraceOn(t);
        Watchpoint theirs = ptrace.poke(ctx, PAGE, 8, Access.WRITE);
        watch.add(pid, PAGE, 8, Access.WRITE, Scope.THREAD, false);
        List<SlotInfo> used = slots.slots(t);
        assertEquals(1, used.size());
        assertEquals(List.of("ptrace of " + pid, "watchpoint engine on " + pid),
                used.getFirst().claims().stream().map(w -> w.owner().toString()).toList());
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertEquals(List.of("8@0 0->9", "8@0 9->10"), ofHits(watch.hits(1, 10)));
        assertEquals(List.of("8@0 0->9", "8@0 9->10"), of(ctx.hits));
        assertFalse(theirs.installed(), "ptrace's exit callback removed its claim");
        assertCleanedUp();
    }

    @Test
    @DisplayName("R-HBP-4 the four slots run out for both owners alike; a range the other owner watches still fits; remove leaves the other's")
    void slotsRunOut() {
        int pid = sim.spawn("idle", List.of());
        Task t = task(pid);
        Pokeuser.Ctx ctx = ptraceOn(t);
        for (int i = 0; i < 3; i++) ptrace.poke(ctx, PAGE + 8L * i, 8, Access.WRITE);
        watch.add(pid, PAGE + 8, 8, Access.WRITE, Scope.THREAD, false);   // shares ptrace's slot 1
        watch.add(pid, PAGE + 64, 8, Access.WRITE, Scope.THREAD, false);  // the last free slot
        WatchpointException e = assertThrows(WatchpointException.class,
                () -> watch.add(pid, PAGE + 128, 8, Access.WRITE, Scope.THREAD, false));
        assertEquals("ENOSPC", e.errno());
        assertTrue(e.getMessage().contains("0: 0x10000000/8 w by ptrace of " + pid), e.getMessage());
        assertTrue(e.getMessage().contains("1: 0x10000008/8 w by ptrace of " + pid + ", watchpoint engine on " + pid),
                e.getMessage());
        assertEquals(2, watch.list().size(), "nothing changed");
        watch.remove(1);
        watch.remove(2);
        List<SlotInfo> left = slots.slots(t);
        assertEquals(3, left.size(), "ptrace's three claims are untouched");
        assertTrue(left.stream().allMatch(s -> s.armed() && s.claims().size() == 1
                && s.claims().getFirst().owner() == ctx));
        sim.kill(pid, Signals.SIGKILL);
        waitExit(pid);
        assertCleanedUp();
        assertTrue(ctx.claims.stream().noneMatch(Watchpoint::installed));
    }
}
