package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.SlotInfo;
import dev.utrace.api.hw.Watchpoint;
import dev.utrace.api.hw.WatchpointException;
import dev.utrace.api.task.Reg;
import dev.utrace.api.proc.WaitStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Exec and exit disarm a thread's slots but never free or forget a claim: its owner removes it. */
class DebugSlots_ExecExitTest extends SlotsFixture {
    final Owner a = new Owner("owner A");

    @Test
    @DisplayName("R-HBP-1 exec disarms the slots; each claim stays installed (stale, not shared) until its owner removes it, once")
    void exec() {
        program("execer", "    store8 " + PAGE + ", 1", "    exec \"true\"");
        owners.add(a);
        int pid = spawnStopped("execer");
        SimTask t = sim.task(pid);
        List<Watchpoint> mine = new ArrayList<>();
        for (int i = 0; i < 4; i++) mine.add(slots.install(t, a, PAGE + 8L * i, 8, Access.WRITE));
        hooks.stopAt(e -> e.hook().equals("exec") && e.task() == t);
        cont(pid);
        Sim.await("held in its exec report", t::isUtraceStopped);
        assertEquals(1, taken(a).size(), "the store before exec hit");
        assertEquals(0, t.register(Reg.DR7), "nothing armed for the new image");
        for (Watchpoint w : mine) {
            assertTrue(w.installed(), "not freed by the machine: " + w);
            assertFalse(w.armed(), w.toString());
        }
        List<SlotInfo> stale = slots.slots(t);
        assertEquals(4, stale.size());
        assertTrue(stale.stream().noneMatch(SlotInfo::armed));
        WatchpointException e = assertThrows(WatchpointException.class, () -> slots.install(t, a, PAGE, 8, Access.WRITE));
        assertEquals("ENOSPC", e.errno(), "a stale slot is neither free nor shared");
        assertTrue(e.getMessage().contains("0: 0x10000000/8 w (stale since exec, waiting for its owner) by owner A"), e.getMessage());
        // The owner's exec callback removes them (R-HBP-1); the range can then be watched afresh.
        for (Watchpoint w : mine) assertTrue(slots.remove(w));
        for (Watchpoint w : mine) assertFalse(slots.remove(w), "exactly once");
        Watchpoint fresh = slots.install(t, a, PAGE, 8, Access.WRITE);
        assertTrue(fresh.armed());
        assertEquals(1 | (0b01L << 16) | (0b10L << 18), t.register(Reg.DR7));
        hooks.releaseStops();
        assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
    }

    @Test
    @DisplayName("R-HBP-1 exit disarms the slots; the claims outlive the thread until their owner removes them, once")
    void exit() {
        program("writer", "    store8 " + PAGE + ", 1");
        owners.add(a);
        int pid = spawnStopped("writer");
        SimTask t = sim.task(pid);
        Watchpoint w = slots.install(t, a, PAGE, 8, Access.WRITE);
        Watchpoint shared = slots.install(t, new Owner("owner B"), PAGE, 8, Access.WRITE);
        cont(pid);
        assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
        Sim.await("reaped", () -> sim.machine.findTask(pid) == null);
        assertEquals(1, taken(a).size());
        assertTrue(w.installed(), "the machine never forgets a claim (R-HBP-1)");
        assertFalse(w.armed());
        assertEquals(1, slots.slots(t).size(), "still listed, stale, after the reap");
        assertTrue(slots.remove(w));
        assertFalse(slots.remove(w));
        assertEquals(List.of(shared), slots.claims(t, shared.owner()));
        assertTrue(slots.remove(shared));
        assertEquals(List.of(), slots.slots(t));
        assertEquals("ESRCH", assertThrows(WatchpointException.class,
                () -> slots.install(t, a, PAGE + 8, 8, Access.WRITE)).errno());
        assertNotEquals(0, taken(a).getFirst().ip());
    }
}
