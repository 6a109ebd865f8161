package dev.utrace.ptrace.internal;

import static dev.utrace.api.task.Signals.SIGKILL;
import static dev.utrace.api.task.Signals.SIGSTOP;
import static dev.utrace.api.task.Signals.SIGTRAP;
import static dev.utrace.api.task.Signals.SIGUSR1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.TraceeInfo;
import dev.utrace.ptrace.WaitResult;
import dev.utrace.ptrace.WaitResult.Kind;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** ptrace(2) scenarios and the classic ptrace regression cases, over the real core and machine. */
class PtraceConformanceTest extends PtraceFixture {

    @Test
    @DisplayName("PTRACE_ATTACH to a running task: SIGSTOP signal-delivery stop; registers readable; CONT 0 suppresses it")
    void attachRunning() throws Exception {
        int pid = spawn("spin");
        attachStopped(pid);
        assertEquals(TaskState.TRACED, state(pid));
        long[] regs = tracer.getRegs(pid);
        assertEquals(sim.info(pid).tid(), pid);
        assertTrue(regs[Reg.RIP.ordinal()] != 0, "rip");
        assertEquals(SIGSTOP, tracer.getSigInfo(pid).signo);
        tracer.cont(pid, 0);
        await("running again", () -> state(pid) == TaskState.RUNNING);
        assertNothingReady(pid);
        // Requests need a stop: ESRCH while it runs, and nothing changes.
        assertErrno("ESRCH", () -> tracer.getRegs(pid));
        assertErrno("ESRCH", () -> tracer.detach(pid, 0));
        assertEquals(1, tracer.tracees().size());
    }

    @Test
    @DisplayName("PTRACE_DETACH from a signal-delivery stop: the engine detaches in its callback and the task runs untraced")
    void detachStopped() {
        int pid = spawn("spin");
        attachStopped(pid);
        PtraceContext ctx = ctxOf(pid);
        tracer.detach(pid, 0);
        await("running", () -> state(pid) == TaskState.RUNNING);
        await("engine gone", () -> ptraceEngines(pid).isEmpty());
        await("released", () -> ctx.releases.get() == 1);
        assertTrue(tracer.tracees().isEmpty());
        assertErrno("ESRCH", () -> tracer.getRegs(pid));
        // A new attach works at once (the old engine is gone or waited out).
        attachStopped(pid);
    }

    @Test
    @DisplayName("Attach to a task in a blocking sleep: SIGSTOP wakes it into a stop; CONT restarts the sleep; the task still finishes")
    void attachSleeping() {
        int pid = spawn("sleeper", "300");
        await("sleeping", () -> state(pid) == TaskState.SLEEPING);
        attachStopped(pid);
        tracer.cont(pid, 0);
        WaitResult r = next(pid);
        assertEquals(Kind.EXITED, r.kind(), r.describe());
        assertEquals(0, r.signal());
        assertEquals(0, exitOf(pid).word());
    }

    @Test
    @DisplayName("Attach to a task in a group stop: the tracer sees the stop; detach leaves it stopped; SIGCONT resumes it")
    void attachGroupStopped() {
        int pid = sim.spawn("spin", List.of(), true);
        await("group-stopped", () -> state(pid) == TaskState.STOPPED);
        tracer.attach(pid);
        WaitResult r = next(pid);
        assertEquals(SIGSTOP, r.signal(), r.describe());
        tracer.detach(pid, 0);
        assertTrue(tracer.tracees().isEmpty());
        await("stopped, untraced", () -> state(pid) == TaskState.STOPPED && ptraceEngines(pid).isEmpty());
        sim.kill(pid, Signals.SIGCONT);
        await("running", () -> state(pid) == TaskState.RUNNING);
    }

