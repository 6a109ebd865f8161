package dev.utrace.linux.internal.ptrace;

import dev.utrace.linux.internal.trace.LeakGuard;
import dev.utrace.linux.internal.trace.Workloads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real kernel as the oracle: a plain C tracer ({@code workloads/ptracer.c}) makes the ptrace
 * calls, one command a line. Its launcher process starts the programs (their real parent, as the
 * machines are for theirs), so the tracer, like a {@code PtraceSession}, is the parent of none of
 * its tracees.
 */
final class KernelBackend implements PtraceBackend {
    private final Process launcher;
    private final BufferedReader in;
    private final Writer out;
    private final LeakGuard guard = new LeakGuard();

    KernelBackend() throws IOException {
        launcher = new ProcessBuilder(Workloads.path("ptracer")).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        in = new BufferedReader(new InputStreamReader(launcher.getInputStream(), StandardCharsets.US_ASCII));
        out = new OutputStreamWriter(launcher.getOutputStream(), StandardCharsets.US_ASCII);
    }

    @Override
    public String name() {
        return "kernel";
    }

    /** The C workload {@code program}, built with those it execs (found beside it, as true and spin). */
    static String workload(String program) {
        switch (program) {
            case "mt-exec" -> Workloads.path("true");
            case "execer" -> Workloads.path("spin");
            default -> { }
        }
        return Workloads.path(program);
    }

    /** Sends one command; returns the answer's words after its first, or throws the errno it names. */
    private String[] ask(String command) {
        String line;
        try {
            out.write(command + "\n");
            out.flush();
            line = in.readLine();
        } catch (IOException e) {
            throw new AssertionError("the C tracer failed at '" + command + "'", e);
        }
        if (line == null) throw new AssertionError("the C tracer ended at '" + command + "'");
        String[] words = line.split(" ");
        if (words[0].equals("err")) throw new BackendError(words[1], "the kernel refused '" + command + "': " + line);
        if (words[0].equals("timeout")) throw new AssertionError("'" + command + "' timed out on the kernel");
        String[] rest = new String[words.length - 1];
        System.arraycopy(words, 1, rest, 0, rest.length);
        return rest;
    }

    private static long value(String word) {
        return Long.parseUnsignedLong(word.substring(2), 16);
    }

    @Override
    public int spawn(String program, boolean stopped, List<String> args) {
        StringBuilder cmd = new StringBuilder("spawn ").append(stopped ? 1 : 0).append(' ').append(workload(program));
        for (String a : args) cmd.append(' ').append(a);
        int pid = Integer.parseInt(ask(cmd.toString())[0]);
        guard.track(pid);
        return pid;
    }

    @Override
    public void attach(int pid) {
        ask("attach " + pid);
    }

    @Override
    public void seize(int pid, int options) {
        ask("seize " + pid + " " + options);
    }

    @Override
    public void interrupt(int pid) {
        ask("interrupt " + pid);
    }

    @Override
    public void listen(int pid) {
        ask("listen " + pid);
    }

    @Override
    public void detach(int pid, int signal) {
        ask("detach " + pid + " " + signal);
    }

    @Override
    public void cont(int pid, int signal) {
        ask("cont " + pid + " " + signal);
    }

    @Override
    public void syscall(int pid, int signal) {
        ask("syscall " + pid + " " + signal);
    }

    @Override
    public void singlestep(int pid, int signal) {
        ask("step " + pid + " " + signal);
    }

    @Override
    public void kill(int pid) {
        ask("kill " + pid);
    }

    @Override
    public long[] getRegs(int pid) {
        String[] w = ask("getregs " + pid);
        long[] regs = new long[w.length];
        for (int i = 0; i < w.length; i++) regs[i] = value(w[i]);
        return regs;
    }

    @Override
    public void setReg(int pid, int index, long value) {
        ask("setreg " + pid + " " + index + " " + Long.toUnsignedString(value));
    }

    @Override
    public long peek(int pid, long address) {
        return value(ask("peek " + pid + " " + address)[0]);
    }

    @Override
    public void poke(int pid, long address, long value) {
        ask("poke " + pid + " " + address + " " + Long.toUnsignedString(value));
    }

    @Override
    public long peekUser(int pid, long offset) {
        return value(ask("peekuser " + pid + " " + offset)[0]);
    }

    @Override
    public void pokeUser(int pid, long offset, long value) {
        ask("pokeuser " + pid + " " + offset + " " + Long.toUnsignedString(value));
    }

    @Override
    public int[] getSigInfo(int pid) {
        String[] w = ask("getsiginfo " + pid);
        return new int[] {Integer.parseInt(w[0]), Integer.parseInt(w[1])};
    }

    @Override
    public void setOptions(int pid, int options) {
        ask("setoptions " + pid + " " + options);
    }

    @Override
    public long getEventMsg(int pid) {
        return value(ask("geteventmsg " + pid)[0]);
    }

    @Override
    public Optional<int[]> wait(int pid, boolean nohang) {
        String[] w = ask("wait " + pid + " " + (nohang ? 1 : 0));
        if (w.length == 0) return Optional.empty(); // "none"
        return Optional.of(new int[] {Integer.parseInt(w[0]), (int) value(w[2])});
    }

    @Override
    public void signal(int pid, int signal) {
        ask("signal " + pid + " " + signal);
    }

    @Override
    public char state(int tid) {
        return ask("state " + tid)[0].charAt(0);
    }

    @Override
    public int exitStatus(int pid) {
        return (int) value(ask("exitstatus " + pid)[0]);
    }

    @Override
    public Optional<Integer> reapable(int pid) {
        String[] w = ask("reaped " + pid);
        return w.length == 0 ? Optional.empty() : Optional.of((int) value(w[0]));
    }

    @Override
    public void otherAttach(int pid, boolean seize) {
        ask("other " + (seize ? "seize " : "attach ") + pid);
    }

    @Override
    public void tracerExit() {
        ask("tracer-exit");
    }

    @Override
    public void saw(int pid) {
        guard.track(pid);
    }

    @Override
    public void close() throws Exception {
        List<ProcessHandle> below = new ArrayList<>(launcher.descendants().toList());
        try {
            out.write("quit\n");
            out.flush();
        } catch (IOException gone) {
            // it ended already; its children died with it
        }
        if (!launcher.waitFor(20, TimeUnit.SECONDS)) {
            below.forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
            throw new AssertionError("the C tracer's launcher did not quit");
        }
        guard.assertNoneLeft();
    }
}
