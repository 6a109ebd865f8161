package dev.utrace.ptrace.internal.commands;

import dev.utrace.ptrace.PtraceException;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.internal.commands.Views.Tracees;
import dev.utrace.ptrace.internal.commands.Views.Waited;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code ptrace:} commands that report on the tracees: wait (the decoded wait status of
 * the next stop or end) and tracees. Refusals as in {@link ControlCommands}.
 */
@Component(service = Object.class, property = {
        "osgi.command.scope=ptrace", "osgi.command.function=wait", "osgi.command.function=tracees",
        "service.description=ptrace: commands that report stops and list tracees"})
public final class WaitCommands implements TraceeWait {
    static final String WAIT = "wait [--nohang] [pid]  (default: any tracee)";

    private final ShellTracer tracer;

    @Activate
    public WaitCommands(@Reference ShellTracer tracer) {
        this.tracer = tracer;
    }

    @Descriptor("wait for the next stop or end of any tracee, and decode its status")
    @Override
    public Waited wait(
            @Descriptor("return at once when nothing is ready")
            @Parameter(names = "--nohang", absentValue = "", presentValue = "true") String nohang)
            throws InterruptedException {
        return waitFor(-1, nohang);
    }

    @Descriptor("wait for the next stop or end of one tracee, and decode its status")
    @Override
    public Waited wait(
            @Descriptor("return at once when nothing is ready")
            @Parameter(names = "--nohang", absentValue = "", presentValue = "true") String nohang,
            @Descriptor("the tracee's thread id (-1: any)") Object pid) throws InterruptedException {
        String text = String.valueOf(pid).strip();
        int p = text.equals("-1") ? -1 : Args.pid(text, WAIT);
        return waitFor(p, nohang);
    }

    @Descriptor("wait takes at most one pid (refused)")
    @Override
    public Waited wait(
            @Parameter(names = "--nohang", absentValue = "", presentValue = "true") String nohang,
            Object pid, Object extra) {
        throw Args.bad("wait takes one pid at most, and waits for that tracee or (without a pid) for any", WAIT);
    }

    /** Blocks like waitpid (Ctrl-C interrupts it) unless {@code --nohang}. */
    private Waited waitFor(int pid, String nohang) throws InterruptedException {
        int flags = nohang.isEmpty() ? 0 : PtraceSession.WNOHANG;
        try {
            return new Waited(pid, tracer.get().wait(pid, flags).orElse(null));
        } catch (PtraceException e) {
            throw new Refused(e);
        }
    }

    @Descriptor("list the shell tracer's tracees: how traced, options, state and the stop they are in")
    public Tracees tracees() {
        PtraceSession s = tracer.current();
        return new Tracees(ShellTracer.NAME, s == null ? List.of() : s.tracees());
    }
}