    @Test
    @DisplayName("CONT from a group stop resumes the tracee (ptrace's compatibility rule)")
    void contFromGroupStop() {
        int pid = spawn("spin");
        attachStopped(pid);
        tracer.cont(pid, SIGSTOP); // deliver it: the group stops, and the tracer sees the group stop
        WaitResult r = next(pid);
        assertStop(r, Kind.SIGNAL_STOP, SIGSTOP); // attached (not seized): looks like a signal stop
        tracer.cont(pid, 0);
        await("running", () -> state(pid) == TaskState.RUNNING);
    }

    @Test
    @DisplayName("A second tracer gets EPERM (EXCLUSIVE attach); so does attaching to init or a pid twice")
    void secondTracer() {
        int pid = spawn("spin");
        attachStopped(pid);
        PtraceSession other = ptrace.open("other");
        assertErrno("EPERM", () -> other.attach(pid));
        assertErrno("EPERM", () -> other.seize(pid, 0));
        assertErrno("EPERM", () -> tracer.attach(pid));
        assertErrno("EPERM", () -> other.attach(1));
        assertErrno("ESRCH", () -> other.attach(99999));
        assertTrue(other.tracees().isEmpty());
        assertEquals(1, ptraceEngines(pid).size());
    }

    @Test
    @DisplayName("Signal injection and suppression: CONT 0 drops SIGUSR1, CONT SIGUSR1 delivers it (the task dies of it)")
    void signalInjection() {
        int pid = spawn("spin");
        attachStopped(pid);
        tracer.cont(pid, 0);
        sim.kill(pid, SIGUSR1);
        assertStop(next(pid), Kind.SIGNAL_STOP, SIGUSR1);
        tracer.cont(pid, 0); // suppressed
        sim.kill(pid, SIGUSR1);
        assertStop(next(pid), Kind.SIGNAL_STOP, SIGUSR1);
        tracer.cont(pid, SIGUSR1); // delivered: the default action kills it
        WaitResult r = next(pid);
        assertEquals(Kind.KILLED, r.kind(), r.describe());
        assertEquals(SIGUSR1, r.signal());
        assertEquals(SIGUSR1, exitOf(pid).word() & 0x7f);
    }

    @Test
    @DisplayName("The tracer may change the signal (SIGUSR1 becomes SIGTERM) and edit its siginfo")
    void signalChanged() {
        int pid = spawn("spin");
        attachStopped(pid);
        tracer.cont(pid, 0);
        sim.kill(pid, SIGUSR1);
        assertStop(next(pid), Kind.SIGNAL_STOP, SIGUSR1);
        SignalInfo si = tracer.getSigInfo(pid);
        assertEquals(Signals.SI_USER, si.code);
        tracer.cont(pid, Signals.SIGTERM);
        WaitResult r = next(pid);
        assertEquals(Kind.KILLED, r.kind(), r.describe());
        assertEquals(Signals.SIGTERM, r.signal());
    }

    @Test
    @DisplayName("PTRACE_SYSCALL with TRACESYSGOOD: entry and exit stops report SIGTRAP|0x80, orig_rax names the syscall")
    void syscallStops() {
        program("getpids", """
                # getpid in a loop.
                again:
                    getpid
                    jmp again
                """);
        int pid = spawn("getpids");
        tracer.seize(pid, PtraceOptions.TRACESYSGOOD);
        tracer.interrupt(pid);
        WaitResult r = next(pid);
        assertEquals(Kind.EVENT_STOP, r.kind(), r.describe());
        assertEquals(WaitResult.EVENT_STOP, r.event());
        for (int i = 0; i < 3; i++) {
            tracer.syscall(pid, 0);
            WaitResult entry = next(pid);
            assertStop(entry, Kind.SYSCALL_STOP, SIGTRAP | 0x80);
            assertEquals(39, tracer.getRegs(pid)[Reg.ORIG_RAX.ordinal()], "getpid is syscall 39");
            tracer.syscall(pid, 0);
            WaitResult exit = next(pid);
            assertStop(exit, Kind.SYSCALL_STOP, SIGTRAP | 0x80);
            assertEquals(pid, tracer.getRegs(pid)[Reg.RAX.ordinal()], "getpid's result");
        }
        // As Linux's ptrace_do_notify: the stop's signal, si_code the status's bits 8-15 (SIGTRAP|0x80), sent by the tracee.
        SignalInfo si = tracer.getSigInfo(pid);
        assertEquals(List.of(SIGTRAP, SIGTRAP | 0x80, pid), List.of(si.signo, si.code, si.pid));
        tracer.cont(pid, 0);
        await("running", () -> state(pid) == TaskState.RUNNING);
    }

