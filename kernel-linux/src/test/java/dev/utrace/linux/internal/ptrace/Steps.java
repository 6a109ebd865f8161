package dev.utrace.linux.internal.ptrace;

import dev.utrace.api.task.Signals;
import dev.utrace.ptrace.WaitResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What a scenario does to a backend, logged one normalised line per step so that the logs of the
 * three backends can be compared: pids become names (P1, P2, ... in the order the scenario meets
 * them, or a name it gives), statuses are shown as the word and what it means, refusals as the
 * errno's name. Values that differ run to run (addresses, counters) are never logged; a scenario
 * logs what it checks of them instead ({@link #check}).
 */
final class Steps {
    /** A wait report: the pid and the status word. */
    record Wait(int pid, int status) {
        WaitResult decoded() {
            return WaitResult.decode(pid, status, true);
        }

        boolean stopped() {
            return decoded().stopped();
        }

        int event() {
            return (status >> 16) & 0xff;
        }

        int stopSignal() {
            return (status >> 8) & 0xff;
        }
    }

    /** A step whose result the scenario needs failed: the scenario ends here (logged). */
    static final class Aborted extends RuntimeException {
        Aborted(String why) {
            super(why);
        }
    }

    final PtraceBackend b;
    final List<String> log = new ArrayList<>();
    private final Map<Integer, String> names = new HashMap<>();
    private int next = 1;

    Steps(PtraceBackend b) {
        this.b = b;
    }

    String name(int pid) {
        if (pid <= 0) return Integer.toString(pid);
        String n = names.get(pid);
        if (n == null) {
            n = "P" + next++;
            names.put(pid, n);
            b.saw(pid);
        }
        return n;
    }

    /** Gives {@code pid} a name of the scenario's choosing (the thread that execs, the third child...). */
    void name(int pid, String name) {
        names.put(pid, name);
        b.saw(pid);
    }

    void note(String line) {
        log.add(line);
    }

    void check(String what, boolean holds) {
        log.add(what + ": " + (holds ? "yes" : "no"));
    }

    private String result(String step, Runnable r) {
        try {
            r.run();
            log.add(step + ": ok");
            return "ok";
        } catch (BackendError e) {
            log.add(step + ": " + e.errno);
            return e.errno;
        }
    }

    private <T> T value(String step, Supplier<T> s) {
        try {
            return s.get();
        } catch (BackendError e) {
            log.add(step + ": " + e.errno);
            throw new Aborted(step + " failed: " + e.getMessage());
        }
    }

    // ---- processes ----

    int spawn(String program, String... args) {
        int pid = b.spawn(program, false, List.of(args));
        log.add("spawn " + program + (args.length == 0 ? "" : " " + String.join(" ", args)) + ": " + name(pid));
        return pid;
    }

    int spawnStopped(String program, String... args) {
        int pid = b.spawn(program, true, List.of(args));
        log.add("spawn stopped " + program + (args.length == 0 ? "" : " " + String.join(" ", args)) + ": " + name(pid));
        return pid;
    }

    String signal(int pid, int sig) {
        return result("signal " + name(pid) + " " + Signals.name(sig), () -> b.signal(pid, sig));
    }

    char state(int tid) {
        char c = b.state(tid);
        log.add("state " + name(tid) + ": " + c);
        return c;
    }

    /** Waits (20 s at most) until the thread's state is one of {@code letters}, then logs it. */
    void awaitState(int tid, String letters) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        char c;
        while (letters.indexOf(c = b.state(tid)) < 0) {
            if (System.nanoTime() - deadline > 0) {
                log.add("state " + name(tid) + ": " + c + ", never " + letters);
                throw new Aborted(name(tid) + " never reached state " + letters);
            }
            pause();
        }
        log.add("state " + name(tid) + ": " + letters);
    }

    /**
     * Waits (20 s at most) until the thread's state is one of {@code letters}, each of which it
     * stays in once there, then logs the letter it settled in (the scenario compares where it
     * ended, not that it got there).
     */
    char settle(int tid, String letters) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        char c;
        while (letters.indexOf(c = b.state(tid)) < 0) {
            if (System.nanoTime() - deadline > 0) {
                log.add("state " + name(tid) + ": " + c + ", never " + letters);
                throw new Aborted(name(tid) + " never reached state " + letters);
            }
            pause();
        }
        log.add("state " + name(tid) + ": " + c);
        return c;
    }

    void exitStatus(int pid) {
        log.add("exit status of " + name(pid) + ": " + describe(pid, b.exitStatus(pid)));
    }

    void reapable(int pid) {
        Optional<Integer> s = b.reapable(pid);
        log.add("reapable by its parent " + name(pid) + ": " + s.map(w -> describe(pid, w)).orElse("no"));
    }

    // ---- requests ----

    String attach(int pid) {
        return result("attach " + name(pid), () -> b.attach(pid));
    }

    String seize(int pid, int options) {
        return result("seize " + name(pid) + " " + options(options), () -> b.seize(pid, options));
    }

    String interrupt(int pid) {
        return result("interrupt " + name(pid), () -> b.interrupt(pid));
    }

    String listen(int pid) {
        return result("listen " + name(pid), () -> b.listen(pid));
    }

    String detach(int pid, int sig) {
        return result("detach " + name(pid) + " " + sig(sig), () -> b.detach(pid, sig));
    }

    String cont(int pid, int sig) {
        return result("cont " + name(pid) + " " + sig(sig), () -> b.cont(pid, sig));
    }

    String syscall(int pid, int sig) {
        return result("syscall " + name(pid) + " " + sig(sig), () -> b.syscall(pid, sig));
    }

    String step(int pid, int sig) {
        return result("singlestep " + name(pid) + " " + sig(sig), () -> b.singlestep(pid, sig));
    }

    String kill(int pid) {
        return result("kill " + name(pid), () -> b.kill(pid));
    }

    String setOptions(int pid, int options) {
        return result("setoptions " + name(pid) + " " + options(options), () -> b.setOptions(pid, options));
    }

    String otherAttach(int pid, boolean seize) {
        return result("another tracer " + (seize ? "seizes " : "attaches ") + name(pid), () -> b.otherAttach(pid, seize));
    }

    void tracerExit() {
        b.tracerExit();
        log.add("the tracer exits");
    }

    /** Registers, or null (the refusal logged). */
    long[] regs(int pid) {
        try {
            return b.getRegs(pid);
        } catch (BackendError e) {
            log.add("getregs " + name(pid) + ": " + e.errno);
            return null;
        }
    }

    /** Registers the scenario needs: a refusal ends it. */
    long[] needRegs(int pid) {
        return value("getregs " + name(pid), () -> b.getRegs(pid));
    }

    String setReg(int pid, dev.utrace.api.task.Reg reg, long v) {
        return result("setregs " + name(pid) + " " + reg.name().toLowerCase() + "=" + v, () -> b.setReg(pid, reg.ordinal(), v));
    }

    /** A word of memory, or null (the refusal logged). */
    Long peek(int pid, long address, String what) {
        try {
            return b.peek(pid, address);
        } catch (BackendError e) {
            log.add("peek " + name(pid) + " " + what + ": " + e.errno);
            return null;
        }
    }

    String poke(int pid, long address, long value, String what) {
        return result("poke " + name(pid) + " " + what, () -> b.poke(pid, address, value));
    }

    Long peekUser(int pid, long offset) {
        try {
            return b.peekUser(pid, offset);
        } catch (BackendError e) {
            log.add("peekuser " + name(pid) + " " + offset + ": " + e.errno);
            return null;
        }
    }

    String pokeUser(int pid, long offset, long value) {
        return result("pokeuser " + name(pid) + " " + offset + " " + value, () -> b.pokeUser(pid, offset, value));
    }

    /** Logs the siginfo (signo and code) or the refusal. */
    void sigInfo(int pid) {
        try {
            int[] si = b.getSigInfo(pid);
            log.add("getsiginfo " + name(pid) + ": " + Signals.name(si[0]) + " code " + code(si[1]));
        } catch (BackendError e) {
            log.add("getsiginfo " + name(pid) + ": " + e.errno);
        }
    }

    /** The event message as a pid (named and logged). */
    int eventMsgPid(int pid) {
        long m = value("geteventmsg " + name(pid), () -> b.getEventMsg(pid));
        log.add("geteventmsg " + name(pid) + ": " + (m == 0 ? "0" : name((int) m)));
        return (int) m;
    }

    /**
     * The event message, unlogged, or empty if the tracee is no longer in its stop (a SIGKILL
     * from another thread's exec took it out): for scenarios that log a summary.
     */
    Optional<Long> eventMsgQuietly(int pid) {
        try {
            return Optional.of(b.getEventMsg(pid));
        } catch (BackendError e) {
            return Optional.empty();
        }
    }

    /** The event message as a number (an exit status), logged. */
    long eventMsg(int pid) {
        long m = value("geteventmsg " + name(pid), () -> b.getEventMsg(pid));
        log.add("geteventmsg " + name(pid) + ": 0x" + Long.toHexString(m));
        return m;
    }

    /** The next report of {@code pid} (-1: any), logged. */
    Wait await(int pid) {
        String step = "wait " + (pid == -1 ? "any" : name(pid));
        int[] r;
        try {
            r = b.wait(pid, false).orElseThrow();
        } catch (BackendError e) {
            log.add(step + ": " + e.errno);
            throw new Aborted(step + " failed: " + e.getMessage());
        }
        Wait w = new Wait(r[0], r[1]);
        log.add(step + ": " + describe(w.pid, w.status));
        return w;
    }

    /** The next report, not logged: for scenarios that log a summary of many. */
    Wait awaitQuietly(int pid) {
        int[] r = b.wait(pid, false).orElseThrow();
        return new Wait(r[0], r[1]);
    }

    /** WNOHANG: logs what is there, or "none" (or the refusal: ECHILD). */
    void nothingToWaitFor(int pid) {
        String step = "wait nohang " + (pid == -1 ? "any" : name(pid));
        try {
            Optional<int[]> r = b.wait(pid, true);
            log.add(step + ": " + r.map(w -> describe(w[0], w[1])).orElse("none"));
        } catch (BackendError e) {
            log.add(step + ": " + e.errno);
        }
    }

    // ---- formatting ----

    String describe(int pid, int status) {
        return name(pid) + " 0x" + Integer.toHexString(status) + " " + WaitResult.decode(pid, status, true).describe();
    }

    static String sig(int sig) {
        return sig == 0 ? "0" : Signals.name(sig);
    }

    static String code(int code) {
        return switch (code) {
            case Signals.SI_USER -> "SI_USER";
            case Signals.SI_KERNEL -> "SI_KERNEL";
            case Signals.SI_TKILL -> "SI_TKILL";
            default -> "0x" + Integer.toHexString(code);
        };
    }

    static String options(int o) {
        return o == 0 ? "0" : dev.utrace.ptrace.PtraceOptions.format(o);
    }

    static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Aborted("interrupted");
        }
    }
}
