package dev.utrace.linux.internal.ptrace;

import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.proc.ProcessControl;
import dev.utrace.api.proc.ProcessException;
import dev.utrace.api.proc.Processes;
import dev.utrace.api.proc.SpawnRequest;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.impl.UtraceCore;
import dev.utrace.ptrace.PtraceException;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.WaitResult;
import dev.utrace.ptrace.internal.PtraceService;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Our ptrace: a {@code PtraceSession} of the ptrace engine over the real utrace core, on a
 * machine (the simulated one or the Linux one), wired as Declarative Services would wire them.
 * Its refusals are the session's {@code PtraceException}s.
 */
abstract class SessionBackend implements PtraceBackend {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(20);

    private final String name;
    final Processes processes;
    final UtraceCore core;
    final PtraceService service;
    private final UnaryOperator<String> programs;
    private PtraceSession tracer;
    /** Every pid the scenario started or learned of: killed at the end. */
    final Set<Integer> pids = ConcurrentHashMap.newKeySet();

    SessionBackend(String name, Processes processes, ProcessControl control, DebugSlots slots, UtraceCore core,
            UnaryOperator<String> programs) {
        this.name = name;
        this.processes = processes;
        this.core = core;
        this.programs = programs;
        this.service = new PtraceService(core.facade("ptrace"), control, slots);
        this.tracer = service.open("conformance");
    }

    @Override
    public String name() {
        return name;
    }

    /** Runs a session request; its refusal becomes the errno it names. */
    private <T> T call(java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (PtraceException e) {
            throw new BackendError(e.errno(), e.getMessage());
        }
    }

    private void run(Runnable request) {
        call(() -> {
            request.run();
            return null;
        });
    }

    @Override
    public int spawn(String program, boolean stopped, List<String> args) {
        int pid = processes.spawn(SpawnRequest.of(programs.apply(program), args).withStopped(stopped));
        saw(pid);
        return pid;
    }

    @Override
    public void attach(int pid) {
        run(() -> tracer.attach(pid));
    }

    @Override
    public void seize(int pid, int options) {
        run(() -> tracer.seize(pid, options));
    }

    @Override
    public void interrupt(int pid) {
        run(() -> tracer.interrupt(pid));
    }

    @Override
    public void listen(int pid) {
        run(() -> tracer.listen(pid));
    }

    @Override
    public void detach(int pid, int signal) {
        run(() -> tracer.detach(pid, signal));
    }

    @Override
    public void cont(int pid, int signal) {
        run(() -> tracer.cont(pid, signal));
    }

    @Override
    public void syscall(int pid, int signal) {
        run(() -> tracer.syscall(pid, signal));
    }

    @Override
    public void singlestep(int pid, int signal) {
        run(() -> tracer.singlestep(pid, signal));
    }

    @Override
    public void kill(int pid) {
        run(() -> tracer.kill(pid));
    }

    @Override
    public long[] getRegs(int pid) {
        return call(() -> tracer.getRegs(pid));
    }

    @Override
    public void setReg(int pid, int index, long value) {
        run(() -> {
            long[] regs = tracer.getRegs(pid);
            regs[index] = value;
            tracer.setRegs(pid, regs);
        });
    }

    @Override
    public long peek(int pid, long address) {
        return call(() -> tracer.peek(pid, address));
    }

    @Override
    public void poke(int pid, long address, long value) {
        run(() -> tracer.poke(pid, address, value));
    }

    @Override
    public long peekUser(int pid, long offset) {
        return call(() -> tracer.peekUser(pid, offset));
    }

    @Override
    public void pokeUser(int pid, long offset, long value) {
        run(() -> tracer.pokeUser(pid, offset, value));
    }

    @Override
    public int[] getSigInfo(int pid) {
        SignalInfo si = call(() -> tracer.getSigInfo(pid));
        return new int[] {si.signo, si.code};
    }

    @Override
    public void setOptions(int pid, int options) {
        run(() -> tracer.setOptions(pid, options));
    }

    @Override
    public long getEventMsg(int pid) {
        return call(() -> tracer.getEventMsg(pid));
    }

    @Override
    public Optional<int[]> wait(int pid, boolean nohang) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (true) {
            Optional<WaitResult> r = call(() -> {
                try {
                    return tracer.wait(pid, PtraceSession.WNOHANG);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            });
            if (r.isPresent()) return Optional.of(new int[] {r.get().pid(), r.get().status()});
            if (nohang) return Optional.empty();
            if (System.nanoTime() - deadline > 0) throw new AssertionError("wait " + pid + " timed out on " + name);
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void signal(int pid, int signal) {
        try {
            processes.kill(pid, signal);
        } catch (ProcessException e) {
            throw new BackendError("ESRCH", e.getMessage());
        }
    }

    @Override
    public char state(int tid) {
        TaskState s;
        try {
            s = processes.info(tid).state();
        } catch (ProcessException gone) {
            return '-';
        }
        return switch (s) {
            case RUNNING -> 'R';
            case SLEEPING -> 'S';
            case STOPPED -> 'T';
            case TRACED -> 't';
            case EXITING, ZOMBIE -> 'Z';
            case DEAD -> '-';
        };
    }

    @Override
    public int exitStatus(int pid) {
        try {
            return processes.waitExit(pid, Duration.ofSeconds(20))
                    .orElseThrow(() -> new AssertionError("process " + pid + " did not end on " + name)).word();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public Optional<Integer> reapable(int pid) {
        try {
            return processes.waitExit(pid, Duration.ofMillis(20)).map(w -> w.word());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void otherAttach(int pid, boolean seize) {
        PtraceSession other = service.open("other");
        try {
            run(() -> {
                if (seize) other.seize(pid, 0);
                else other.attach(pid);
            });
        } finally {
            other.close();
        }
    }

    @Override
    public void tracerExit() {
        tracer.close();
    }

    @Override
    public void saw(int pid) {
        pids.add(pid);
    }

    /** SIGKILLs every process of the scenario still on the machine, and waits until each is gone. */
    void killAll() {
        service.deactivate();
        for (int pid : pids) {
            try {
                processes.kill(pid, Signals.SIGKILL);
            } catch (ProcessException gone) {
                // ended already
            }
        }
        long deadline = System.nanoTime() + WAIT_NANOS;
        for (int pid : pids) {
            while (processes.tasks().stream().anyMatch(t -> t.tid() == pid || t.tgid() == pid)) {
                if (System.nanoTime() - deadline > 0) throw new AssertionError(pid + " is still there on " + name + ": " + processes.tasks());
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    static String regName(int index) {
        return Reg.values()[index].name().toLowerCase();
    }
}
