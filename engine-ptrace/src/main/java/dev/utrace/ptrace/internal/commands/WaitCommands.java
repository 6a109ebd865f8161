package dev.utrace.ptrace.internal.commands;

import static dev.utrace.ptrace.internal.commands.ControlCommands.SCOPE;
import static dev.utrace.shell.command.Command.command;

import dev.utrace.ptrace.PtraceException;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.internal.commands.Views.Tracees;
import dev.utrace.ptrace.internal.commands.Views.Waited;
import dev.utrace.shell.command.Command;
import dev.utrace.shell.command.Registrations;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code ptrace:} commands that report on the tracees: wait (the decoded wait status of
 * the next stop or end) and tracees. Refusals as in {@link ControlCommands}.
 */
@Component(reference = @Reference(name = "gogo", service = CommandProcessor.class), // only with a shell: see package-info
        service = {}, property = "service.description=ptrace: commands that report stops and list tracees")
public final class WaitCommands {
    private final ShellTracer tracer;
    private final List<Command> commands;
    private Registrations registrations;

    /** The commands, not registered anywhere (tests hand them to a Gogo runtime themselves). */
    public WaitCommands(ShellTracer tracer) {
        this.tracer = tracer;
        this.commands = List.of(waitCommand(), tracees());
    }

    @Activate
    public WaitCommands(@Reference ShellTracer tracer, BundleContext context) {
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

    private Command waitCommand() {
        return command(SCOPE, "wait").does("wait for the next stop or end of one tracee or of any, and decode its status")
                .flag("--nohang", "return at once when nothing is ready")
                .optional("pid", "the tracee's thread id, as ptrace:tracees shows it (default, or -1: any tracee; Ctrl-C"
                        + " stops waiting)")
                .note("default: any tracee")
                .runs(w -> {
                    String pid = w.get("pid", "-1");
                    int p = pid.equals("-1") ? -1 : Args.pid(pid);
                    int flags = w.flag("--nohang") ? PtraceSession.WNOHANG : 0;
                    try {
                        return new Waited(p, tracer.get().wait(p, flags).orElse(null)); // blocks like waitpid
                    } catch (PtraceException e) {
                        throw new Refused(e);
                    }
                });
    }

    private Command tracees() {
        return command(SCOPE, "tracees").does("list the shell tracer's tracees: how traced, options, state and the stop they are in")
                .runs(w -> {
                    PtraceSession s = tracer.current();
                    return new Tracees(ShellTracer.NAME, s == null ? List.of() : s.tracees());
                });
    }
}
