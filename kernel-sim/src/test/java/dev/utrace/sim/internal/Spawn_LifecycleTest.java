package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.proc.ProcessException;
import dev.utrace.api.proc.WaitStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class Spawn_LifecycleTest {

    @Test
    void helloPrintsAndExitsZero() {
        try (Sim sim = new Sim()) {
            int pid = sim.spawn("hello");
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
            assertEquals("hello, world\n", sim.machine.console(pid));
        }
    }

    @Test
    void counterTakesItsArgument() {
        try (Sim sim = new Sim()) {
            int pid = sim.spawn("counter", "3");
            sim.waitExit(pid);
            assertEquals("1\n2\n3\n", sim.machine.console(pid));
        }
    }

    @Test
    void unknownProgramIsAClearErrorAndSpawnsNothing() {
        try (Sim sim = new Sim()) {
            int before = sim.machine.tasks().size();
            ProcessException e = assertThrows(ProcessException.class, () -> sim.spawn("helo"));
            assertTrue(e.getMessage().contains("no program named 'helo'") && e.getMessage().contains("hello"), e.getMessage());
            assertEquals(before, sim.machine.tasks().size());
        }
    }

    @Test
    void nonNumericArgumentIsRefused() {
        try (Sim sim = new Sim()) {
            ProcessException e = assertThrows(ProcessException.class, () -> sim.machine.spawn("counter", List.of("three")));
            assertTrue(e.getMessage().contains("'three' is not a number"), e.getMessage());
        }
    }

    @Test
    void argumentsBeyond64BitsAreRefusedAndNothingStarts() {
        try (Sim sim = new Sim()) {
            int before = sim.machine.tasks().size();
            for (String big : List.of("99999999999999999999", "18446744073709551616", "-9223372036854775809", "0x10000000000000000")) {
                ProcessException e = assertThrows(ProcessException.class, () -> sim.machine.spawn("idle", List.of(big)));
                assertEquals("argument '" + big + "' does not fit in 64 bits; use -9223372036854775808 to"
                        + " 18446744073709551615 (0xffffffffffffffff)", e.getMessage());
            }
            assertEquals(before, sim.machine.tasks().size(), "nothing started");
            assertEquals(-1L, ExecPath.number("18446744073709551615"), "the largest unsigned value is all ones");
            assertEquals(Long.MIN_VALUE, ExecPath.number("-9223372036854775808"));
        }
    }

    @Test
    void closingKillsEveryTaskAndRefusesNewOnes() {
        Sim sim = new Sim();
        int pid = sim.spawn("idle");
        sim.close();
        assertEquals(dev.utrace.api.proc.WaitStatus.signaled(dev.utrace.api.task.Signals.SIGKILL, false), sim.waitExit(pid));
        ProcessException e = assertThrows(ProcessException.class, () -> sim.spawn("hello"));
        assertEquals("the machine is shut down; start a new one to spawn tasks", e.getMessage());
    }
}
