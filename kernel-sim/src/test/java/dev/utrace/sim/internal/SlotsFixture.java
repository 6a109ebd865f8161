package dev.utrace.sim.internal;

import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.hw.WatchHit;
import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.spi.TracedTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A machine whose stand-in core plays the owners of debug slots: at each SIGTRAP it takes the
 * hits of every owner in {@link #owners} (as an engine's signal callback would) and consumes the
 * trap, so the program runs on. Programs map a page at {@link #PAGE} to have something to watch.
 */
abstract class SlotsFixture {
    static final long PAGE = 0x1000_0000L;

    /** An owner of claims; compared by identity, named for messages. */
    record Owner(String name) {
        @Override
        public String toString() {
            return name;
        }
    }

    final ScriptedHooks hooks = new ScriptedHooks();
    Sim sim;
    DebugSlots slots;
    /** Whose hits the SIGTRAP report takes. */
    final List<Owner> owners = new CopyOnWriteArrayList<>();
    final Map<Owner, List<WatchHit>> taken = new ConcurrentHashMap<>();
    /** One line per SIGTRAP reported: "code=4 addr=0x... rip=0x... dr6=0x...". */
    final List<String> traps = new CopyOnWriteArrayList<>();

    @BeforeEach
    void boot() {
        sim = new Sim(hooks);
        slots = sim.machine;
        hooks.onGetSignal = this::reportSignal;
    }

    @AfterEach
    void shutdown() {
        sim.close();
    }

    /** The stand-in core's signal report: a SIGTRAP's hits go to their owners and the trap is consumed. */
    private int reportSignal(TracedTask t, SignalInfo info, SigAction ka) {
        SignalInfo got = new SignalInfo();
        int sig = t.dequeueSignal(got);
        if (sig == 0) return 0;
        if (sig != Signals.SIGTRAP) {
            t.requeueSignal(got); // not ours: the machine delivers it as usual
            return 0;
        }
        traps.add("code=" + got.code + " addr=0x" + Long.toHexString(got.addr) + " rip=0x"
                + Long.toHexString(t.register(Reg.RIP)) + " dr6=0x" + Long.toHexString(t.register(Reg.DR6)));
        t.setRegister(Reg.DR6, 0);
        for (Owner o : owners) taken.computeIfAbsent(o, k -> new CopyOnWriteArrayList<>()).addAll(slots.takeHits(t, o));
        return -1;
    }

    List<WatchHit> taken(Owner o) {
        return new ArrayList<>(taken.getOrDefault(o, List.of()));
    }

    /** Writes a program that maps {@link #PAGE}, runs {@code body}, and exits 0. */
    void program(String name, String... body) {
        List<String> lines = new ArrayList<>();
        lines.add("    mmap " + PAGE + ", 4096");
        lines.addAll(List.of(body));
        lines.add("    exit 0");
        sim.program(name, lines.toArray(String[]::new));
    }

    /** Spawns {@code program} held in a job-control stop before its first instruction. */
    int spawnStopped(String program, String... args) {
        int pid = sim.machine.spawn(program, List.of(args), true);
        Sim.await("process " + pid + " stopped", () -> sim.machine.info(pid).state() == TaskState.STOPPED);
        return pid;
    }

    void cont(int pid) {
        sim.machine.kill(pid, Signals.SIGCONT);
    }
}
