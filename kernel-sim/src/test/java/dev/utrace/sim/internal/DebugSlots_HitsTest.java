package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.WatchHit;
import dev.utrace.api.hw.Watchpoint;
import dev.utrace.api.task.Signals;
import dev.utrace.api.proc.WaitStatus;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What a watchpoint trap records and raises: lengths, kinds, values, ip, DR6, the SIGTRAP. */
class DebugSlots_HitsTest extends SlotsFixture {
    final Owner me = new Owner("test owner");

    @Test
    @DisplayName("a write of each length (1, 2, 4, 8) hits its watchpoint: access, old and new value, ip after the store")
    void eachLength() {
        program("lengths",
                "    mov rax, 0x1122334455667788",
                "    store1 " + (PAGE) + ", 0xab",
                "    store2 " + (PAGE + 0x10) + ", 0xbeef",
                "    store4 " + (PAGE + 0x20) + ", 0xdeadbeef",
                "    store8 " + (PAGE + 0x30) + ", rax",
                "    store8 " + (PAGE + 0x30) + ", 7");
        owners.add(me);
        int pid = spawnStopped("lengths");
        SimTask t = sim.task(pid);
        for (int len : new int[] {1, 2, 4, 8}) {
            slots.install(t, me, PAGE + 0x10L * Integer.numberOfTrailingZeros(len), len, Access.WRITE);
        }
        cont(pid);
        assertEquals(WaitStatus.exited(0), sim.waitExit(pid), "every SIGTRAP was consumed; the program ran to its end");
        List<WatchHit> hits = taken(me);
        assertEquals(5, hits.size(), hits::toString);
        long[][] expected = { // address, length, old, new
                {PAGE, 1, 0, 0xab}, {PAGE + 0x10, 2, 0, 0xbeef}, {PAGE + 0x20, 4, 0, 0xdeadbeefL},
                {PAGE + 0x30, 8, 0, 0x1122334455667788L}, {PAGE + 0x30, 8, 0x1122334455667788L, 7}};
        for (int i = 0; i < expected.length; i++) {
            WatchHit h = hits.get(i);
            assertEquals(expected[i][0], h.address(), "hit " + i);
            assertEquals(expected[i][1], h.length(), "hit " + i);
            assertEquals(expected[i][2], h.oldValue(), "hit " + i);
            assertEquals(expected[i][3], h.newValue(), "hit " + i);
            assertTrue(h.write());
            assertEquals(h.address(), h.watchpoint().address(), "the claim of that range");
            // x86 reports a data breakpoint after the instruction: ip is the next one, the store is before it.
            assertInstanceOf(Instr.Store.class, t.proc.program.at(h.ip() - Program.INSTR_SIZE), "hit " + i);
        }
        assertEquals(5, traps.size(), traps::toString);
        for (int i = 0; i < traps.size(); i++) {
            int slot = hits.get(i).watchpoint().slot();
            String ip = "0x" + Long.toHexString(hits.get(i).ip());
            assertEquals("code=" + Signals.TRAP_HWBKPT + " addr=" + ip + " rip=" + ip + " dr6=0x" + Integer.toHexString(1 << slot),
                    traps.get(i), "SIGTRAP/TRAP_HWBKPT, si_addr = rip = the hit's ip, DR6 names the slot");
        }
    }

    @Test
    @DisplayName("a write watchpoint ignores reads; a read/write one reports them with old == new, and writes")
    void kinds() {
        program("kinds",
                "    store8 " + PAGE + ", 5",
                "    load8 rbx, " + PAGE,
                "    load2 rbx, " + (PAGE + 6),
                "    load1 rbx, " + (PAGE + 8),
                "    store4 " + (PAGE + 4) + ", 9");
        Owner w = new Owner("w"), rw = new Owner("rw");
        owners.addAll(List.of(w, rw));
        int pid = spawnStopped("kinds");
        SimTask t = sim.task(pid);
        Watchpoint ww = slots.install(t, w, PAGE, 8, Access.WRITE);
        Watchpoint wrw = slots.install(t, rw, PAGE, 8, Access.READ_WRITE);
        assertTrue(ww.slot() != wrw.slot(), "a different access takes a slot of its own");
        cont(pid);
        assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
        assertEquals(List.of("w 0->5", "w 5->0x900000005"), describe(taken(w)));
        assertEquals(List.of("w 0->5", "r 5->5", "r 5->5", "w 5->0x900000005"), describe(taken(rw)),
                "the load at +8 does not touch the range; the 2-byte load at +6 does");
    }

    private static List<String> describe(List<WatchHit> hits) {
        return hits.stream().map(h -> (h.write() ? "w " : "r ") + hex(h.oldValue()) + "->" + hex(h.newValue())).toList();
    }

    private static String hex(long v) {
        return v < 10 ? Long.toString(v) : "0x" + Long.toHexString(v);
    }

    @Test
    @DisplayName("R-HBP-3 a new thread inherits no slot: its write does not trap, its DR7 reads 0")
    void notInheritedByClone() {
        program("thr",
                "    thread child",
                "wait:",
                "    yield",
                "    load8 rbx, " + PAGE + "      # until the child stored (a read: no trap for a write watch)",
                "    jz rbx, wait",
                "    store8 " + PAGE + ", 1",
                "    exit_group 0",
                "child:",
                "    gettid",
                "    store8 " + PAGE + ", 2",
                "    pause");
        List<Long> childDr7 = new java.util.concurrent.CopyOnWriteArrayList<>();
        hooks.onEvent = (h, task) -> {
            if (h.equals("syscallEntry") && task.register(dev.utrace.api.task.Reg.ORIG_RAX) == SyscallTable.GETTID) {
                childDr7.add(task.register(dev.utrace.api.task.Reg.DR7));
            }
        };
        owners.add(me);
        int pid = spawnStopped("thr");
        slots.install(sim.task(pid), me, PAGE, 8, Access.WRITE);
        cont(pid);
        assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
        assertEquals(List.of(0L), childDr7);
        assertEquals(List.of("w 2->1"), describe(taken(me)), "only the parent's store trapped, after the child's");
    }
}
