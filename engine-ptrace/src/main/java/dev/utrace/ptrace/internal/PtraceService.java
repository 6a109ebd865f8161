package dev.utrace.ptrace.internal;

import dev.utrace.api.Utrace;
import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.proc.ProcessControl;
import dev.utrace.ptrace.Ptrace;
import dev.utrace.ptrace.PtraceException;
import dev.utrace.ptrace.PtraceSession;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The ptrace engine: the {@link Ptrace} service and the one {@link PtraceOps} its engines share
 * (so {@code MATCH_OPS} finds them and EXCLUSIVE keeps a second tracer out).
 *
 * <p><b>Unload.</b> When the bundle stops, {@link #deactivate} first marks the service
 * unloaded (every session answers ESRCH "engine unloaded" from then on), then closes every
 * session, which detaches and resumes every tracee and hands traced zombies on to their real
 * parents. The core then revokes whatever is still attached (an engine detaching itself in a
 * callback); each context is released exactly once either way.
 */
@Component(service = Ptrace.class, immediate = true)
public final class PtraceService implements Ptrace {
    private final Utrace utrace;
    private final ProcessControl processes;
    private volatile DebugSlots debugSlots;
    private final PtraceOps ops = new PtraceOps(this);
    private final VirtualDebugRegisters debugRegisters = new VirtualDebugRegisters(() -> debugSlots);
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private volatile boolean unloaded;
    /** Contexts released so far (tests and the unload check: one per context ever attached). */
    final AtomicLong releases = new AtomicLong();

    @Activate
    public PtraceService(@Reference Utrace utrace, @Reference ProcessControl processes) {
        this.utrace = Objects.requireNonNull(utrace, "utrace");
        this.processes = Objects.requireNonNull(processes, "processes");
    }

    /** Without OSGi: the machine's debug slots, if it has them. */
    public PtraceService(Utrace utrace, ProcessControl processes, DebugSlots slots) {
        this(utrace, processes);
        this.debugSlots = slots;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDebugSlots(DebugSlots slots) {
        debugSlots = slots;
    }

    void unbindDebugSlots(DebugSlots slots) {
        if (debugSlots == slots) debugSlots = null;
    }

    @Deactivate
    public void deactivate() {
        unloaded = true;
        for (Session s : sessions) s.unload();
    }

    @Override
    public PtraceSession open(String tracer) {
        if (unloaded) throw new PtraceException("ESRCH", "the ptrace engine was unloaded; deploy it again");
        if (tracer == null || tracer.isBlank()) throw new PtraceException("EINVAL", "a tracer needs a name, e.g. \"gdb\"");
        Session s = new Session(this, tracer.strip());
        sessions.add(s);
        return s;
    }

    @Override
    public List<PtraceSession> sessions() {
        return List.copyOf(sessions);
    }

    void closed(Session s) {
        sessions.remove(s);
    }

    void released(PtraceContext ctx) {
        releases.incrementAndGet();
    }

    boolean unloaded() {
        return unloaded;
    }

    Utrace utrace() {
        return utrace;
    }

    ProcessControl processes() {
        return processes;
    }

    DebugSlots debugSlots() {
        return debugSlots;
    }

    VirtualDebugRegisters debugRegisters() {
        return debugRegisters;
    }

    PtraceOps ops() {
        return ops;
    }
}
