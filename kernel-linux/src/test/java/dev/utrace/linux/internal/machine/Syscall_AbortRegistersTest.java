package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.api.Examination;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.WatchpointException;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Task;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Syscall entry on a real thread: an aborted syscall is skipped and returns what the engine
 * stored (-ENOSYS by default); registers and memory are readable and writable in callbacks and
 * while an engine holds the task stopped, and nowhere else; debug registers only through the
 * debug slots.
 */
class Syscall_AbortRegistersTest extends MachineFixture {
    private static final int SYS_GETPPID = 110;
    private static final int ENOSYS = 38;

    /** Aborts the marker getppid of the regs workload; stores {@code result} in rax unless it is null. */
    static final class AbortMarker extends Recorder {
        final Long result;

        AbortMarker(Long result) {
            this.result = result;
        }

        @Override
        public int reportSyscallEntry(int action, Engine engine, Task task) {
            if (task.register(Reg.ORIG_RAX) != SYS_GETPPID) return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
            if (result != null) task.setRegister(Reg.RAX, result);
            return SyscallAction.ABORT.with(ResumeAction.RESUME);
        }
    }

    @Test
    @DisplayName("R-SYS-3 an aborted syscall is skipped and returns -ENOSYS, or the value the engine stored in rax")
    void abortedSyscall() {
        int pid = spawnStopped("regs");
        AbortMarker rec = new AbortMarker(null);
        attach(task(pid), rec, Event.SYSCALL);
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertEquals("buf=original ro=constant ret=-1\n", console(pid, "buf="), "glibc's syscall(): -1 with errno ENOSYS");
        assertTrue(rec.saw(pid + " exit " + -ENOSYS), rec.all()::toString);

        int second = spawnStopped("regs");
        attach(task(second), new AbortMarker(77L), Event.mask(Event.SYSCALL_ENTRY));
        cont(second);
        assertEquals(WaitStatus.exited(0), waitExit(second));
        assertEquals("buf=original ro=constant ret=77\n", console(second, "buf="));
    }

    @Test
    @DisplayName("R-EXAM-3 registers and memory of a task an engine holds stopped: read and written from another thread; refused once it runs")
    void examineWhileHeld() {
        int pid = spawnStopped("regs");
        AtomicLong buf = new AtomicLong();
        Recorder hold = new Recorder() {
            @Override
            public int reportSyscallEntry(int action, Engine engine, Task task) {
                if (task.register(Reg.ORIG_RAX) != SYS_GETPPID) return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
                buf.set(task.register(Reg.RDI));
                return (action & SyscallAction.MASK) | ResumeAction.STOP.code();
            }
        };
        LinuxTask t = task(pid);
        Engine e = attach(t, hold, Event.mask(Event.SYSCALL_ENTRY));
        cont(pid);
        await("held at the marker", () -> buf.get() != 0 && t.isUtraceStopped());
        Examination exam = new Examination();
        assertEquals(Outcome.DONE, utrace.prepareExamine(t, e, exam));
        assertEquals(SYS_GETPPID, t.register(Reg.ORIG_RAX));
        assertEquals(0x6c616e696769726fL, t.readMemory(buf.get(), 8), "\"original\" little-endian");
        t.writeMemory(buf.get(), 8, 0x0064656863746170L); // "patched"
        t.setRegister(Reg.ORIG_RAX, 39); // getpid instead: returns the pid
        assertThrows(IllegalArgumentException.class, () -> t.setRegister(Reg.DR7, 1), "DR7 belongs to the debug slots");
        assertEquals(Outcome.DONE, utrace.finishExamine(t, e, exam));
        assertEquals(Outcome.DONE, utrace.control(t, e, ResumeAction.DETACH));
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertEquals("buf=patched ro=constant ret=" + pid + "\n", console(pid, "buf="));
        IllegalStateException gone = assertThrows(IllegalStateException.class, () -> t.register(Reg.RIP));
        assertTrue(gone.getMessage().contains("R-EXAM-3"), gone.getMessage());
    }

    @Test
    @DisplayName("R-HBP-3 a watchpoint is not inherited by a new thread; R-HBP-4 no install on a thread that has begun to exit")
    void slotsPerThread() {
        int pid = spawnStopped("threads", "1", "1");
        LinuxTask leader = task(pid);
        java.util.concurrent.ConcurrentLinkedQueue<String> seen = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Recorder installer = new Recorder() {
            @Override
            public ResumeAction reportClone(ResumeAction action, Engine engine, Task parent, long flags, Task c) {
                // Before the child runs: its slots are its own, empty; a claim made now is armed at its first stop.
                seen.add("child slots " + machine.slots(c).size());
                seen.add("child armed " + machine.install(c, "test", 0x1000, 8, Access.WRITE).armed());
                return ResumeAction.RESUME;
            }

            @Override
            public ResumeAction reportExit(ResumeAction action, Engine engine, Task task, long origCode, dev.utrace.api.task.ExitCode code) {
                try {
                    machine.install(task, "late", 0x2000, 4, Access.WRITE);
                    seen.add("installed while exiting");
                } catch (WatchpointException e) {
                    seen.add("exiting " + e.errno());
                }
                return ResumeAction.RESUME;
            }
        };
        assertTrue(machine.install(leader, "test", 0x3000, 4, Access.READ_WRITE).armed());
        assertEquals(1, machine.slots(leader).size());
        attach(leader, installer, Event.mask(Event.CLONE, Event.EXIT));
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        assertEquals("threads 1\n", console(pid, "threads"));
        assertEquals(java.util.List.of("child slots 0", "child armed true", "exiting ESRCH"), java.util.List.copyOf(seen));
    }

    @Test
    @DisplayName("R-HBP-1 claims of one range by two owners share a slot, freed when the last is removed; remove answers true once")
    void sharedSlot() {
        int pid = spawnStopped("holder");
        LinuxTask t = task(pid);
        dev.utrace.api.hw.Watchpoint a = machine.install(t, "a", 0x4000, 8, Access.WRITE);
        dev.utrace.api.hw.Watchpoint b = machine.install(t, "b", 0x4000, 8, Access.WRITE);
        dev.utrace.api.hw.Watchpoint c = machine.install(t, "a", 0x5000, 4, Access.READ_WRITE);
        assertEquals(a.slot(), b.slot());
        assertEquals(2, machine.slots(t).size());
        assertEquals(java.util.List.of(a, c), machine.claims(t, "a"));
        assertEquals(0x4000L, t.debug.read(Reg.DR0));
        assertTrue(machine.remove(a));
        assertTrue(!machine.remove(a), "once");
        assertEquals(2, machine.slots(t).size(), "b keeps the slot");
        assertTrue(machine.remove(b) && machine.remove(c));
        assertEquals(java.util.List.of(), machine.slots(t));
        assertEquals(0L, t.debug.read(Reg.DR7));
        machine.kill(pid, dev.utrace.api.task.Signals.SIGKILL);
        waitExit(pid);
    }
}