    @Test
    @DisplayName("PTRACE_EVENT_EXEC with TRACEEXEC (eventmsg: the former tid); without it an attached tracee gets SIGTRAP")
    void execEvent() {
        program("execer", """
                # Sleeps a little, then execs spin.
                    sleep 50
                    exec "spin"
                """);
        int pid = spawn("execer");
        tracer.seize(pid, PtraceOptions.TRACEEXEC);
        WaitResult r = next(pid);
        assertEquals(Kind.EVENT_STOP, r.kind(), r.describe());
        assertEquals(WaitResult.EVENT_EXEC, r.event());
        assertEquals(pid, tracer.getEventMsg(pid));
        tracer.cont(pid, 0);

        int legacy = spawn("execer");
        tracer.attach(legacy);
        assertStop(next(legacy), Kind.SIGNAL_STOP, SIGSTOP);
        tracer.cont(legacy, 0);
        assertStop(next(legacy), Kind.SIGNAL_STOP, SIGTRAP);
        tracer.cont(legacy, 0);
        await("running", () -> state(legacy) == TaskState.RUNNING);
    }

    @Test
    @DisplayName("Fork auto-attach with TRACEFORK: PTRACE_EVENT_FORK, the child traced and stopped before it runs")
    void forkAutoAttach() {
        int pid = spawnSeized("forker", PtraceOptions.TRACEFORK, "1");
        WaitResult r = next(pid);
        assertEquals(WaitResult.EVENT_FORK, r.event(), r.describe());
        int child = (int) tracer.getEventMsg(pid);
        assertNotEquals(0, child);
        assertTrue(tracer.tracees().stream().anyMatch(t -> t.pid() == child), "child listed");
        WaitResult c = next(child);
        assertEquals(Kind.EVENT_STOP, c.kind(), c.describe()); // a seized child starts in PTRACE_EVENT_STOP
        assertEquals(0, tracer.getRegs(child)[Reg.RAX.ordinal()], "the child has not run: fork's 0 in rax");
        assertEquals(PtraceOptions.TRACEFORK, tracer.tracees().stream().filter(t -> t.pid() == child)
                .findFirst().orElseThrow().options());
        tracer.cont(child, 0);
        WaitResult exit = next(child);
        assertEquals(Kind.EXITED, exit.kind(), exit.describe());
        assertEquals(1, exit.signal(), "forker's child 1 exits with 1");
        tracer.cont(pid, 0);
        WaitResult parent = next(pid);
        if (parent.stopped()) { // the SIGCHLD for its child's exit reaches the tracer first
            assertStop(parent, Kind.SIGNAL_STOP, Signals.SIGCHLD);
            tracer.cont(pid, Signals.SIGCHLD);
            parent = next(pid);
        }
        assertEquals(Kind.EXITED, parent.kind(), parent.describe());
        assertEquals(0, exitOf(pid).word());
    }

    @Test
    @DisplayName("Clone auto-attach with TRACECLONE: each new thread traced and stopped before it runs")
    void cloneAutoAttach() {
        int pid = spawnSeized("threadpool", PtraceOptions.TRACECLONE, "2");
        int seen = 0;
        while (seen < 2) {
            WaitResult r = next(-1);
            if (r.event() == WaitResult.EVENT_CLONE) {
                seen++;
                int thread = (int) tracer.getEventMsg(r.pid());
                assertEquals(pid, sim.info(thread).tgid());
            }
            if (r.stopped()) tracer.cont(r.pid(), 0);
        }
        // Run the pool to completion: every thread's exit reaches the tracer.
        int exits = 0;
        while (exits < 3) {
            WaitResult r = next(-1);
            if (r.stopped()) tracer.cont(r.pid(), 0);
            else exits++;
        }
        assertEquals(0, exitOf(pid).word());
    }

