package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.SlotInfo;
import dev.utrace.api.hw.Watchpoint;
import dev.utrace.api.hw.WatchpointException;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The allocator's slot rules: sharing, refcounts, refusals at request time, DR7, who may write it. */
class DebugSlots_AllocationTest extends SlotsFixture {
    final Owner a = new Owner("owner A");
    final Owner b = new Owner("owner B");

    /** An idle task (pause in a loop), sleeping. */
    SimTask idle() {
        int pid = sim.spawn("idle");
        Sim.await("idle sleeps", () -> sim.machine.info(pid).state() == TaskState.SLEEPING);
        return sim.task(pid);
    }

    @Test
    @DisplayName("the same range and access shares one slot, counted: it is freed when its last claim is removed; remove is true once")
    void sharing() {
        SimTask t = idle();
        Watchpoint wa = slots.install(t, a, PAGE, 8, Access.WRITE);
        Watchpoint wb = slots.install(t, b, PAGE, 8, Access.WRITE);
        Watchpoint wa2 = slots.install(t, a, PAGE, 8, Access.WRITE);
        assertEquals(0, wb.slot());
        assertEquals(0, wa2.slot());
        List<SlotInfo> used = slots.slots(t);
        assertEquals(1, used.size());
        assertEquals(List.of(wa, wb, wa2), used.getFirst().claims());
        assertEquals(List.of(wa, wa2), slots.claims(t, a));
        assertEquals(List.of(wb), slots.claims(t, b));
        assertTrue(slots.remove(wa));
        assertFalse(slots.remove(wa), "a second remove of the same claim answers false");
        assertTrue(slots.remove(wb));
        assertTrue(wa2.armed(), "one claim left: the slot stays armed");
        assertEquals(1, slots.slots(t).size());
        assertTrue(slots.remove(wa2));
        assertEquals(List.of(), slots.slots(t));
        assertFalse(wa.installed() || wb.installed() || wa2.installed() || wa2.armed());
    }

    @Test
    @DisplayName("R-HBP-4 ENOSPC when four other ranges hold the slots, at request time, changing nothing; the message names them")
    void noSpace() {
        SimTask t = idle();
        for (int i = 0; i < 4; i++) slots.install(t, i < 2 ? a : b, PAGE + 8L * i, 8, Access.WRITE);
        List<SlotInfo> before = slots.slots(t);
        WatchpointException e = assertThrows(WatchpointException.class, () -> slots.install(t, a, PAGE + 64, 4, Access.READ_WRITE));
        assertEquals("ENOSPC", e.errno());
        assertEquals("ENOSPC: all 4 debug slots of thread " + t.tid() + " are in use (0: 0x10000000/8 w by owner A;"
                + " 1: 0x10000008/8 w by owner A; 2: 0x10000010/8 w by owner B; 3: 0x10000018/8 w by owner B), so"
                + " 0x10000040/4 rw cannot be watched; remove a watchpoint on that thread first, or watch one of those"
                + " ranges with the same access, which shares its slot", e.getMessage());
        assertEquals(before, slots.slots(t), "nothing changed");
        Watchpoint shared = slots.install(t, a, PAGE + 8, 8, Access.WRITE);
        assertEquals(1, shared.slot(), "a range already watched still fits: it shares");
    }

    @Test
    @DisplayName("EINVAL for a bad length, a misaligned or non-user address, or a kernel thread; nothing changes")
    void invalid() {
        SimTask t = idle();
        assertEquals("EINVAL: length 3 cannot be watched; use 1, 2, 4 or 8 bytes", refused(t, PAGE, 3).getMessage());
        assertEquals("EINVAL: address 0x10000004 is not aligned to its length 8; use a multiple of 8 (e.g. 0x10000000)",
                refused(t, PAGE + 4, 8).getMessage());
        assertEquals("EINVAL: address 0xffff800000000000 is not in user space; watch an address below 0x7ffffffff000",
                refused(t, 0xffff_8000_0000_0000L, 8).getMessage());
        assertEquals("EINVAL", refused(t, 0x7FFF_FFFF_F000L, 1).errno(), "the first byte past user space");
        SimTask init = sim.task(1);
        assertEquals("EINVAL: task 1 is a kernel thread (init); it runs no user code to watch",
                assertThrows(WatchpointException.class, () -> slots.install(init, a, PAGE, 8, Access.WRITE)).getMessage());
        assertEquals(List.of(), slots.slots(t));
        assertEquals(0x7FFF_FFFF_EFF8L, slots.install(t, a, 0x7FFF_FFFF_EFF8L, 8, Access.WRITE).address(), "the last 8 user bytes");
    }

    private WatchpointException refused(SimTask t, long address, int length) {
        return assertThrows(WatchpointException.class, () -> slots.install(t, a, address, length, Access.WRITE));
    }

