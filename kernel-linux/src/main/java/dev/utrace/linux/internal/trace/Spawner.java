package dev.utrace.linux.internal.trace;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.utrace.linux.internal.sys.Fd;
import dev.utrace.linux.internal.sys.Libc;
import dev.utrace.linux.internal.sys.LinuxException;
import dev.utrace.linux.internal.sys.Ptrace;
import dev.utrace.linux.internal.sys.Signals;
import dev.utrace.linux.internal.sys.Spawn;
import dev.utrace.linux.internal.sys.SyscallInfo;
import dev.utrace.linux.internal.sys.UserRegs.Reg;
import dev.utrace.linux.internal.sys.Wait;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Starts programs traced from their first instruction. posix_spawn runs
 * {@code /bin/sh -c 'kill -STOP $$; exec "$@"' sh PATH ARGV0 ARGS...}: the shell stops itself,
 * the tracer seizes it, sends SIGCONT, and follows it with syscall stops to its {@code execve}.
 * There it points {@code execve}'s argv and envp back at the vectors posix_spawn gave the shell
 * (still intact at the top of its stack), so the program gets exactly the requested argv[0] and
 * environment; a shell would have reordered the environment, set PWD, and dropped names that
 * are not shell identifiers. The program starts at the {@code PTRACE_EVENT_EXEC} stop, the first
 * stop its listener sees; the shell is never shown. A spec with {@link SpawnSpec#syscalls()} gets
 * its seccomp filter installed there too, before the exec ({@link FilterInjector}); if that
 * fails the program runs without one, stopping at every syscall, and a warning says why.
 */
final class Spawner {

    private static final System.Logger LOG = System.getLogger(Spawner.class.getName());
    private static final String SCRIPT = "kill -STOP $$; exec \"$@\"";
    private static final int SHELL_ARGS_BEFORE_ARGV0 = 5; // sh -c SCRIPT sh PATH
    private static final int SYS_EXECVE = 59;
    private static final int STACK_START_FIELD = 28;

    /** A spawn from posix_spawn to the EXEC event. */
    private static final class Pending {
        final SpawnSpec spec;
        final TraceeListener listener;
        final CompletableFuture<Spawned> future;
        final Spawned spawned;
        final int shellArgc;
        final int envc;
        boolean seized;
        boolean contSwallowed;
        boolean inExecve;
        boolean rewritten;
        int execErrno;
        /** Installs the spec's filter at the execve entry; null for none. */
        final FilterInjector injector;

        Pending(SpawnSpec spec, TraceeListener listener, CompletableFuture<Spawned> future, Spawned spawned,
                int shellArgc, int envc) {
            this.spec = spec;
            this.listener = listener;
            this.future = future;
            this.spawned = spawned;
            this.shellArgc = shellArgc;
            this.envc = envc;
            this.injector = spec.syscalls() == null ? null : new FilterInjector(spec.syscalls());
        }
    }

    private final TracerLoop loop;
    private final Map<Integer, Pending> pending = new HashMap<>();

    Spawner(TracerLoop loop) {
        this.loop = loop;
    }

    /** Starts {@code spec}; the future completes at its EXEC event. Tracer thread. */
    void spawn(SpawnSpec spec, TraceeListener listener, CompletableFuture<Spawned> future) {
        if (loop.closing) {
            future.completeExceptionally(new LinuxException("the tracer is closing; nothing more can be spawned"));
            return;
        }
        List<String> env = spec.env() != null ? spec.env() : Spawn.environ();
        Path cwd = spec.cwd() != null ? Path.of(spec.cwd()) : Path.of("").toAbsolutePath();
        if (!cwd.isAbsolute()) cwd = Path.of("").toAbsolutePath().resolve(cwd);
        if (!java.nio.file.Files.isDirectory(cwd)) {
            throw new LinuxException("cannot run " + spec.program() + " in " + spec.cwd() + ": no such directory");
        }
        String path = ProgramPath.resolve(spec.program(), pathVariable(env), cwd);
        List<String> argv = new ArrayList<>(List.of("sh", "-c", SCRIPT, "sh", path));
        argv.add(spec.argv0() != null ? spec.argv0() : spec.program());
        argv.addAll(spec.args());
        int[] out = Fd.pipe();
        int[] err;
        try {
            err = Fd.pipe();
        } catch (RuntimeException e) {
            Fd.close(out[0]);
            Fd.close(out[1]);
            throw e;
        }
        int pid;
        try {
            pid = Spawn.spawn(new Spawn.Request("/bin/sh", argv, env, cwd.toString(), out[1], err[1]));
        } catch (RuntimeException e) {
            Fd.close(out[0]);
            Fd.close(err[0]);
            throw e;
        } finally {
            Fd.close(out[1]);
            Fd.close(err[1]);
        }
        Spawned spawned = new Spawned(pid, path, Output.start(pid, out[0], err[0]));
        pending.put(pid, new Pending(spec, listener, future, spawned, argv.size(), env.size()));
    }

    boolean isIdle() {
        return pending.isEmpty();
    }

    boolean ownsUnseized(int pid) {
        Pending p = pending.get(pid);
        return p != null && !p.seized;
    }

    /** The shell before the seize: its own SIGSTOP, or its death. */
    void onUnseized(int pid, int status) {
        Pending p = pending.get(pid);
        if (!Wait.isStopped(status)) {
            pending.remove(pid);
            p.spawned.exit.complete(status);
            failAfterOutput(p, "the shell that starts it ended (" + Wait.describe(status) + ") before it could be traced");
            return;
        }
        if (loop.closing) {
            Signals.kill(loop.callState, pid, Signals.SIGKILL);
            return;
        }
        int options = TracerLoop.OPTIONS | (exitKill(p, true) ? Ptrace.O_EXITKILL : 0);
        if (Ptrace.call(loop.callState, Ptrace.SEIZE, pid, 0, options) < 0) {
            int errno = Libc.errno(loop.callState);
            Signals.kill(loop.callState, pid, Signals.SIGKILL);
            p.future.completeExceptionally(new LinuxException("PTRACE_SEIZE of the new process " + pid, errno,
                    "this JVM cannot use ptrace (run as root or with CAP_SYS_PTRACE; check seccomp and Yama)"));
            return; // it stays pending (not seized) until its death is reaped
        }
        p.seized = true;
        Tracee t = loop.register(pid, loop.newProcess(pid, p.spawned, p.spec.killOnClose()), p.listener);
        t.wrapper = true;
        Signals.kill(loop.callState, pid, Signals.SIGCONT);
    }

    /**
     * Whether the program dies with this JVM (PTRACE_O_EXITKILL): when asked, and under a filter
     * (untraced, its filtered syscalls would fail with ENOSYS: see {@link Tracer#detach}).
     */
    private static boolean exitKill(Pending p, boolean filter) {
        return p.spec.killOnClose() || filter && p.injector != null;
    }

    /** A stop of the shell, before the program's exec. */
    void onWrapperStop(Tracee t, int sig, int event) {
        Pending p = pending.get(t.process.pid);
        int deliver = 0;
        Resume how = Resume.SYSCALL;
        FilterInjector inj = p.injector;
        if (sig == (Signals.SIGTRAP | 0x80)) {
            loop.request(t, Ptrace.GET_SYSCALL_INFO, SyscallInfo.SIZE, loop.syscallInfo().address());
            var info = loop.syscallInfo();
            if (SyscallInfo.op(info) == SyscallInfo.OP_ENTRY) {
                if (inj != null && inj.started() && !inj.finished()) {
                    inj.reentered(t, loop.regs); // execve entered again after an injected call
                    p.inExecve = inj.finished();
                    if (inj.finished()) injected(t, p, inj);
                } else {
                    p.inExecve = SyscallInfo.nr(info) == SYS_EXECVE;
                    if (p.inExecve && !p.rewritten) pointExecAtSpawnVectors(t, p);
                    if (p.inExecve && inj != null && !inj.started()) {
                        inj.begin(t, loop.regs); // this entry becomes the first call; execve comes again
                        p.inExecve = false;
                    }
                }
            } else if (SyscallInfo.op(info) == SyscallInfo.OP_EXIT && inj != null && inj.inCall()) {
                inj.exited(t, loop.regs, SyscallInfo.rval(info), SyscallInfo.isError(info));
            } else if (SyscallInfo.op(info) == SyscallInfo.OP_EXIT && p.inExecve) {
                if (SyscallInfo.isError(info)) p.execErrno = (int) -SyscallInfo.rval(info);
                p.inExecve = false;
            }
        } else if (event == Ptrace.EVENT_STOP) {
            if (Signals.isStopSignal(sig)) how = Resume.LISTEN;
        } else if (event == 0) {
            // Our own SIGCONT is not the program's business; any other signal is delivered.
            if (sig == Signals.SIGCONT && !p.contSwallowed) p.contSwallowed = true;
            else deliver = sig;
        }
        loop.restart(t, how, deliver);
    }

    /**
     * The injection is over, execve about to run as it was called: the filter is in force from
     * now on, or the program runs without one (then the warning says why, and it no longer dies
     * with this JVM unless asked to).
     */
    private void injected(Tracee t, Pending p, FilterInjector inj) {
        if (inj.installed) {
            t.process.filter = inj.filter;
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "{0}: its seccomp filter could not be installed ({1}); it stops at every syscall",
                p.spawned, inj.failure);
        if (!exitKill(p, false)) loop.request(t, Ptrace.SETOPTIONS, 0, TracerLoop.OPTIONS);
    }

    /** The program is running: the EXEC event of the shell's exec. */
    void execed(Tracee t) {
        t.wrapper = false;
        t.awaitingExit = true; // inside execve: its exit stop comes next, as without a filter
        Pending p = pending.remove(t.process.pid);
        if (!p.rewritten) {
            LOG.log(System.Logger.Level.WARNING, "{0}: the exec of {1} was not recognized; it got the argv and environment the shell passed",
                    p.spawned, p.spawned.path());
        }
        p.future.complete(p.spawned);
    }

    void onWrapperDeath(Tracee t, int status) {
        Pending p = pending.remove(t.process.pid);
        p.spawned.exit.complete(status);
        if (p.execErrno != 0) {
            p.future.completeExceptionally(new LinuxException("cannot run " + p.spec.program() + ": execve of "
                    + p.spawned.path(), p.execErrno, "check the file and its interpreter (a script's #! line)"));
        } else {
            failAfterOutput(p, "it ended (" + Wait.describe(status) + ") before its program started");
        }
    }

    /** At tracer close: programs not started yet are killed (there is nothing to let run). */
    void abortAll() {
        for (Map.Entry<Integer, Pending> e : pending.entrySet()) {
            Signals.kill(loop.callState, e.getKey(), Signals.SIGKILL);
            Tracee t = loop.tracees.get(e.getKey());
            if (t != null) t.killing = true;
            e.getValue().future.completeExceptionally(new LinuxException("the tracer closed before "
                    + e.getValue().spec.program() + " started"));
        }
    }

    /**
     * At the shell's execve entry: argv and envp as posix_spawn laid them out at the top of the
     * shell's stack ({@code /proc/PID/stat} field 28 is where argc is). Checked before use: argc,
     * the path string, and the NULL that ends envp.
     */
    private void pointExecAtSpawnVectors(Tracee t, Pending p) {
        var regs = loop.regs;
        t.getRegs(regs);
        String path = p.spawned.path();
        String seen = readString(t, regs.get(Reg.RDI), path.length() + 1);
        if (!path.equals(seen)) return;
        long argcAt = ProcFs.statField(t.tid, STACK_START_FIELD);
        long argvAt = argcAt + 8;
        long envpAt = argvAt + 8L * (p.shellArgc + 1);
        if (argcAt <= 0 || readWord(t, argcAt) != p.shellArgc || readWord(t, envpAt + 8L * p.envc) != 0
                || p.envc > 0 && readWord(t, envpAt + 8L * (p.envc - 1)) == 0) {
            return;
        }
        regs.set(Reg.RSI, argvAt + 8L * SHELL_ARGS_BEFORE_ARGV0);
        regs.set(Reg.RDX, envpAt);
        t.setRegs(regs);
        p.rewritten = true;
    }

    private long readWord(Tracee t, long address) {
        var buf = loop.scratch(8);
        try {
            return t.readMemory(address, buf) == 8 ? buf.get(JAVA_LONG, 0) : -1;
        } catch (LinuxException e) {
            return -1;
        }
    }

    private String readString(Tracee t, long address, int max) {
        var buf = loop.scratch(max);
        try {
            long n = t.readMemory(address, buf);
            byte[] bytes = buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            int end = 0;
            while (end < bytes.length && bytes[end] != 0) end++;
            return end < bytes.length ? new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8) : null;
        } catch (LinuxException e) {
            return null;
        }
    }

    private void failAfterOutput(Pending p, String why) {
        p.spawned.output().closed().whenComplete((v, e) -> {
            String stderr = p.spawned.output().stderr().strip();
            p.future.completeExceptionally(new LinuxException("cannot run " + p.spec.program() + ": " + why
                    + (stderr.isEmpty() ? "" : "; it said: " + stderr)));
        });
    }

    private static String pathVariable(List<String> env) {
        for (String e : env) if (e.startsWith("PATH=")) return e.substring(5);
        return null;
    }
}
