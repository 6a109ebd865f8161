package dev.utrace.ptrace.internal.commands;

import dev.utrace.api.task.Signals;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.internal.commands.Views.Done;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code ptrace:} commands that take and let go of tracees and make them run: attach,
 * seize, cont, syscall, step, interrupt, listen, detach, kill. Each returns a {@link Done}. A
 * bad word is refused with what was wrong and how to call the command ({@link Args}); a request
 * the engine refuses prints "ptrace: ERRNO: message" ({@link Refused}); either way nothing
 * changed.
 */
@Component(service = Object.class, property = {
        "osgi.command.scope=ptrace",
        "osgi.command.function=attach", "osgi.command.function=seize", "osgi.command.function=cont",
        "osgi.command.function=syscall", "osgi.command.function=step", "osgi.command.function=interrupt",
        "osgi.command.function=listen", "osgi.command.function=detach", "osgi.command.function=kill",
        "service.description=ptrace: commands that attach, resume and detach tracees"})
public final class ControlCommands {
    static final String SIG = "  (signal: 0 for none (default), a number 1..64 or a name such as SIGUSR1, usr1)";
    static final String ATTACH = "attach <pid>";
    static final String SEIZE = "seize <pid> [options]  (options: names such as TRACESYSGOOD,TRACEEXEC, or 0)";
    static final String CONT = "cont <pid> [signal]" + SIG;
    static final String SYSCALL = "syscall <pid> [signal]" + SIG;
    static final String STEP = "step <pid> [signal]" + SIG;
    static final String INTERRUPT = "interrupt <pid>";
    static final String LISTEN = "listen <pid>";
    static final String DETACH = "detach <pid> [signal]" + SIG;
    static final String KILL = "kill <pid>";

    private final ShellTracer tracer;

    @Activate
    public ControlCommands(@Reference ShellTracer tracer) {
        this.tracer = tracer;
    }

    @Descriptor("trace a task (missing: the pid)")
    public Done attach() {
        throw Args.bad("attach needs the pid of a task; utrace:ps lists them", ATTACH);
    }

    @Descriptor("PTRACE_ATTACH: trace a task and stop it with SIGSTOP; ptrace:wait reports the stop")
    public Done attach(@Descriptor("the thread id, as utrace:ps shows it") String pid) {
        int p = Args.pid(pid, ATTACH);
        tracer.request(s -> {
            s.attach(p);
            return null;
        });
        return new Done(p, "PTRACE_ATTACH", "traced by '" + ShellTracer.NAME + "', stopping; ptrace:wait " + p
                + " reports the stop");
    }

    @Descriptor("trace a task without stopping it (missing: the pid)")
    public Done seize() {
        throw Args.bad("seize needs the pid of a task; utrace:ps lists them", SEIZE);
    }

    @Descriptor("PTRACE_SEIZE: trace a task without stopping it")
    public Done seize(@Descriptor("the thread id, as utrace:ps shows it") String pid) {
        return seize(pid, "0");
    }

    @Descriptor("PTRACE_SEIZE: trace a task without stopping it, with options")
    public Done seize(
            @Descriptor("the thread id, as utrace:ps shows it") String pid,
            @Descriptor("options: TRACESYSGOOD, TRACEFORK, TRACEVFORK, TRACECLONE, TRACEEXEC, TRACEVFORKDONE, TRACEEXIT,"
                    + " EXITKILL, comma separated, or 0") String options) {
        int p = Args.pid(pid, SEIZE);
        int o = Args.options(options, SEIZE);
        tracer.request(s -> {
            s.seize(p, o);
            return null;
        });
        return new Done(p, "PTRACE_SEIZE", "traced by '" + ShellTracer.NAME + "' with options " + PtraceOptions.format(o)
                + "; still running (ptrace:interrupt " + p + " stops it)");
    }

    @Descriptor("resume a tracee (missing: the pid)")
    public Done cont() {
        throw Args.bad("cont needs the pid of a stopped tracee; ptrace:tracees lists them", CONT);
    }

    @Descriptor("PTRACE_CONT: resume a stopped tracee without a signal (a signal it stopped for is suppressed)")
    public Done cont(@Descriptor("the tracee's thread id") String pid) {
        return cont(pid, "0");
    }

    @Descriptor("PTRACE_CONT: resume a stopped tracee, delivering a signal")
    public Done cont(
            @Descriptor("the tracee's thread id") String pid,
            @Descriptor("the signal to deliver: 0 for none, a number or a name such as SIGUSR1, usr1") String signal) {
        return resume(pid, signal, CONT, PtraceSession::cont, "PTRACE_CONT", "running");
    }

    @Descriptor("resume a tracee to its next syscall (missing: the pid)")
    public Done syscall() {
        throw Args.bad("syscall needs the pid of a stopped tracee; ptrace:tracees lists them", SYSCALL);
    }

    @Descriptor("PTRACE_SYSCALL: resume a stopped tracee until its next syscall entry or exit")
    public Done syscall(@Descriptor("the tracee's thread id") String pid) {
        return syscall(pid, "0");
    }

