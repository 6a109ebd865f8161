/**
 * The passive tracer: an observe-only engine that records what traced tasks do (syscalls,
 * signals, clone, exec, exit, death) into a bounded ring per task, keeps {@code strace -c}
 * style statistics, and streams events to listeners without ever stalling a traced task.
 *
 * <p>Get the {@link dev.utrace.passive.PassiveTracer} service. The engine follows the
 * semantics reference's Model A (section 11.2): it keeps no engine reference after setting
 * up a trace; its callbacks own the per-task data; {@code reportDeath} detaches, and
 * {@code release} frees the data; {@link dev.utrace.passive.PassiveTracer#untrace} is a
 * {@code MATCH_OPS} lookup plus {@code DETACH}, handling each outcome of section 10.3.
 */
@Export
@Version("1.2.0")
package dev.utrace.passive;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
