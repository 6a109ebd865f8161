/**
 * The machine's hardware debug slots as a shared, owned resource (semantics reference
 * section 13, R-HBP-1..4).
 *
 * <p>Every thread has four slots. A client (the watchpoint engine, the ptrace engine's debug
 * registers, ...) {@linkplain dev.utrace.api.hw.DebugSlots#install installs} a
 * {@link dev.utrace.api.hw.Watchpoint} and gets a handle it owns; only the owner removes it.
 * The machine never frees or forgets a handle on its own: at exec and at exit the owner's
 * callbacks remove what it installed (R-HBP-1), detach removes them (R-HBP-2), and nothing is
 * inherited by a new thread (R-HBP-3). Requests that cannot be met fail when they are made,
 * never later (R-HBP-4).
 */
@Export
@Version("1.0.0")
package dev.utrace.api.hw;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
