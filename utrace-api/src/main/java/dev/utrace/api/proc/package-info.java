/**
 * The process-control services of a machine that a debugger engine needs besides utrace:
 * sending a signal to a thread, leaving a job-control stop, and the tracer link that holds a
 * dead tracee's zombie for its tracer before its real parent sees it (ptrace's wait
 * interference, semantics reference section 12).
 */
@Export
@Version("1.0.0")
package dev.utrace.api.proc;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