    @Descriptor("PTRACE_SYSCALL: resume a stopped tracee until its next syscall entry or exit, delivering a signal")
    public Done syscall(
            @Descriptor("the tracee's thread id") String pid,
            @Descriptor("the signal to deliver: 0 for none, a number or a name such as SIGUSR1, usr1") String signal) {
        return resume(pid, signal, SYSCALL, PtraceSession::syscall, "PTRACE_SYSCALL", "running to the next syscall entry or exit");
    }

    @Descriptor("single-step a tracee (missing: the pid)")
    public Done step() {
        throw Args.bad("step needs the pid of a stopped tracee; ptrace:tracees lists them", STEP);
    }

    @Descriptor("PTRACE_SINGLESTEP: run one instruction of a stopped tracee; it stops again with SIGTRAP")
    public Done step(@Descriptor("the tracee's thread id") String pid) {
        return step(pid, "0");
    }

    @Descriptor("PTRACE_SINGLESTEP: run one instruction of a stopped tracee, delivering a signal first")
    public Done step(
            @Descriptor("the tracee's thread id") String pid,
            @Descriptor("the signal to deliver: 0 for none, a number or a name such as SIGUSR1, usr1") String signal) {
        return resume(pid, signal, STEP, PtraceSession::singlestep, "PTRACE_SINGLESTEP", "stepping one instruction");
    }

    @Descriptor("stop a seized tracee (missing: the pid)")
    public Done interrupt() {
        throw Args.bad("interrupt needs the pid of a seized tracee; ptrace:tracees lists them", INTERRUPT);
    }

    @Descriptor("PTRACE_INTERRUPT: stop a seized tracee, even in a blocking sleep; ptrace:wait reports the stop")
    public Done interrupt(@Descriptor("the tracee's thread id") String pid) {
        int p = Args.pid(pid, INTERRUPT);
        tracer.request(s -> {
            s.interrupt(p);
            return null;
        });
        return new Done(p, "PTRACE_INTERRUPT", "stopping; ptrace:wait " + p + " reports the stop");
    }

    @Descriptor("let a seized tracee in a group stop listen (missing: the pid)")
    public Done listen() {
        throw Args.bad("listen needs the pid of a seized tracee in a group stop", LISTEN);
    }

    @Descriptor("PTRACE_LISTEN: a seized tracee in a group stop stays stopped; SIGCONT makes it stop for ptrace:wait again")
    public Done listen(@Descriptor("the tracee's thread id") String pid) {
        int p = Args.pid(pid, LISTEN);
        tracer.request(s -> {
            s.listen(p);
            return null;
        });
        return new Done(p, "PTRACE_LISTEN", "listening: stays in its group stop until SIGCONT");
    }

    @Descriptor("stop tracing a task (missing: the pid)")
    public Done detach() {
        throw Args.bad("detach needs the pid of a stopped tracee; ptrace:tracees lists them", DETACH);
    }

    @Descriptor("PTRACE_DETACH: stop tracing a stopped tracee and let it run")
    public Done detach(@Descriptor("the tracee's thread id") String pid) {
        return detach(pid, "0");
    }

    @Descriptor("PTRACE_DETACH: stop tracing a stopped tracee and let it run, delivering a signal")
    public Done detach(
            @Descriptor("the tracee's thread id") String pid,
            @Descriptor("the signal to deliver: 0 for none, a number or a name such as SIGUSR1, usr1") String signal) {
        int p = Args.pid(pid, DETACH);
        int sig = Args.signal(signal, DETACH);
        tracer.request(s -> {
            s.detach(p, sig);
            return null;
        });
        return new Done(p, "PTRACE_DETACH", "detached, running" + delivering(sig));
    }

    @Descriptor("kill a tracee (missing: the pid)")
    public Done kill() {
        throw Args.bad("kill needs the pid of a tracee; ptrace:tracees lists them", KILL);
    }

    @Descriptor("PTRACE_KILL: send SIGKILL to a tracee; ptrace:wait reports its death")
    public Done kill(@Descriptor("the tracee's thread id") String pid) {
        int p = Args.pid(pid, KILL);
        tracer.request(s -> {
            s.kill(p);
            return null;
        });
        return new Done(p, "PTRACE_KILL", "SIGKILL sent; ptrace:wait " + p + " reports its death");
    }

    private static String delivering(int sig) {
        return sig == 0 ? ", no signal" : ", delivering " + Signals.name(sig);
    }

    /** A resume request's one signature: the tracee, the signal to deliver. */
    private interface Resume {
        void run(PtraceSession session, int pid, int signal);
    }

    /** cont, syscall and step: parse, ask the tracer, say what the tracee does now. */
    private Done resume(String pid, String signal, String usage, Resume request, String name, String state) {
        int p = Args.pid(pid, usage);
        int sig = Args.signal(signal, usage);
        tracer.request(s -> {
            request.run(s, p, sig);
            return null;
        });
        return new Done(p, name, state + delivering(sig));
    }
}
