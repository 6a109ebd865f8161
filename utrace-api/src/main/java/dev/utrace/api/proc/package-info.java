/**
 * Processes and kernel services, machine-neutral: {@link dev.utrace.api.proc.Processes} for what
 * people do with tasks (the shell, and engines that start or inspect processes), and
 * {@link dev.utrace.api.proc.ProcessControl} for the kernel services a debugger engine such as
 * ptrace needs (signals to one thread, dispositions, group stops, the tracer link).
 */
@Export
@Version("1.1.0")
package dev.utrace.api.proc;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
