package dev.utrace.passive.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.Utrace;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.passive.Kind;
import dev.utrace.passive.Stats;
import dev.utrace.passive.TraceEvent;
import dev.utrace.passive.TraceInfo;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PassiveTracerTest extends SimFixture {
    static final String KNOWN = """
            # known syscalls: getpid, an unknown one (ENOSYS), write, exit 3
                getpid
                mov rax, 999
                syscall
                print "hi\\n"
                exit 3
            """;

    static List<String> texts(List<TraceEvent> log) {
        return log.stream().map(TraceEvent::text).toList();
    }

    @Test
    @DisplayName("events: content and order, from the first instruction to death")
    void eventContentAndOrder() {
        program("known", KNOWN);
        int pid = spawnStopped("known");
        TraceInfo info = tracer.trace(pid, null, false);
        assertTrue(info.active());
        assertEquals(Kind.all(), info.events());
        cont(pid);
        waitExit(pid);
        awaitReleased(pid);
        List<TraceEvent> log = tracer.log(pid, 100);
        List<String> text = texts(log);
        assertEquals("--- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid=0} ---", text.get(0));
        assertEquals("getpid() = " + pid, text.get(1));
        assertEquals("syscall_999(0, 0, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)", text.get(2));
        assertEquals("write(1, \"hi\\n\", 3) = 3", text.get(3), "the string copied from the task's memory");
        assertEquals("exit(3) = ?", text.get(4));
        assertEquals("+++ exited with 3 +++", text.get(5));
        assertEquals("+++ dead (group dead) +++", text.get(6));
        assertEquals(7, log.size());
        for (int i = 1; i < log.size(); i++) assertTrue(log.get(i - 1).seq() < log.get(i).seq());
        assertTrue(log.stream().allMatch(e -> e.tid() == pid));
        assertEquals(1, tracer.releases.get());
        assertEquals("died", tracer.list().getFirst().ended());
    }

    @Test
    @DisplayName("events: only the chosen kinds are recorded")
    void chosenEventsOnly() {
        program("known", KNOWN);
        int pid = spawnStopped("known");
        tracer.trace(pid, kinds("exit,death"), false);
        cont(pid);
        waitExit(pid);
        awaitReleased(pid);
        assertEquals(List.of("+++ exited with 3 +++", "+++ dead (group dead) +++"), texts(tracer.log(pid, 100)));
    }

    @Test
    @DisplayName("strings: paths and buffers copied from the task's memory at entry, 32 bytes of a buffer, an address"
            + " that is not mapped shown as it is, argv of an exec")
    void stringsFromMemory() {
        program("strings", """
                # openat a path, write 36 bytes, openat an unmapped path, exec with arguments
                    mov rdi, -100
                    mov rsi, "/etc/passwd"
                    mov rdx, 0x80000
                    mov rax, 257
                    syscall
                    mov rdi, 1
                    mov rsi, "0123456789abcdefghijklmnopqrstuvwxyz"
                    mov rdx, 36
                    mov rax, 1
                    syscall
                    mov rdi, -100
                    mov rsi, 16
                    mov rdx, 0
                    mov rax, 257
                    syscall
                    exec "hello", "a\\tb", 7
                """);
        int pid = spawnStopped("strings");
        tracer.trace(pid, Kind.parse("syscalls"), false);
        cont(pid);
        waitExit(pid);
        awaitReleased(pid);
        List<String> text = texts(tracer.log(pid, 100));
        assertEquals("openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC) = -1 ENOSYS (Function not implemented)",
                text.get(0));
        assertEquals("write(1, \"0123456789abcdefghijklmnopqrstuv\"..., 36) = 36", text.get(1));
        assertEquals("openat(AT_FDCWD, 0x10, O_RDONLY) = -1 ENOSYS (Function not implemented)", text.get(2));
        assertEquals("execve(\"hello\", [\"hello\", \"a\\tb\", \"7\"], NULL) = 0", text.get(3),
                "its exit seen although the new image's orig_rax is -1");
        assertEquals("write(1, \"hello, world\\n\", 13) = 13", text.get(4));
    }

    @Test
    @DisplayName("R-EVT-ORD-6 exec by a thread that is not the leader: its trace goes on under the leader's pid, as strace shows it")
    void execByNonLeaderTakesTheLeadersPid() {
        program("thread-exec", """
                # a thread execs hello while the leader sleeps
                    thread worker
                    sleep 10000
                    exit 1
                worker:
                    gettid
                    exec "hello"
                """);
        int pid = spawnStopped("thread-exec");
        tracer.trace(pid, null, true);
        cont(pid);
        waitExit(pid);
        await("both traces released", () -> tracer.releases.get() == 2);
        int worker = tracer.log(10_000).stream().filter(e -> e.kind() == Kind.CLONE).findFirst().orElseThrow().number();
        List<TraceEvent> log = tracer.log(pid, 1000); // the worker's trace: it ended after the old leader's
        List<String> text = texts(log);
        assertEquals("gettid() = " + worker, text.getFirst(), text::toString);
        assertEquals(worker, log.getFirst().tid(), "before the exec, under its own tid");
        int exec = text.indexOf("execve(\"hello\", [\"hello\"], NULL) = 0");
        assertTrue(exec > 0, text::toString);
        assertTrue(text.contains("write(1, \"hello, world\\n\", 13) = 13"), text::toString);
        assertEquals(List.of("+++ exited with 0 +++", "+++ dead (group dead) +++"), text.subList(text.size() - 2, text.size()));
        for (TraceEvent e : log.subList(exec, log.size())) assertEquals(pid, e.tid(), () -> "from the exec on, the leader's pid: " + e);
        TraceEvent clone = tracer.log(10_000).stream().filter(e -> e.kind() == Kind.CLONE).findFirst().orElseThrow();
        assertEquals("+++ new thread " + worker + " (CLONE_VM|CLONE_SIGHAND|CLONE_THREAD) +++", clone.text());
        TraceEvent execEvent = log.stream().filter(e -> e.kind() == Kind.EXEC).findFirst().orElseThrow();
        assertEquals(worker, execEvent.number(), "the exec event names the tid the task had");
        assertEquals("exec hello [hello] (by thread " + worker + ")", execEvent.text());
        assertEquals(2, tracer.list().stream().filter(t -> t.tid() == pid).count(), () -> "the old leader's and the worker's: "
                + tracer.list());
    }

    @Test
    @DisplayName("stats match a task whose syscalls are known")
    void statsMatchKnownSyscalls() {
        program("loops", """
                # 5 getpid, 3 unknown (ENOSYS), 1 write, exit
                    mov rbx, 5
                a:  getpid
                    loop rbx, a
                    mov rbx, 3
                b:  mov rax, 999
                    syscall
                    loop rbx, b
                    print "x\\n"
                    exit_group 0
                """);
        int pid = spawnStopped("loops");
        tracer.trace(pid, null, false);
        cont(pid);
        waitExit(pid);
        awaitReleased(pid);
        Stats s = tracer.stats(pid);
        assertEquals(5, s.calls("getpid"));
        assertEquals(0, s.errors("getpid"));
        assertEquals(3, s.calls("syscall_999"));
        assertEquals(3, s.errors("syscall_999"));
        assertEquals(1, s.calls("write"));
        assertEquals(0, s.calls("exit_group"), "it never returned: strace -c does not count it");
        assertEquals(9, s.totalCalls());
        assertEquals(3, s.totalErrors());
        assertEquals(1, s.exits());
        assertEquals(1L, s.signals().get(Signals.SIGCONT));
        assertEquals(List.of("getpid", "syscall_999", "write"),
                s.syscalls().stream().map(r -> r.name()).toList(), "sorted by calls, then name");
        assertEquals(List.of("getpid", "syscall_999", "write"),
                s.sortedBy(Stats.Column.SYSCALL).syscalls().stream().map(r -> r.name()).toList());
        assertEquals("syscall_999", s.sortedBy(Stats.Column.ERRORS).syscalls().getFirst().name());
        Stats total = tracer.stats();
        assertEquals(0, total.pid());
        assertEquals(9, total.totalCalls());
    }

    @Test
    @DisplayName("R-ATT-8 follow: children of a fork are traced from their first instruction")
    void followAcrossFork() {
        int pid = spawnStopped("forker", "3");
        tracer.trace(pid, null, true);
        cont(pid);
        waitExit(pid);
        await("all four traces released", () -> tracer.releases.get() == 4);
        List<TraceInfo> traces = tracer.list();
        assertEquals(4, traces.size(), traces::toString);
        List<TraceEvent> parent = tracer.log(pid, 1000);
        List<Integer> children = parent.stream().filter(e -> e.kind() == Kind.CLONE).map(TraceEvent::number).toList();
        assertEquals(3, children.size());
        for (int i = 0; i < 3; i++) {
            List<String> log = texts(tracer.log(children.get(i), 1000));
            assertTrue(log.getFirst().startsWith("gettid("), () -> "the child's first instruction is seen: " + log);
            assertTrue(log.stream().anyMatch(t -> t.startsWith("+++ exited with")), log::toString);
            assertEquals("+++ dead (group dead) +++", log.getLast());
        }
    }

    @Test
    @DisplayName("follow: new threads are traced; without follow only the task itself")
    void followThreadsAndNotWithoutFollow() {
        int pid = spawnStopped("threadpool", "4");
        tracer.trace(pid, null, true);
        cont(pid);
        waitExit(pid);
        await("five traces released", () -> tracer.releases.get() == 5);
        assertEquals(5, tracer.list().size());
        for (TraceInfo i : tracer.list()) {
            assertEquals(pid, i.tgid());
            assertTrue(tracer.log(i.tid(), 100).stream().anyMatch(e -> e.kind() == Kind.SYSCALLS), i::toString);
        }

        int other = spawnStopped("threadpool", "4");
        tracer.trace(other, null, false);
        cont(other);
        waitExit(other);
        await("one more release", () -> tracer.releases.get() == 6);
        assertEquals(4, tracer.log(other, 1000).stream().filter(e -> e.kind() == Kind.CLONE).count());
        assertEquals(6, tracer.list().size());
    }

    @Test
    @DisplayName("ring overflow: the oldest events are dropped and the drop is counted")
    void ringOverflowCounted() {
        tracer = newTracer("small", new Settings(Kind.all(), 4, false, 256));
        int pid = spawnStopped("counter", "10");
        tracer.trace(pid, null, null);
        cont(pid);
        waitExit(pid);
        awaitReleased(pid);
        TraceInfo info = tracer.list().getFirst();
        assertEquals(4, info.ringSize());
        assertTrue(info.recorded() > 10, info::toString);
        assertEquals(info.recorded() - 4, info.dropped());
        assertEquals(info.dropped(), tracer.stats(pid).dropped());
        List<TraceEvent> log = tracer.log(pid, 100);
        assertEquals(4, log.size());
        assertEquals(Kind.DEATH, log.getLast().kind());
        assertEquals(2, tracer.log(pid, 2).size());
        assertEquals(10, tracer.stats(pid).calls("write"), "statistics count every call, dropped or not");
    }

    @Test
    @DisplayName("clear errors: unknown pid, already traced, not traced, bad event names")
    void errors() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> tracer.trace(999, null, null))
                .getMessage().contains("no task with pid 999"));
        int pid = sim.spawn("idle", List.of());
        tracer.trace(pid, null, null);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> tracer.trace(pid, null, null))
                .getMessage().contains("already traced"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> tracer.untrace(1))
                .getMessage().contains("not traced"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Kind.parse("syscalls,bogus"))
                .getMessage().contains("unknown event 'bogus'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> tracer.log(1, 10))
                .getMessage().contains("no trace of pid 1"));
        assertEquals(1, tracer.list().size());
        sim.kill(pid, Signals.SIGKILL);
        waitExit(pid);
        awaitReleased(pid);
    }

    @Test
    @DisplayName("R-EVT-ORD-1 several engines on one task: two passive traces and another engine each see their own events")
    void severalEnginesOnOneTask() {
        PassiveTracerImpl second = newTracer("passive-2", Settings.DEFAULT);
        Utrace other = core.facade("other");
        AtomicInteger exits = new AtomicInteger();
        AtomicInteger releasedOther = new AtomicInteger();
        program("known", KNOWN);
        int pid = spawnStopped("known");
        tracer.trace(pid, null, false);
        second.trace(pid, kinds("syscalls"), false);
        Task task = sim.findTask(pid);
        AttachResult r = other.attach(task, AttachFlags.CREATE, new EngineOps() {
            @Override
            public ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task t) {
                exits.incrementAndGet();
                return ResumeAction.RESUME;
            }

            @Override
            public void release(Object data) {
                releasedOther.incrementAndGet();
            }
        }, null);
        other.setEvents(task, r.engine(), Event.SYSCALL_EXIT.bit());
        r.engine().put();
        cont(pid);
        waitExit(pid);
        awaitReleased(pid);
        await("second released", () -> second.releases.get() == 1);
        await("other released", () -> releasedOther.get() == 1);
        List<String> all = texts(tracer.log(pid, 100));
        List<String> syscallsOnly = texts(second.log(pid, 100));
        assertEquals(all.stream().filter(t -> !t.startsWith("---") && !t.startsWith("+++")).toList(), syscallsOnly);
        assertEquals(4, syscallsOnly.size());
        assertEquals(3, exits.get(), "getpid, 999 and write return; exit does not");
        assertEquals(1, tracer.releases.get());
        second.deactivate();
    }

    @Test
    @DisplayName("R-SET-7 untrace by one tracer leaves the other tracer's trace running")
    void untraceOneOfTwo() {
        PassiveTracerImpl second = newTracer("passive-2", Settings.DEFAULT);
        int pid = sim.spawn("idle", List.of());
        await("idle sleeps", () -> sim.info(pid).state() == TaskState.SLEEPING);
        tracer.trace(pid, null, null);
        second.trace(pid, null, null);
        tracer.untrace(pid);
        assertFalse(tracer.tracing(pid));
        assertTrue(second.tracing(pid));
        sim.kill(pid, Signals.SIGKILL);
        waitExit(pid);
        await("second released", () -> second.releases.get() == 1);
        assertEquals("+++ dead (group dead) +++", second.log(pid, 1).getFirst().text());
        assertTrue(tracer.log(pid, 10).stream().noneMatch(e -> e.kind() == Kind.DEATH), "no callback after untrace");
        await("first released", () -> tracer.releases.get() == 1);
        second.deactivate();
    }
}
