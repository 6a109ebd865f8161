package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.linux.internal.sys.Signals;
import dev.utrace.linux.internal.sys.Wait;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** fork and vfork children are traced processes of their own from their first instruction, and each exec is seen. */
class ForkVforkExec_Test extends TracerTestBase {

    @Test
    @DisplayName("fork and vfork children: announced by FORK/VFORK, stop ATTACHED, exec (EXEC), exit with their codes; VFORK_DONE and SIGCHLD reach the parent")
    void forkVforkExec() throws Exception {
        Spawned s = spawn("forks");
        int pid = s.pid();
        assertEquals(Wait.exitedStatus(7), exit(s));

        List<Recorder.Event> parent = recorder.of(pid);
        int forked = only(parent, StopKind.FORK).child();
        int vforked = only(parent, StopKind.VFORK).child();
        assertEquals("fork " + forked + " exited 5, vfork " + vforked + " exited 6\n", stdout(s));
        assertEquals(vforked, only(parent, StopKind.VFORK_DONE).message(), "VFORK_DONE names the vfork child");
        assertTrue(parent.stream().anyMatch(e -> e.is(StopKind.SIGNAL) && e.signal() == Signals.SIGCHLD), "SIGCHLD stops: " + parent);
        assertEquals(End.EXITED, parent.get(parent.size() - 1).end());

        checkChild(forked, 5);
        checkChild(vforked, 6);
        assertTrue(parent.indexOf(only(parent, StopKind.VFORK)) < parent.indexOf(only(parent, StopKind.VFORK_DONE)));
    }

    private void checkChild(int child, int code) {
        List<Recorder.Event> events = recorder.of(child);
        assertEquals(StopKind.ATTACHED.name(), events.get(0).kind(), "first stop of " + child + ": " + events);
        assertEquals(child, events.get(0).pid(), "a fork child is a process of its own");
        Recorder.Event exec = only(events, StopKind.EXEC);
        assertEquals(child, exec.formerTid());
        Recorder.Event afterExec = events.get(events.indexOf(exec) + 1);
        assertTrue(afterExec.is(StopKind.SYSCALL_EXIT) && afterExec.value() == 0 && !afterExec.error(),
                "the exit of execve follows the EXEC event: " + afterExec);
        assertTrue(events.stream().anyMatch(e -> e.is(StopKind.EXIT) && e.message() == Wait.exitedStatus(code)),
                "PTRACE_EVENT_EXIT carries the status to be: " + events);
        Recorder.Event end = events.get(events.size() - 1);
        assertEquals(End.EXITED, end.end());
        assertEquals(Wait.exitedStatus(code), end.status());
    }

    static Recorder.Event only(List<Recorder.Event> events, StopKind kind) {
        List<Recorder.Event> found = events.stream().filter(e -> e.is(kind)).toList();
        assertEquals(1, found.size(), "one " + kind + " in " + events);
        return found.get(0);
    }
}
