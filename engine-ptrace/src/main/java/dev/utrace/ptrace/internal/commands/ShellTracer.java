package dev.utrace.ptrace.internal.commands;

import org.apache.felix.service.command.CommandProcessor;
import org.osgi.annotation.bundle.Header;
import dev.utrace.ptrace.Ptrace;
import dev.utrace.ptrace.PtraceException;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.TraceeInfo;
import java.util.function.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The tracer the shell is: one {@link PtraceSession} named {@value #NAME}, shared by every
 * shell session of the framework and by the three command components. It is opened at the
 * first request and closed (its tracees detached, as a tracer's exit does) when the component
 * goes with the engine bundle.
 *
 * <p>Why one for the framework rather than one per shell session: Gogo tells no one when a
 * shell session ends, so a tracer per session would outlive a closed remote shell and keep its
 * tracees stopped with nobody left to resume them; the shared one is always reachable
 * ({@code ptrace:tracees}).
 *
 * <p>Immediate: it holds the session, and a delayed component would be deactivated whenever
 * its last user let go.
 */
@Header(name = "Utrace-Completion", value = "ptrace-completion.gosh") // utrace:completions loads it into each shell session
@Component(reference = @Reference(name = "gogo", service = CommandProcessor.class), // only with a shell: see package-info
        service = ShellTracer.class, immediate = true,
        property = "service.description=The shell's ptrace tracer, shared by the ptrace: commands")
public final class ShellTracer {
    static final String NAME = "shell";

    private final Ptrace ptrace;
    /** Guarded by {@code this}. */
    private PtraceSession session;
    /** Guarded by {@code this}. */
    private boolean closed;

    @Activate
    public ShellTracer(@Reference Ptrace ptrace) {
        this.ptrace = ptrace;
    }

    /**
     * Makes a request as the shell tracer; the engine's refusal (which changed nothing) becomes
     * a {@link Refused}, "ptrace: ERRNO: message".
     */
    <T> T request(Function<PtraceSession, T> request) {
        try {
            return request.apply(get());
        } catch (PtraceException e) {
            throw new Refused(e);
        }
    }

    /**
     * The open session; a new one if none was opened yet or another bundle closed ours
     * ({@link Ptrace#sessions()} lists only open ones).
     */
    synchronized PtraceSession get() {
        if (closed) throw new PtraceException("ESRCH", "the ptrace engine is being unloaded; deploy it again");
        if (session == null || !ptrace.sessions().contains(session)) session = ptrace.open(NAME);
        return session;
    }

    /** The session if one was opened, else null (listing tracees opens none). */
    synchronized PtraceSession current() {
        return session;
    }

    /**
     * The shell stops tracing: a stopped tracee is detached with no signal, the others as a
     * tracer's exit detaches them. Idempotent.
     *
     * <p>Not a plain {@link PtraceSession#close()}: that is {@code exit_ptrace}, which lets a
     * tracee in a signal-delivery stop take its signal, so one left in its attach's SIGSTOP stop
     * would fall into a job-control stop. This runs when the engine is unloaded (DS deactivates
     * it before the engine's own unload, which resumes tracees the same way), and the shell's
     * tracees must run on.
     */
    @Deactivate
    public synchronized void close() {
        closed = true;
        if (session == null) return;
        for (TraceeInfo t : session.tracees()) {
            if (!t.state().equals("stopped")) continue;
            try {
                session.detach(t.pid(), 0);
            } catch (PtraceException movedOn) {
                // killed, exited or the engine already unloaded meanwhile: close() below lets go of it
            }
        }
        session.close();
    }
}