    @Test
    @DisplayName("EXITKILL: when the tracer exits its tracees are killed")
    void exitKill() {
        int pid = spawn("spin");
        tracer.seize(pid, PtraceOptions.EXITKILL);
        tracer.close();
        assertEquals(SIGKILL, exitOf(pid).word() & 0x7f);
        assertErrno("ESRCH", () -> tracer.attach(pid));
    }

    @Test
    @DisplayName("Tracee killed while stopped: the tracer sees SIGKILL; the context is released once, after the wait")
    void killedWhileStopped() {
        int pid = spawn("spin");
        attachStopped(pid);
        PtraceContext ctx = ctxOf(pid);
        tracer.kill(pid);
        WaitResult r = next(pid);
        assertEquals(Kind.KILLED, r.kind(), r.describe());
        assertEquals(SIGKILL, r.signal());
        assertEquals(SIGKILL, exitOf(pid).word() & 0x7f);
        await("released", () -> ctx.releases.get() == 1);
        assertErrno("ECHILD", () -> tracer.wait(pid, PtraceSession.WNOHANG));
    }

    @Test
    @DisplayName("R-REL-3: a zombie is reported to the tracer first, then to its real parent; the context outlives the death")
    void zombieToTracerFirst() throws Exception {
        int pid = spawnSeized("true", 0);
        PtraceContext ctx = ctxOf(pid);
        await("zombie", () -> alive(pid) && sim.info(pid).state() == TaskState.ZOMBIE);
        // init (the real parent) cannot reap it yet: it is held for the tracer.
        assertTrue(sim.waitExit(pid, java.time.Duration.ofMillis(50)).isEmpty(), "reaped before the tracer saw it");
        assertEquals(0, ctx.releases.get(), "context freed while the tracer still lists it");
        WaitResult r = next(pid);
        assertEquals(Kind.EXITED, r.kind(), r.describe());
        assertEquals(0, exitOf(pid).word());
        await("released", () -> ctx.releases.get() == 1);
    }

    @Test
    @DisplayName("Tracer exits first: every tracee is detached; as on Linux a stopped one resumes with the SIGSTOP it stopped with unless the tracer's wait took it; each context released once")
    void tracerExitsFirst() {
        int a = spawn("spin");
        int b = spawn("sleeper", "100");
        int c = spawn("spin");
        attachStopped(a);
        tracer.attach(b);
        await("b in its SIGSTOP stop", () -> state(b) == TaskState.TRACED);
        attachStopped(c);
        tracer.cont(c, 0);
        List<PtraceContext> ctxs = ((Session) tracer).contexts();
        tracer.close();
        // a's SIGSTOP stop was waited for (wait takes its exit_code): a runs on. b's was not: b
        // delivers it and ends group-stopped. c runs on. All untraced.
        await("b group-stopped, untraced", () -> state(b) == TaskState.STOPPED && ptraceEngines(b).isEmpty());
        await("a and c running untraced", () -> state(a) == TaskState.RUNNING && ptraceEngines(a).isEmpty()
                && state(c) == TaskState.RUNNING && ptraceEngines(c).isEmpty());
        sim.kill(b, Signals.SIGCONT);
        assertEquals(0, exitOf(b).word());
        for (PtraceContext x : ctxs) await("released " + x, () -> x.releases.get() == 1);
        assertErrno("ESRCH", () -> tracer.getRegs(a));
    }

