package dev.utrace.ptrace.internal.commands;

import static dev.utrace.shell.command.Command.command;

import dev.utrace.api.task.Signals;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.internal.commands.Views.Done;
import dev.utrace.shell.command.Command;
import dev.utrace.shell.command.Registrations;
import dev.utrace.shell.command.Words;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code ptrace:} commands that take and let go of tracees and make them run: attach,
 * seize, cont, syscall, step, interrupt, listen, detach, kill. Each returns a {@link Done}. A
 * bad word is refused with what was wrong and how to call the command ({@link Args}); a request
 * the engine refuses prints "ptrace: ERRNO: message" ({@link Refused}); either way nothing
 * changed.
 */
@Component(reference = @Reference(name = "gogo", service = CommandProcessor.class), // only with a shell: see package-info
        service = {}, property = "service.description=ptrace: commands that attach, resume and detach tracees")
public final class ControlCommands {
    static final String SCOPE = "ptrace";
    static final String SIG = "signal: 0 for none (default), a number 1..64 or a name such as SIGUSR1, usr1";
    static final String SIGNAL = "the signal to deliver: 0 for none (default), a number 1..64 or a name such as SIGUSR1, usr1";
    static final String TRACEE = "the tracee's thread id, as ptrace:tracees shows it";

    private final ShellTracer tracer;
    private final List<Command> commands;
    private Registrations registrations;

    /** The commands, not registered anywhere (tests hand them to a Gogo runtime themselves). */
    public ControlCommands(ShellTracer tracer) {
        this.tracer = tracer;
        this.commands = List.of(attach(), seize(),
                resume("cont", "PTRACE_CONT: resume a stopped tracee (without a signal, one it stopped for is suppressed)",
                        PtraceSession::cont, "PTRACE_CONT", "running"),
                resume("syscall", "PTRACE_SYSCALL: resume a stopped tracee until its next syscall entry or exit",
                        PtraceSession::syscall, "PTRACE_SYSCALL", "running to the next syscall entry or exit"),
                resume("step", "PTRACE_SINGLESTEP: run one instruction of a stopped tracee; it stops again with SIGTRAP",
                        PtraceSession::singlestep, "PTRACE_SINGLESTEP", "stepping one instruction"),
                interrupt(), listen(), detach(), kill());
    }

    @Activate
    public ControlCommands(@Reference ShellTracer tracer, BundleContext context) {
        this(tracer);
        registrations = Registrations.register(context, commands);
    }

    @Deactivate
    void deactivate() {
        registrations.close();
    }

    public List<Command> commands() {
        return commands;
    }

    private Command attach() {
        return command(SCOPE, "attach").does("PTRACE_ATTACH: trace a task and stop it with SIGSTOP; ptrace:wait reports the stop")
                .param("pid", "the thread id, as utrace:ps shows it")
                .runs(w -> {
                    int p = Args.pid(w.get("pid"));
                    tracer.request(s -> {
                        s.attach(p);
                        return null;
                    });
                    return new Done(p, "PTRACE_ATTACH", "traced by '" + ShellTracer.NAME + "', stopping; ptrace:wait " + p
                            + " reports the stop");
                });
    }

    private Command seize() {
        return command(SCOPE, "seize").does("PTRACE_SEIZE: trace a task without stopping it")
                .param("pid", "the thread id, as utrace:ps shows it")
                .optional("options", "TRACESYSGOOD, TRACEFORK, TRACEVFORK, TRACECLONE, TRACEEXEC, TRACEVFORKDONE, TRACEEXIT,"
                        + " EXITKILL, comma separated, or 0 (default)")
                .note("options: names such as TRACESYSGOOD,TRACEEXEC, or 0")
                .runs(w -> {
                    int p = Args.pid(w.get("pid"));
                    int o = Args.options(w.get("options", "0"));
                    tracer.request(s -> {
                        s.seize(p, o);
                        return null;
                    });
                    return new Done(p, "PTRACE_SEIZE", "traced by '" + ShellTracer.NAME + "' with options "
                            + PtraceOptions.format(o) + "; still running (ptrace:interrupt " + p + " stops it)");
                });
    }

    /** A resume request's one signature: the tracee, the signal to deliver. */
    private interface Resume {
        void run(PtraceSession session, int pid, int signal);
    }

    /** cont, syscall and step: parse, ask the tracer, say what the tracee does now. */
    private Command resume(String name, String does, Resume request, String requestName, String state) {
        return command(SCOPE, name).does(does)
                .param("pid", TRACEE)
                .optional("signal", SIGNAL)
                .note(SIG)
                .runs(w -> {
                    int p = Args.pid(w.get("pid"));
                    int sig = signal(w);
                    tracer.request(s -> {
                        request.run(s, p, sig);
                        return null;
                    });
                    return new Done(p, requestName, state + delivering(sig));
                });
    }

    private Command interrupt() {
        return command(SCOPE, "interrupt")
                .does("PTRACE_INTERRUPT: stop a seized tracee, even in a blocking sleep; ptrace:wait reports the stop")
                .param("pid", TRACEE)
                .runs(w -> {
                    int p = Args.pid(w.get("pid"));
                    tracer.request(s -> {
                        s.interrupt(p);
                        return null;
                    });
                    return new Done(p, "PTRACE_INTERRUPT", "stopping; ptrace:wait " + p + " reports the stop");
                });
    }

    private Command listen() {
        return command(SCOPE, "listen")
                .does("PTRACE_LISTEN: a seized tracee in a group stop stays stopped; SIGCONT makes it stop for ptrace:wait again")
                .param("pid", TRACEE)
                .runs(w -> {
                    int p = Args.pid(w.get("pid"));
                    tracer.request(s -> {
                        s.listen(p);
                        return null;
                    });
                    return new Done(p, "PTRACE_LISTEN", "listening: stays in its group stop until SIGCONT");
                });
    }

    private Command detach() {
        return command(SCOPE, "detach").does("PTRACE_DETACH: stop tracing a stopped tracee and let it run")
                .param("pid", TRACEE)
                .optional("signal", SIGNAL)
                .note(SIG)
                .runs(w -> {
                    int p = Args.pid(w.get("pid"));
                    int sig = signal(w);
                    tracer.request(s -> {
                        s.detach(p, sig);
                        return null;
                    });
                    return new Done(p, "PTRACE_DETACH", "detached, running" + delivering(sig));
                });
    }

    private Command kill() {
        return command(SCOPE, "kill").does("PTRACE_KILL: send SIGKILL to a tracee; ptrace:wait reports its death")
                .param("pid", TRACEE)
                .runs(w -> {
                    int p = Args.pid(w.get("pid"));
                    tracer.request(s -> {
                        s.kill(p);
                        return null;
                    });
                    return new Done(p, "PTRACE_KILL", "SIGKILL sent; ptrace:wait " + p + " reports its death");
                });
    }

    private static int signal(Words w) {
        return Args.signal(w.get("signal", "0"));
    }

    private static String delivering(int sig) {
        return sig == 0 ? ", no signal" : ", delivering " + Signals.name(sig);
    }
}
