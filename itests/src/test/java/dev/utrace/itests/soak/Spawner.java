package dev.utrace.itests.soak;

import dev.utrace.api.task.Signals;
import dev.utrace.api.proc.TaskInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Starts programs while fewer than {@code maxProcs} processes live: the soak's own programs
 * (clone, fork, vfork, exec, multithreaded exec by a non-leader, signals to themselves and
 * others, blocked and ignored signals, group stops) and the machine's library.
 */
final class Spawner {
    static final String[] SOAK_PROGRAMS = {"soak-leaf", "soak-signals", "soak-forks", "soak-threads", "soak-groupstop",
        "soak-exec", "soak-killer"};
    private static final String[][] RUNS = {
        {"soak-signals", "30"}, {"soak-signals", "200"}, {"soak-forks", "3"}, {"soak-threads"}, {"soak-groupstop", "4"},
        {"soak-exec"}, {"soak-killer"}, {"soak-leaf", "4"}, {"hello"}, {"counter", "20"}, {"forker", "3"},
        {"threadpool", "3"}, {"mt-exec", "0"}, {"mt-exec", "1"}, {"signals"}, {"stopper"}, {"sleeper", "30"},
        {"true"}, {"idle"}, {"crash"}, {"scribbler", "2"}, {"memwriter", "5"},
    };

    private final SoakContext cx;
    private final Dice dice;

    Spawner(SoakContext cx, Dice dice) {
        this.cx = cx;
        this.dice = dice;
    }

    /** Spawns a random program if there is room; false if there is not. */
    boolean spawnIfRoom() {
        if (liveProcesses(cx.sim.tasks()) >= cx.config.maxProcs()) return false;
        String[] run = RUNS[dice.nextInt(RUNS.length)];
        boolean stopped = dice.chance(0.3);
        int pid = cx.sim.spawn(run[0], List.of(run).subList(1, run.length), stopped);
        cx.stats.spawns.increment();
        if (stopped && dice.chance(0.5)) {
            dev.utrace.spi.TracedTask t = cx.sim.findTask(pid);
            if (t != null) {
                EngineRecord r = cx.attacher.create(cx.owner(dice.nextInt(SoakContext.OWNERS)), t, dice, false);
                if (r != null) cx.keepOrDrop(r, dice);
            }
            cx.sim.kill(pid, Signals.SIGCONT);
        }
        return true;
    }

    static int liveProcesses(List<TaskInfo> tasks) {
        Set<Integer> groups = new HashSet<>();
        for (TaskInfo t : tasks) {
            if (t.tgid() != 1 && !t.state().hasExited()) groups.add(t.tgid());
        }
        return groups.size();
    }
}
