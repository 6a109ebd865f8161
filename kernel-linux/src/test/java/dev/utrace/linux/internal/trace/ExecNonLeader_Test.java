package dev.utrace.linux.internal.trace;

import static dev.utrace.linux.internal.trace.ForkVforkExec_Test.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.linux.internal.sys.Wait;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * exec by a thread that is not the leader: the kernel reports the exec on the leader's pid, with
 * the exec'ing thread's former tid as the event message; that tid vanishes without an exit
 * report, and the old leader reports PTRACE_EVENT_EXIT but never an exit status.
 */
class ExecNonLeader_Test extends TracerTestBase {

    @Test
    @DisplayName("a non-leader's exec: the exec'ing tracee takes the leader's tid; the old leader ends REPLACED_BY_EXEC before the EXEC stop")
    void execByNonLeader() throws Exception {
        Map<Integer, Tracee> firstSeen = new ConcurrentHashMap<>();
        Tracee[] execer = new Tracee[1];
        recorder.policy = (t, stop) -> {
            if (stop.kind() == StopKind.EXEC) execer[0] = t;
            else firstSeen.putIfAbsent(t.tid(), t);
            return null;
        };
        Spawned s = spawn("mtexec");
        int pid = s.pid();
        assertEquals(Wait.exitedStatus(0), exit(s));

        List<Recorder.Event> clones = recorder.select(e -> e.tid() == pid && e.is(StopKind.CLONE));
        assertEquals(2, clones.size(), "a sleeper and an exec'ing thread: " + recorder.all());
        int sleeper = clones.get(0).child();
        int former = clones.get(1).child();
        assertEquals("after exec: pid " + pid + ", formerly thread " + former + "\n", stdout(s));

        List<Recorder.Event> all = recorder.all();
        Recorder.Event exec = only(recorder.select(e -> e.formerTid() != e.tid()), StopKind.EXEC);
        assertEquals(pid, exec.tid(), "the exec is reported on the leader's tid");
        assertEquals(former, exec.formerTid());
        assertSame(firstSeen.get(former), execer[0], "the exec'ing thread's tracee lives on");
        assertEquals(pid, execer[0].tid(), "... under the leader's tid");

        Recorder.Event exitEvent = all.stream().filter(e -> e.tid() == pid && e.is(StopKind.EXIT)).findFirst().orElseThrow();
        Recorder.Event replaced = all.stream().filter(e -> e.end() == End.REPLACED_BY_EXEC).findFirst().orElseThrow();
        assertEquals(pid, replaced.tid(), "the old leader is replaced");
        assertTrue(all.indexOf(exitEvent) < all.indexOf(replaced) && all.indexOf(replaced) < all.indexOf(exec),
                "old leader: PTRACE_EVENT_EXIT, then replaced, then the EXEC stop: " + all);
        assertTrue(all.get(all.indexOf(exec) + 1).is(StopKind.SYSCALL_EXIT), "execve returns on the leader's tid next");
        assertTrue(all.stream().noneMatch(e -> e.tid() == former && e.kind().equals("END")), "the former tid vanishes silently");
        assertTrue(all.stream().anyMatch(e -> e.tid() == sleeper && e.end() == End.EXITED), "the sibling exits: " + all);
        assertEquals(1, all.stream().filter(e -> e.tid() == pid && e.end() == End.EXITED).count(), "the new image exits once");
    }
}
