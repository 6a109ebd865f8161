package dev.utrace.linux.internal.machine;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SignalAction;
import dev.utrace.api.SyscallAction;
import dev.utrace.api.task.ExecInfo;
import dev.utrace.api.task.ExitCode;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An engine that writes down every report it gets, as lines such as {@code "12 entry 39"},
 * {@code "12 exit 0"}, {@code "12 signal SIGUSR1"}, {@code "12 clone 13"}, {@code "12 exec /bin/x"},
 * {@code "12 exit-report 0x300"}, {@code "12 death"}, {@code "12 reap"}, {@code "12 jctl 5 5"},
 * {@code "12 handler"}. Answers RESUME (signals keep their action) unless a test overrides a method.
 */
class Recorder implements EngineOps {
    final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    final AtomicInteger releases = new AtomicInteger();
    /** Follows new tasks: attaches itself to each child in its CLONE report, with {@link #childEvents}. */
    volatile dev.utrace.impl.UtraceFacade follow;
    volatile long childEvents;

    void add(Task t, String what) {
        lines.add(t.tid() + " " + what);
    }

    List<String> all() {
        return new ArrayList<>(lines);
    }

    List<String> matching(Predicate<String> p) {
        return all().stream().filter(p).toList();
    }

    boolean saw(String line) {
        return lines.contains(line);
    }

    @Override
    public int reportSyscallEntry(int action, Engine engine, Task task) {
        add(task, "entry " + task.register(Reg.ORIG_RAX));
        return (action & SyscallAction.MASK) | ResumeAction.RESUME.code();
    }

    @Override
    public ResumeAction reportSyscallExit(ResumeAction action, Engine engine, Task task) {
        add(task, "exit " + task.register(Reg.RAX));
        return ResumeAction.RESUME;
    }

    @Override
    public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa, SigAction returnKa) {
        if (origKa == null) {
            add(task, (SignalAction.of(action) == SignalAction.HANDLER ? "handler" : "report"));
        } else {
            add(task, "signal " + Signals.name(info.signo));
        }
        return (action & SignalAction.MASK) | ResumeAction.RESUME.code();
    }

    @Override
    public ResumeAction reportClone(ResumeAction action, Engine engine, Task parent, long cloneFlags, Task child) {
        add(parent, "clone " + child.tid());
        dev.utrace.impl.UtraceFacade f = follow;
        if (f != null) MachineFixture.attach(f, child, this, childEvents);
        return ResumeAction.RESUME;
    }

    @Override
    public ResumeAction reportJctl(ResumeAction action, Engine engine, Task task, int type, int notify) {
        add(task, "jctl " + type + " " + notify);
        return ResumeAction.RESUME;
    }

    @Override
    public ResumeAction reportExec(ResumeAction action, Engine engine, Task task, String format, ExecInfo exec) {
        add(task, "exec " + exec.filename());
        return ResumeAction.RESUME;
    }

    @Override
    public ResumeAction reportExit(ResumeAction action, Engine engine, Task task, long origCode, ExitCode code) {
        add(task, "exit-report 0x" + Long.toHexString(origCode));
        return ResumeAction.RESUME;
    }

    @Override
    public ResumeAction reportDeath(Engine engine, Task task, boolean groupDead, int signal) {
        add(task, "death" + (groupDead ? " group" : ""));
        return ResumeAction.RESUME;
    }

    @Override
    public void reportReap(Engine engine, Task task) {
        add(task, "reap");
    }

    @Override
    public void release(Object data) {
        releases.incrementAndGet();
    }

    static long all(Event... events) {
        return Event.mask(events);
    }
}
