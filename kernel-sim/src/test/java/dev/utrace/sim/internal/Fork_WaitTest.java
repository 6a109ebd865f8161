package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.CloneFlags;
import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.WaitStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class Fork_WaitTest {

    @Test
    void forkerReapsEveryChildWithItsStatus() {
        try (Sim sim = new Sim()) {
            int pid = sim.spawn("forker", "3");
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
            String out = sim.machine.console(pid);
            for (int i = 1; i <= 3; i++) assertTrue(out.contains("status " + (i << 8) + "\n"), out);
            List<RecordingHooks.Event> clones = sim.hooks.of("clone");
            assertEquals(3, clones.size());
            for (RecordingHooks.Event c : clones) {
                assertTrue(c.detail().startsWith("flags=0 "), c.detail());
                assertTrue(c.detail().endsWith("childState=RUNNING childSlot=null"), c.detail());
            }
        }
    }

    @Test
    void theChildDoesNotRunBeforeTheCloneHookReturns_R_EVT_ORD_7() {
        RecordingHooks hooks = new RecordingHooks();
        hooks.stopAt(e -> e.hook().equals("clone"));
        try (Sim sim = new Sim(hooks)) {
            sim.program("f1", "fork", "jz rax, child", "wait", "exit 0", "child: exit 2");
            int pid = sim.spawn("f1");
            Sim.await("the parent is held in its clone hook", () -> sim.task(pid).state() == TaskState.TRACED);
            RecordingHooks.Event clone = sim.hooks.of("clone").get(0);
            int child = Integer.parseInt(clone.detail().replaceAll(".*child=(\\d+).*", "$1"));
            SimTask c = sim.task(child);
            assertEquals(c, sim.machine.findTask(child), "the child is hashed before the hook");
            Thread.yield();
            assertTrue(sim.hooks.names(c).isEmpty(), "the child ran: " + sim.hooks.names(c));
            sim.hooks.releaseStops();
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
            assertEquals("syscallExit", sim.hooks.names(c).get(0), "the child first returns from fork");
        }
    }

    @Test
    void waitNohangAndEchild() {
        try (Sim sim = new Sim()) {
            sim.program("nh", "wait nohang", "print \"{rax}\\n\"", "fork", "jz rax, kid", "mov rbx, rax", "wait nohang",
                    "print \"{rax}\\n\"", "kill rbx, SIGKILL", "wait", "print \"{rdx}\\n\"", "exit 0",
                    "kid: pause", "jmp kid");
            int pid = sim.spawn("nh");
            sim.waitExit(pid);
            assertEquals("-10\n0\n9\n", sim.machine.console(pid));
        }
    }

    @Test
    void vforkParentWaitsUntilTheChildExecs() {
        try (Sim sim = new Sim()) {
            sim.program("vf", "vfork", "jz rax, kid", "print \"parent resumes\\n\"", "wait", "exit 0",
                    "kid: sleep 20", "print \"child execs\\n\"", "exec \"hello\"");
            int pid = sim.spawn("vf");
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
            String out = sim.machine.console(pid);
            assertTrue(out.indexOf("child execs\n") < out.indexOf("parent resumes\n") && out.indexOf("child execs") >= 0, out);
            RecordingHooks.Event clone = sim.hooks.of("clone").get(0);
            assertEquals("flags=" + (CloneFlags.CLONE_VM | CloneFlags.CLONE_VFORK), clone.detail().split(" ")[0]);
            List<String> parent = sim.hooks.names(clone.task());
            assertEquals("finishVfork", parent.get(parent.indexOf("clone") + 1));
        }
    }

    @Test
    void vforkParentWaitsUntilTheChildExits() {
        try (Sim sim = new Sim()) {
            sim.program("vx", "vfork", "jz rax, kid", "print \"parent\\n\"", "wait", "exit 0",
                    "kid: sleep 20", "print \"child\\n\"", "exit 0");
            int pid = sim.spawn("vx");
            sim.waitExit(pid);
            assertEquals("child\nparent\n", sim.machine.console(pid));
        }
    }
}
