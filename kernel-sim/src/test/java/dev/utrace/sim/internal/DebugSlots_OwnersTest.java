package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.hw.WatchHit;
import dev.utrace.api.hw.Watchpoint;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.proc.WaitStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Several owners on one thread (as the watchpoint engine and ptrace's pokeuser): each takes only
 * its own hits; what an owner that gives up its hits does to the SIGTRAP; the hit log's bound.
 */
class DebugSlots_OwnersTest extends SlotsFixture {
    final Owner a = new Owner("owner A");
    final Owner b = new Owner("owner B");

    @Test
    @DisplayName("two owners on one thread: each takes only its own hits, also of a trap that fired both")
    void eachTakesItsOwn() {
        program("two", "    store8 " + PAGE + ", 1", "    store4 " + PAGE + ", 2", "    store4 " + (PAGE + 4) + ", 3");
        owners.addAll(List.of(a, b));
        int pid = spawnStopped("two");
        SimTask t = sim.task(pid);
        Watchpoint wa = slots.install(t, a, PAGE, 8, Access.WRITE);
        Watchpoint wb = slots.install(t, b, PAGE + 4, 4, Access.WRITE);
        cont(pid);
        assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
        assertEquals(List.of("8@0", "4@0", "4@4"), describe(taken(a), wa));
        assertEquals(List.of("8@0", "4@4"), describe(taken(b), wb));
        assertEquals(3, traps.size(), "one SIGTRAP per trapping store");
    }

    @Test
    @DisplayName("a shared slot's hit goes to each claim, naming it")
    void sharedSlot() {
        program("one", "    store8 " + PAGE + ", 1");
        owners.addAll(List.of(a, b));
        int pid = spawnStopped("one");
        SimTask t = sim.task(pid);
        Watchpoint wa = slots.install(t, a, PAGE, 8, Access.WRITE);
        Watchpoint wa2 = slots.install(t, a, PAGE, 8, Access.WRITE);
        Watchpoint wb = slots.install(t, b, PAGE, 8, Access.WRITE);
        cont(pid);
        assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
        List<WatchHit> ha = taken(a);
        assertEquals(2, ha.size());
        assertSame(wa, ha.get(0).watchpoint());
        assertSame(wa2, ha.get(1).watchpoint());
        assertSame(wb, taken(b).getFirst().watchpoint());
        assertNotSame(ha.get(0), taken(b).getFirst());
    }

    private static List<String> describe(List<WatchHit> hits, Watchpoint expected) {
        for (WatchHit h : hits) assertSame(expected, h.watchpoint());
        return hits.stream().map(h -> h.length() + "@" + (h.address() - PAGE)).toList();
    }

    @Test
    @DisplayName("an owner that never takes its hits costs a bounded log: the newest " + DebugSlots.HITS_KEPT + " are kept")
    void bounded() {
        program("many", "    mov rbx, 100", "again:", "    store8 " + PAGE + ", rbx", "    loop rbx, again");
        int pid = spawnStopped("many");
        SimTask t = sim.task(pid);
        slots.install(t, a, PAGE, 8, Access.WRITE); // nobody takes a's hits; the stand-in core consumes the traps
        cont(pid);
        assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
        assertEquals(100, traps.size());
        assertEquals(100 - DebugSlots.HITS_KEPT, HwSlots.droppedHits(t));
        List<WatchHit> kept = slots.takeHits(t, a);
        assertEquals(DebugSlots.HITS_KEPT, kept.size());
        assertEquals(DebugSlots.HITS_KEPT, kept.getFirst().newValue(), "the oldest were dropped");
        assertEquals(1, kept.getLast().newValue());
        assertEquals(List.of(), slots.takeHits(t, a));
    }

    @Test
    @DisplayName("discardHits while the SIGTRAP is pending withdraws it: the program never sees a trap its owner gave up")
    void discardWithdrawsAPendingTrap() {
        program("one", "    store8 " + PAGE + ", 1");
        int pid = spawnStopped("one");
        SimTask t = sim.task(pid);
        Watchpoint w = slots.install(t, a, PAGE, 8, Access.WRITE);
        hooks.stopAt(e -> e.hook().equals("getSignal") && e.task() == t && !taskHitsEmpty(t));
        cont(pid);
        Sim.await("held with the SIGTRAP pending", t::isUtraceStopped);
        assertTrue(slots.remove(w));
        assertTrue(slots.discardHits(t, a), "settled at once: the SIGTRAP had not been dequeued");
        hooks.releaseStops();
        assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
        assertEquals(List.of(), traps, "no SIGTRAP reached the signal report");
        assertEquals(List.of(), slots.takeHits(t, a));
    }

    /** Whether {@code t} has no untaken hit; the kernel lock is free in a getSignal hook. */
    private static boolean taskHitsEmpty(SimTask t) {
        t.kernel.lock.lock();
        try {
            return t.debug.hits == null || t.debug.hits.isEmpty();
        } finally {
            t.kernel.lock.unlock();
        }
    }

    @Test
    @DisplayName("discardHits keeps a pending SIGTRAP that another owner's hits wait on")
    void discardLeavesTheOthersTrap() {
        program("one", "    store8 " + PAGE + ", 1");
        owners.add(b);
        int pid = spawnStopped("one");
        SimTask t = sim.task(pid);
        slots.install(t, a, PAGE, 8, Access.WRITE);
        slots.install(t, b, PAGE, 8, Access.WRITE);
        hooks.stopAt(e -> e.hook().equals("getSignal") && e.task() == t && !taskHitsEmpty(t));
        cont(pid);
        Sim.await("held with the SIGTRAP pending", t::isUtraceStopped);
        assertTrue(slots.discardHits(t, a));
        hooks.releaseStops();
        assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
        assertEquals(1, traps.size(), "b's trap was reported");
        assertEquals(1, taken(b).size());
        assertEquals(List.of(), slots.takeHits(t, a));
    }

    @Test
    @DisplayName("discardHits while the SIGTRAP is being reported answers false and keeps the hits for the owner's callback")
    void discardInFlight() {
        program("one", "    store8 " + PAGE + ", 1");
        int pid = spawnStopped("one");
        SimTask t = sim.task(pid);
        slots.install(t, a, PAGE, 8, Access.WRITE);
        List<String> seen = new CopyOnWriteArrayList<>();
        hooks.onGetSignal = (task, info, ka) -> {
            SignalInfo got = new SignalInfo();
            int sig = task.dequeueSignal(got);
            if (sig != Signals.SIGTRAP) {
                if (sig != 0) task.requeueSignal(got);
                return 0;
            }
            seen.add("discard " + slots.discardHits(task, a)); // dequeued: in flight, kept
            seen.add("took " + slots.takeHits(task, a).size());
            seen.add("discard " + slots.discardHits(task, a));
            return -1;
        };
        cont(pid);
        assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
        assertEquals(List.of("discard false", "took 1", "discard true"), seen);
    }

    @Test
    @DisplayName("discardHits of hits whose SIGTRAP is long gone drops them and answers true")
    void discardStale() {
        program("one", "    store8 " + PAGE + ", 1");
        int pid = spawnStopped("one");
        SimTask t = sim.task(pid);
        slots.install(t, a, PAGE, 8, Access.WRITE); // the stand-in core consumes the trap without taking a's hits
        cont(pid);
        assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
        assertEquals(1, traps.size());
        assertTrue(slots.discardHits(t, a));
        assertFalse(slots.takeHits(t, a).iterator().hasNext());
    }
}
