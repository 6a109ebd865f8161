package dev.utrace.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.spi.TracedTask;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Following new tasks from report_clone, and the multithreaded exec, on the real machine. */
class CoreOnSim_CloneExecTest extends CoreOnSimFixture {

    @Test
    @DisplayName("R-ATT-8, R-EVT-ORD-7: an engine attached in report_clone holds the child before its first instruction")
    void holdTheChildFromReportClone() {
        program("forkprint", """
                # forks a child that prints, and waits for it
                    fork
                    jz rax, child
                    wait
                    exit 0
                child:
                    print "child ran\\n"
                    exit 3
                """);
        int pid = spawnStopped("forkprint");
        Engine[] childEngine = new Engine[1];
        TracedTask[] childTask = new TracedTask[1];
        EngineOps childOps = new EngineOps() {
            volatile boolean hold = true;

            @Override
            public ResumeAction reportQuiesce(ResumeAction action, Engine engine, Task task, Event event) {
                return hold ? ResumeAction.STOP : ResumeAction.RESUME;
            }
        };
        EngineOps parentOps = new EngineOps() {
            @Override
            public ResumeAction reportClone(ResumeAction action, Engine engine, Task parent, long flags, Task child) {
                Engine e = utrace.attach(child, AttachFlags.CREATE, childOps, null).engine();
                utrace.setEvents(child, e, Event.mask(Event.QUIESCE));
                Outcome o = utrace.control(child, e, ResumeAction.STOP);
                assertEquals(Outcome.IN_PROGRESS, o, "the child has not run yet, so the stop comes at its first resume point");
                childEngine[0] = e;
                childTask[0] = (TracedTask) child;
                return ResumeAction.RESUME;
            }
        };
        Engine parent = attach(task(pid), parentOps, Event.mask(Event.CLONE));
        parent.put();
        sim.kill(pid, Signals.SIGCONT);
        await("the child exists and is held", () -> childTask[0] != null && childTask[0].state() == TaskState.TRACED);
        assertEquals("", sim.console(pid), "the child ran no instruction before the engine let it go");
        Engine e = childEngine[0];
        assertNotNull(e);
        utrace.control(childTask[0], e, ResumeAction.DETACH);
        WaitStatus status = waitExit(pid);
        assertTrue(status.isExited() && status.exitCode() == 0, status.toString());
        assertEquals("child ran\n", sim.console(pid));
        e.put();
    }

    @Test
    @DisplayName("R-EVT-ORD-6, R-EVT-2, R-EVT-ORD-5: a non-leader's exec reaps the old leader in the exec'ing thread; its engines survive and get EXEC; the pid finds it")
    void multithreadedExecByANonLeader() {
        int pid = spawnStopped("mt-exec", "1");
        List<String> log = new CopyOnWriteArrayList<>();
        Map<String, Thread> threadOf = new ConcurrentHashMap<>();
        TracedTask leader = task(pid);
        EngineOps threadOps = new EngineOps() {
            @Override
            public ResumeAction reportExec(ResumeAction action, Engine engine, Task task, String format, ExecInfo exec) {
                threadOf.put("exec", Thread.currentThread());
                log.add("exec by " + task.tid() + " " + exec.filename());
                assertSame(task, sim.findTask(pid), "after de_thread the leader's pid names the exec'ing task");
                return ResumeAction.RESUME;
            }
        };
        EngineOps leaderOps = new EngineOps() {
            @Override
            public ResumeAction reportClone(ResumeAction action, Engine engine, Task parent, long flags, Task child) {
                Engine e = utrace.attach(child, AttachFlags.CREATE, threadOps, null).engine();
                utrace.setEvents(child, e, Event.mask(Event.EXEC));
                e.put();
                return ResumeAction.RESUME;
            }

            @Override
            public void reportReap(Engine engine, Task task) {
                threadOf.put("leader reap", Thread.currentThread());
                log.add("leader reaped");
            }
        };
        Engine e = attach(leader, leaderOps, Event.mask(Event.CLONE, Event.REAP));
        e.put();
        sim.kill(pid, Signals.SIGCONT);
        WaitStatus status = waitExit(pid);
        assertTrue(status.isExited() && status.exitCode() == 0, status.toString());
        assertEquals("hello, world\n", sim.console(pid).substring(sim.console(pid).length() - "hello, world\n".length()));
        assertTrue(log.contains("leader reaped"), log.toString());
        assertEquals(1, log.stream().filter(s -> s.startsWith("exec by " + pid + " ")).count(), log.toString());
        assertSame(threadOf.get("exec"), threadOf.get("leader reap"),
                "the old leader is released in the exec'ing thread's context");
        assertTrue(log.indexOf("leader reaped") < log.indexOf(log.stream().filter(s -> s.startsWith("exec")).findFirst().orElseThrow()),
                "de_thread releases the old leader before the exec report: " + log);
    }
}
