package dev.utrace.ptrace;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** The ptrace engine as a service: debuggers open sessions, one per tracing process. */
@ProviderType
public interface Ptrace {
    /**
     * Opens a session that stands for a new tracing process named {@code tracer} (for people:
     * shown by {@code ptrace:tracees} and in errors).
     *
     * @throws PtraceException ESRCH if the engine has been unloaded
     */
    PtraceSession open(String tracer);

    /** The sessions open now. */
    List<PtraceSession> sessions();
}
