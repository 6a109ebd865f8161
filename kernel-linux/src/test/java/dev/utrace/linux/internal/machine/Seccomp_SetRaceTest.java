package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.Outcome;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.SyscallSet;
import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.api.proc.SyscallStops;
import dev.utrace.api.proc.WaitStatus;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Task;
import dev.utrace.linux.internal.trace.Workloads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code setSyscalls} from the test thread while a four-thread program spawned under a filter on
 * openat runs, on real threads: the engines' sets switch between {openat} (the task under its
 * filter) and every syscall (the task beyond it) as fast as the calls return. Checked: no report of
 * a syscall starts after its removal answered DONE (or after the barrier that followed
 * IN_PROGRESS); every openat of every thread is reported exactly once, its entry then its exit;
 * the machine says where the main thread stops, right after each change; the program's output is
 * that of an untraced run. Loops per thread: {@code race.iterations / 50} (at least 200).
 */
class Seccomp_SetRaceTest extends MachineFixture {
    static final int OPENAT = 257;

    @TempDir
    Path dir;

    private static int loops() {
        return Math.max(200, Integer.getInteger("race.iterations", 10_000) / 50);
    }

    /** On every thread of the program (attached in its parent's CLONE report), with the set in force. */
    final class Switched implements EngineOps {
        volatile boolean everyAllowed = true;
        volatile SyscallSet set = SyscallSet.ALL;
        final List<Map.Entry<Task, Engine>> engines = new CopyOnWriteArrayList<>();
        final Map<Integer, StringBuffer> openats = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        final AtomicInteger others = new AtomicInteger();

        void attachTo(Task t) {
            AttachResult r = utrace.attach(t, AttachFlags.CREATE, this, null);
            if (!r.ok()) {
                violations.add("attach to " + t.tid() + ": " + r);
                return;
            }
            Engine e = r.engine();
            if (utrace.setEvents(t, e, Event.SYSCALL | Event.CLONE.bit()) != Outcome.DONE
                    || utrace.setSyscalls(t, e, set) != Outcome.DONE) {
                violations.add("setting up the engine of " + t.tid());
            }
            engines.add(Map.entry(t, e));
        }

        private void seen(Task task, String what) {
            long nr = task.register(Reg.ORIG_RAX);
            if (nr == OPENAT) {
                openats.computeIfAbsent(task.tid(), k -> new StringBuffer()).append(what);
            } else {
                others.incrementAndGet();
                if (!everyAllowed) violations.add(what + " of " + nr + " on " + task.tid() + " after its removal");
            }
        }

        @Override
        public int reportSyscallEntry(int action, Engine engine, Task task) {
            seen(task, "E");
            return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
        }

        @Override
        public ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task task) {
            seen(task, "X");
            return ResumeAction.RESUME;
        }

        @Override
        public ResumeAction reportClone(ResumeAction action, Engine engine, Task parent, long cloneFlags, Task child) {
            attachTo(child);
            return ResumeAction.RESUME;
        }
    }

    @Test
    @DisplayName("setSyscalls races a filtered four-thread program: no report after a removal, every openat once, the mode follows")
    void setSyscallsRacesAFilteredProgram() throws Exception {
        int loops = loops();
        Path file = Files.writeString(dir.resolve("in"), "race\n");
        int pid = machine.spawn(SpawnRequest.of(Workloads.path("filtered"), List.of(file.toString(), Integer.toString(loops), "20",
                "0", "4")).withStopped(true).withSyscalls(SyscallSet.of(OPENAT)));
        guard.track(pid);
        Switched ops = new Switched();
        ops.attachTo(task(pid));
        cont(pid);
        await("an engine on each of the four threads", () -> ops.engines.size() == 4);
        Map<String, AtomicInteger> outcomes = new TreeMap<>();
        int switches = 0;
        while (machine.findTask(pid) != null && machine.waitExit(pid, java.time.Duration.ZERO).isEmpty()) {
            boolean widen = switches % 2 == 1;
            SyscallSet next = widen ? SyscallSet.ALL : SyscallSet.of(OPENAT);
            ops.set = next;
            if (widen) ops.everyAllowed = true;
            for (Map.Entry<Task, Engine> te : ops.engines) {
                Outcome o = utrace.setSyscalls(te.getKey(), te.getValue(), next);
                outcomes.computeIfAbsent(o.name(), k -> new AtomicInteger()).incrementAndGet();
                if (o == Outcome.IN_PROGRESS) {
                    Outcome b = utrace.barrier(te.getKey(), te.getValue());
                    if (b != Outcome.DONE && b != Outcome.GONE) ops.violations.add("barrier after IN_PROGRESS: " + b);
                } else if (o != Outcome.DONE && o != Outcome.GONE) {
                    ops.violations.add("setSyscalls: " + o);
                }
            }
            if (!widen) ops.everyAllowed = false;
            try {
                SyscallStops.Mode mode = machine.syscallStops(pid).mode();
                SyscallStops.Mode want = widen ? SyscallStops.Mode.EVERY_BEYOND_FILTER : SyscallStops.Mode.FILTERED;
                if (mode != want) ops.violations.add("after switch " + switches + " the machine says " + mode + ", not " + want);
            } catch (dev.utrace.api.proc.ProcessException ended) {
                break; // the process ended meanwhile
            }
            switches++;
            Thread.sleep(ThreadLocalRandom.current().nextInt(3));
        }
        assertEquals(WaitStatus.exited(0), waitExit(pid));
        System.out.printf("[race] setSyscalls vs a filtered program: %d switches, %d loops x 4 threads, %d other syscalls reported;"
                + " outcomes %s%n", switches, loops, ops.others.get(), outcomes);
        assertTrue(ops.violations.isEmpty(), () -> ops.violations.size() + " violations, e.g. " + ops.violations.peek());
        assertEquals(Seccomp_MachineTest.expected(loops, "race\n"), console(pid, "end"));
        assertEquals(4, ops.openats.size(), () -> "the four threads opened the file: " + ops.openats.keySet());
        for (Map.Entry<Integer, StringBuffer> e : ops.openats.entrySet()) {
            String s = e.getValue().toString();
            assertTrue(s.matches("(EX)+"), () -> "thread " + e.getKey() + ": each openat once, entry then exit: "
                    + s.substring(0, Math.min(200, s.length())));
            assertTrue(s.length() / 2 >= loops, () -> "thread " + e.getKey() + " opened the file " + loops + " times: " + s.length() / 2);
        }
        assertTrue(switches >= 4, "the sets switched while it ran: " + switches);
    }
}