    @Test
    @DisplayName("R-HBP-4 ESRCH on a thread that has begun to exit (from its EXIT report on) and on a zombie")
    void exiting() {
        List<String> inExit = new java.util.concurrent.CopyOnWriteArrayList<>();
        RecordingHooks.Event[] seen = new RecordingHooks.Event[1];
        hooks.stopAt(e -> {
            if (e.hook().equals("exit") && e.task().tid() != 1) {
                seen[0] = e;
                try {
                    slots.install(e.task(), a, PAGE, 8, Access.WRITE);
                    inExit.add("installed");
                } catch (WatchpointException x) {
                    inExit.add(x.getMessage());
                }
            }
            return false;
        });
        sim.program("nowait", "    fork", "    jz rax, child", "p:  pause", "    jmp p", "child:", "    exit 3");
        int parent = sim.spawn("nowait");
        Sim.await("the child is a zombie", () -> sim.machine.tasks().stream()
                .anyMatch(i -> i.ppid() == parent && i.state() == TaskState.ZOMBIE));
        int child = sim.machine.tasks().stream().filter(i -> i.ppid() == parent).findFirst().orElseThrow().tid();
        assertEquals(List.of("ESRCH: thread " + child + " has begun to exit (EXITING); a watchpoint can no longer be installed on it"),
                inExit);
        WatchpointException e = assertThrows(WatchpointException.class, () -> slots.install(sim.task(child), a, PAGE, 8, Access.WRITE));
        assertEquals("ESRCH", e.errno());
        assertTrue(e.getMessage().contains("(ZOMBIE)"), e.getMessage());
        sim.machine.kill(parent, Signals.SIGKILL);
        sim.waitExit(parent);
    }

    @Test
    @DisplayName("DR0-DR3 and DR7 read as the armed slots compose them (0x9f510055 for b/w1, h/w2, w/rw4, q/w8)")
    void dr7Composed() {
        SimTask t = idle();
        slots.install(t, a, PAGE, 1, Access.WRITE);
        slots.install(t, a, PAGE + 2, 2, Access.WRITE);
        slots.install(t, b, PAGE + 4, 4, Access.READ_WRITE);
        slots.install(t, b, PAGE + 8, 8, Access.WRITE);
        long[] regs = readHeld(t, Reg.DR0, Reg.DR1, Reg.DR2, Reg.DR3, Reg.DR7);
        assertEquals(List.of(PAGE, PAGE + 2, PAGE + 4, PAGE + 8, 0x9f510055L),
                java.util.Arrays.stream(regs).boxed().toList(), "the value linux-backend.md section 6 read back");
    }

    @Test
    @DisplayName("a direct write of DR0-DR3 or DR7 is refused and points at DebugSlots; DR6 stays writable")
    void directWritesRefused() {
        SimTask t = idle();
        Watchpoint w = slots.install(t, a, PAGE, 8, Access.WRITE);
        holdAtNextSignal(t);
        Sim.await("held", t::isUtraceStopped);
        for (Reg r : List.of(Reg.DR0, Reg.DR3, Reg.DR7)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.setRegister(r, 0));
            assertTrue(e.getMessage().startsWith(r + " cannot be written directly: the debug slots are shared by their owners"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("DebugSlots service (dev.utrace.api.hw)"), e.getMessage());
        }
        t.setRegister(Reg.DR6, 0x4001);
        assertEquals(0x4001, t.register(Reg.DR6));
        assertEquals(1 | (0b01L << 16) | (0b10L << 18), t.register(Reg.DR7), "unchanged by the refused writes");
        assertTrue(w.armed());
        hooks.releaseStops();
    }

    /** Reads registers of {@code t} while the stand-in core holds it at its next signal check. */
    private long[] readHeld(SimTask t, Reg... regs) {
        holdAtNextSignal(t);
        long[] out = new long[regs.length];
        for (int i = 0; i < regs.length; i++) out[i] = t.register(regs[i]);
        hooks.releaseStops();
        return out;
    }

    /** Holds {@code t} in a (stand-in) utrace stop, where its registers may be used from here. */
    private void holdAtNextSignal(SimTask t) {
        hooks.wantIgnored = true; // SIGCHLD is ignored by default; this queues it, so the task passes getSignal
        hooks.stopAt(e -> e.hook().equals("getSignal") && e.task() == t);
        sim.machine.kill(t.tid(), Signals.SIGCHLD);
        Sim.await("held", t::isUtraceStopped);
    }

    @Test
    @DisplayName("installed on a running thread from another, a claim takes effect at once; after remove returns, no hit is recorded")
    void crossThread() {
        program("spin", "loop:", "    store8 " + PAGE + ", rcx", "    add rcx, 1", "    getpid", "    jmp loop");
        owners.add(a);
        int pid = sim.spawn("spin");
        SimTask t = sim.task(pid);
        Sim.await("spinning", () -> sim.hooks.of("syscallEntry", t).size() > 10);
        Watchpoint w = slots.install(t, a, PAGE, 8, Access.WRITE);
        Sim.await("a hit", () -> taken(a).size() >= 3);
        assertTrue(slots.remove(w));
        // Traps recorded before the remove are still reported; two more rounds and all have been.
        int rounds = sim.hooks.of("syscallEntry", t).size();
        Sim.await("two more rounds", () -> sim.hooks.of("syscallEntry", t).size() >= rounds + 2);
        int hits = taken(a).size();
        int trapCount = traps.size();
        int later = sim.hooks.of("syscallEntry", t).size();
        Sim.await("100 more rounds", () -> sim.hooks.of("syscallEntry", t).size() >= later + 100);
        assertEquals(hits, taken(a).size(), "no hit after remove returned");
        assertEquals(trapCount, traps.size(), "no SIGTRAP either");
        assertSame(w, taken(a).getFirst().watchpoint());
        sim.machine.kill(pid, Signals.SIGKILL);
        sim.waitExit(pid);
    }
}
