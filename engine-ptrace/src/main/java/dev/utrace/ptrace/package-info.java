/**
 * ptrace over utrace: a debugger's view of tasks, with Linux's requests, errors and wait
 * statuses (semantics reference section 12).
 *
 * <p>Get the {@link dev.utrace.ptrace.Ptrace} service and {@linkplain
 * dev.utrace.ptrace.Ptrace#open open} a {@link dev.utrace.ptrace.PtraceSession}: it stands for
 * one tracing process and owns its tracees. Requests name a tracee by thread id and fail with a
 * {@link dev.utrace.ptrace.PtraceException} carrying the errno Linux gives (ESRCH when the
 * tracee is not yours or not stopped, EPERM for a second tracer, EIO for a bad offset, ...).
 * {@link dev.utrace.ptrace.PtraceSession#wait} returns Linux status words with their decoded
 * form ({@link dev.utrace.ptrace.WaitResult}). Closing a session detaches every tracee, as a
 * tracer's exit does.
 *
 * <p><b>Lifetime (the seed's second model).</b> Each tracee's {@code PtraceContext} is its
 * engine's data. The session's tracee list holds a reference to each engine, every request
 * does a lookup plus put, and the context is freed by {@code release} when the last
 * reference goes, which may be long after the tracee died.
 */
@Export
@Version("1.0.0")
package dev.utrace.ptrace;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