    @Test
    @DisplayName("PEEKDATA/POKEDATA, PEEKUSER/POKEUSER of a register, bad offsets and addresses")
    void memoryAndUser() {
        int pid = spawn("memwriter", "100000");
        await("its page mapped (it printed a store)", () -> sim.console(pid).contains("wrote "));
        attachStopped(pid);
        long before = tracer.peek(pid, 0x10000008L);
        tracer.poke(pid, 0x10000020L, 0x1122334455667788L);
        assertEquals(0x1122334455667788L, tracer.peek(pid, 0x10000020L));
        assertEquals(before, tracer.peek(pid, 0x10000008L));
        assertErrno("EIO", () -> tracer.peek(pid, 0x7000_0000_0000L));
        long rip = tracer.peekUser(pid, Reg.RIP.userOffset());
        assertEquals(tracer.getRegs(pid)[Reg.RIP.ordinal()], rip);
        tracer.pokeUser(pid, Reg.R15.userOffset(), 77);
        assertEquals(77, tracer.getRegs(pid)[Reg.R15.ordinal()]);
        assertErrno("EIO", () -> tracer.peekUser(pid, 3));
        assertErrno("EIO", () -> tracer.peekUser(pid, 4096));
    }

    @Test
    @DisplayName("PTRACE_SEIZE + PTRACE_INTERRUPT stops a sleeping tracee with PTRACE_EVENT_STOP; CONT lets the sleep finish")
    void seizeInterrupt() {
        int pid = spawn("sleeper", "200");
        await("sleeping", () -> state(pid) == TaskState.SLEEPING);
        tracer.seize(pid, 0);
        tracer.interrupt(pid);
        WaitResult r = next(pid);
        assertEquals(Kind.EVENT_STOP, r.kind(), r.describe());
        assertEquals(SIGTRAP, r.signal());
        tracer.cont(pid, 0);
        WaitResult exit = next(pid);
        assertEquals(Kind.EXITED, exit.kind(), exit.describe());
        assertErrno("EIO", () -> {
            int other = spawn("spin");
            tracer.attach(other);
            next(other);
            tracer.interrupt(other);
        });
    }

    @Test
    @DisplayName("A seized tracee's group stop is PTRACE_EVENT_STOP with the stop signal; LISTEN re-traps on SIGCONT")
    void seizeGroupStopListen() {
        int pid = spawn("spin");
        tracer.seize(pid, 0);
        sim.kill(pid, SIGSTOP);
        WaitResult sig = next(pid);
        assertStop(sig, Kind.SIGNAL_STOP, SIGSTOP);
        tracer.cont(pid, SIGSTOP);
        WaitResult group = next(pid);
        assertEquals(Kind.GROUP_STOP, group.kind(), group.describe());
        assertEquals(SIGSTOP, group.signal());
        tracer.listen(pid);
        await("still stopped", () -> state(pid) == TaskState.STOPPED);
        sim.kill(pid, Signals.SIGCONT);
        WaitResult retrap = next(pid);
        assertEquals(Kind.EVENT_STOP, retrap.kind(), retrap.describe());
        tracer.cont(pid, 0);
        assertStop(next(pid), Kind.SIGNAL_STOP, Signals.SIGCONT); // then SIGCONT itself is a signal to report
        tracer.cont(pid, 0);
        await("running", () -> state(pid) == TaskState.RUNNING);
    }

    @Test
    @DisplayName("5.5: a step from SIGCONT's stop after LISTEN traps after one instruction (a notify-resume with nothing owed does not end it)")
    void stepAfterListen() {
        int pid = seizedAtStart("counter", 0, "1000000");
        tracer.cont(pid, 0);
        sim.kill(pid, SIGSTOP);
        assertStop(next(pid), Kind.SIGNAL_STOP, SIGSTOP);
        tracer.cont(pid, SIGSTOP);
        assertStop(next(pid), Kind.GROUP_STOP, SIGSTOP);
        tracer.listen(pid);
        sim.kill(pid, Signals.SIGCONT);
        assertStop(next(pid), Kind.EVENT_STOP, SIGTRAP);
        tracer.cont(pid, 0);
        assertStop(next(pid), Kind.SIGNAL_STOP, Signals.SIGCONT);
        long rip = tracer.getRegs(pid)[Reg.RIP.ordinal()];
        tracer.singlestep(pid, 0);
        assertStop(next(pid), Kind.SIGNAL_STOP, SIGTRAP);
        assertEquals(Signals.TRAP_TRACE, tracer.getSigInfo(pid).code);
        assertNotEquals(rip, tracer.getRegs(pid)[Reg.RIP.ordinal()], "one instruction ran");
        tracer.kill(pid);
        assertEquals(Kind.KILLED, next(pid).kind());
    }

