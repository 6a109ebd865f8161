package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Event;
import dev.utrace.api.proc.WaitStatus;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * New tasks on real processes: threads, fork and vfork children, exec, and exec by a thread that
 * is not the leader; an engine that follows each child from its CLONE report sees the child's
 * very first event (the return from the syscall), R-EVT-ORD-7.
 */
class Tasks_CloneExecTest extends MachineFixture {
    private static final long LIFE = Recorder.all(Event.EXEC, Event.EXIT, Event.DEATH, Event.REAP, Event.CLONE);

    @Test
    @DisplayName("threads R-EVT-ORD-7: each new thread is reported to its parent before it runs; its first event is its clone's return (0)")
    void threads() {
        int pid = spawnStopped("threads", "2", "3");
        Recorder rec = new Recorder();
        rec.follow = utrace;
        rec.childEvents = LIFE | Event.SYSCALL;
        attach(task(pid), rec, LIFE | Event.SYSCALL);
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        await("the leader reaped", () -> rec.saw(pid + " reap"));
        List<String> clones = rec.matching(l -> l.startsWith(pid + " clone "));
        assertEquals(6, clones.size(), rec.all()::toString);
        for (String c : clones) {
            int tid = Integer.parseInt(c.substring(c.lastIndexOf(' ') + 1));
            List<String> own = rec.matching(l -> l.startsWith(tid + " "));
            assertEquals(tid + " exit 0", own.get(0), () -> "first event of thread " + tid + ": " + own);
            assertTrue(own.contains(tid + " entry 186"), () -> "its gettid: " + own);
            assertEquals(List.of(tid + " death", tid + " reap"), own.subList(own.size() - 2, own.size()), own::toString);
            assertTrue(rec.all().indexOf(c) < rec.all().indexOf(own.get(0)), "CLONE report before the child's first event");
        }
        assertEquals("threads 6\n", console(pid, "threads"));
    }

    @Test
    @DisplayName("fork, vfork and exec: CLONE reports in the parent, EXEC in each child, the statuses the parent reaps")
    void forkVforkExec() {
        int pid = spawnStopped("forks");
        Recorder rec = new Recorder();
        rec.follow = utrace;
        rec.childEvents = LIFE;
        attach(task(pid), rec, LIFE);
        cont(pid);
        WaitStatus st = waitExit(pid);
        assertEquals(WaitStatus.exited(7), st);
        String out = console(pid, "vfork");
        List<String> clones = rec.matching(l -> l.startsWith(pid + " clone "));
        assertEquals(2, clones.size(), rec.all()::toString);
        for (String c : clones) {
            int child = Integer.parseInt(c.substring(c.lastIndexOf(' ') + 1));
            await("child " + child + " reaped", () -> rec.saw(child + " reap"));
            List<String> own = rec.matching(l -> l.startsWith(child + " "));
            assertTrue(own.get(0).startsWith(child + " exec /proc/self/exe"), own::toString);
            assertTrue(out.contains(" " + child + " exited "), out);
        }
        assertTrue(out.matches("fork \\d+ exited 5, vfork \\d+ exited 6\n"), out);
    }

    @Test
    @DisplayName("R-EVT-ORD-6 exec by a non-leader: the old leader dies and is reaped, the exec'ing task reports EXEC under the leader's tid")
    void execByNonLeader() {
        int pid = spawnStopped("mtexec");
        Recorder rec = new Recorder();
        rec.follow = utrace;
        rec.childEvents = LIFE;
        LinuxTask leader = task(pid);
        attach(leader, rec, LIFE);
        cont(pid);
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        String out = console(pid, "after exec");
        List<String> clones = rec.matching(l -> l.startsWith(pid + " clone "));
        assertEquals(2, clones.size(), rec.all()::toString);
        int execer = Integer.parseInt(clones.get(1).substring(clones.get(1).lastIndexOf(' ') + 1));
        assertEquals("after exec: pid " + pid + ", formerly thread " + execer + "\n", out);
        List<String> all = rec.all();
        // The old leader (now known by the exec'ing thread's former tid) dies and is reaped before the EXEC report.
        int exec = all.indexOf(pid + " exec /proc/self/exe");
        assertTrue(exec > 0, all::toString);
        assertTrue(all.indexOf(execer + " reap") >= 0 && all.indexOf(execer + " reap") < exec, all::toString);
        await("the new leader reaped", () -> rec.saw(pid + " reap"));
        assertEquals(TaskStateProbe.GONE, TaskStateProbe.of(machine, execer));
    }

    /** Whether a tid is still a task of the machine. */
    enum TaskStateProbe {
        LIVE, GONE;

        static TaskStateProbe of(LinuxMachine m, int tid) {
            return m.findTask(tid) == null ? GONE : LIVE;
        }
    }
}
