/**
 * Hardware watchpoints, with the ownership problem of the 2009 utrace thread solved (semantics
 * reference section 13, R-HBP-1..4): the engine owns every claim it makes on the machine's debug
 * slots ({@code dev.utrace.api.hw.DebugSlots}) through its engine data and callbacks. Its exec
 * and exit callbacks remove that thread's claims, its detach removes them, {@code release} frees
 * the data, and the machine never frees anything it does not own.
 *
 * <p>Get the {@link dev.utrace.watchpoint.Watchpoints} service, or use the {@code watch:} shell
 * commands. The engine follows Model A (section 11.2): one engine per watched thread, whose
 * reference it puts at once; a lookup plus {@code DETACH} lets a thread go.
 */
@Export
@Version("1.0.0")
package dev.utrace.watchpoint;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