    @Test
    @DisplayName("12.3: PTRACE_SYSCALL through an execve with TRACEEXEC: its entry, the exec event, then its exit, as Linux orders them")
    void syscallsAcrossExec() {
        program("execs", """
                # Execs true.
                    exec "true"
                    exit 1
                """);
        int pid = seizedAtStart("execs", PtraceOptions.TRACESYSGOOD | PtraceOptions.TRACEEXEC);
        tracer.syscall(pid, 0);
        assertStop(next(pid), Kind.SYSCALL_STOP, SIGTRAP | 0x80);
        assertEquals(59, tracer.getRegs(pid)[Reg.ORIG_RAX.ordinal()], "execve's entry");
        tracer.syscall(pid, 0);
        WaitResult event = next(pid);
        assertEquals(WaitResult.EVENT_EXEC, event.event(), event.describe());
        tracer.syscall(pid, 0);
        assertStop(next(pid), Kind.SYSCALL_STOP, SIGTRAP | 0x80);
        long[] regs = tracer.getRegs(pid);
        assertEquals(List.of(59L, 0L), List.of(regs[Reg.ORIG_RAX.ordinal()], regs[Reg.RAX.ordinal()]), "execve's exit, its result 0");
        tracer.cont(pid, 0);
        assertEquals(Kind.EXITED, next(pid).kind());
    }

    @Test
    @DisplayName("12.3: a resume with a signal stands: PTRACE_INTERRUPT stops the tracee before the REPORT pass delivered it, and a detach with none from that stop still delivers it (Linux delivers it at the resume)")
    void interruptBeforeTheChosenSignalIsDelivered() throws Exception {
        program("usr1", """
                # Catches SIGUSR1, waits for signals.
                    signal SIGUSR1, on_user
                again:
                    pause
                    jmp again
                on_user:
                    print "caught {rdi}\\n"
                    sigreturn
                """);
        int pid = sim.spawn("usr1", List.of(), true);
        await("stopped", () -> state(pid) == TaskState.STOPPED);
        ReportPassHolder holder = new ReportPassHolder();
        holder.attach(core.facade("holder"), sim.findTask(pid)); // first: called before ptrace in each pass
        startSeized(pid, 0);
        tracer.cont(pid, 0);
        await("waiting in pause", () -> state(pid) == TaskState.SLEEPING);
        sim.kill(pid, SIGUSR1);
        assertStop(next(pid), Kind.SIGNAL_STOP, SIGUSR1);
        holder.armed = true;
        tracer.cont(pid, SIGUSR1);
        holder.awaitHolding(); // the pass that delivers SIGUSR1 is under way; ptrace's callback is still to come
        tracer.interrupt(pid);
        holder.release();
        WaitResult r = next(pid);
        assertEquals(Kind.EVENT_STOP, r.kind(), r.describe());
        assertEquals(List.of(SIGTRAP, 0x8005), List.of(tracer.getSigInfo(pid).signo, tracer.getSigInfo(pid).code),
                "the interrupt's stop, not the signal's");
        tracer.detach(pid, 0);
        await("SIGUSR1 handled", () -> sim.console(pid).contains("caught 10\n"));
        sim.kill(pid, SIGKILL);
    }

    /** Holds the next REPORT pass of the signal path, once armed, until released (attached before ptrace, so called first). */
    static final class ReportPassHolder implements dev.utrace.api.EngineOps {
        volatile boolean armed;
        private final java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

        void attach(dev.utrace.api.Utrace utrace, dev.utrace.api.task.Task task) {
            var r = utrace.attach(task, dev.utrace.api.AttachFlags.CREATE, this, null);
            assertEquals(dev.utrace.api.Outcome.DONE, r.outcome());
            assertEquals(dev.utrace.api.Outcome.DONE, utrace.setEvents(task, r.engine(),
                    dev.utrace.api.Event.mask(dev.utrace.api.Event.QUIESCE) | dev.utrace.api.Event.SIGNAL_ALL));
            r.engine().put();
        }

        @Override
        public int reportSignal(int action, dev.utrace.api.Engine engine, dev.utrace.api.task.Task task, SignalInfo info,
                                dev.utrace.api.task.SigAction origKa, dev.utrace.api.task.SigAction returnKa) {
            if (armed && dev.utrace.api.SignalAction.of(action) == dev.utrace.api.SignalAction.REPORT && holding.getCount() == 1) {
                holding.countDown();
                try {
                    released.await(20, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return dev.utrace.api.EngineOps.super.reportSignal(action, engine, task, info, origKa, returnKa);
        }

        void awaitHolding() throws InterruptedException {
            assertTrue(holding.await(20, java.util.concurrent.TimeUnit.SECONDS), "the REPORT pass never came");
        }

        void release() {
            released.countDown();
        }
    }

    @Test
    @DisplayName("PTRACE_SINGLESTEP: one instruction, then a SIGTRAP stop")
    void singleStep() {
        int pid = spawn("spin");
        attachStopped(pid);
        long rbx = tracer.getRegs(pid)[Reg.RBX.ordinal()];
        long rip = tracer.getRegs(pid)[Reg.RIP.ordinal()];
        tracer.singlestep(pid, 0);
        assertStop(next(pid), Kind.SIGNAL_STOP, SIGTRAP);
        long[] after = tracer.getRegs(pid);
        assertNotEquals(rip, after[Reg.RIP.ordinal()]);
        assertTrue(after[Reg.RBX.ordinal()] - rbx <= 1, "at most one instruction ran");
        assertEquals(Signals.TRAP_TRACE, tracer.getSigInfo(pid).code);
        tracer.cont(pid, 0);
    }

    @Test
    @DisplayName("TRACEEXIT: PTRACE_EVENT_EXIT holds the task before teardown, eventmsg is the exit status")
    void exitEvent() {
        int pid = spawnSeized("sleeper", PtraceOptions.TRACEEXIT, "1");
        WaitResult r = next(pid);
        assertEquals(WaitResult.EVENT_EXIT, r.event(), r.describe());
        assertEquals(0, tracer.getEventMsg(pid));
        assertEquals(TaskState.TRACED, state(pid));
        tracer.cont(pid, 0);
        assertEquals(Kind.EXITED, next(pid).kind());
    }

    @Test
    @DisplayName("Bad requests change nothing: unknown options, bad signals, unknown pids, wait without tracees")
    void badRequests() {
        int pid = spawn("spin");
        attachStopped(pid);
        assertErrno("EINVAL", () -> tracer.setOptions(pid, 0x4000_0000));
        assertErrno("EIO", () -> tracer.cont(pid, 65));
        assertErrno("ESRCH", () -> tracer.cont(4242, 0));
        assertEquals(TaskState.TRACED, state(pid));
        tracer.setOptions(pid, PtraceOptions.TRACESYSGOOD | PtraceOptions.TRACEEXEC);
        List<TraceeInfo> t = tracer.tracees();
        assertEquals(PtraceOptions.TRACESYSGOOD | PtraceOptions.TRACEEXEC, t.get(0).options());
        PtraceSession empty = ptrace.open("empty");
        assertErrno("ECHILD", () -> empty.wait(-1, PtraceSession.WNOHANG));
        assertFalse(t.get(0).seized());
    }
}
