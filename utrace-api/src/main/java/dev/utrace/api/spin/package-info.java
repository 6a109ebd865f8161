/**
 * How long a thread that hands a stop to another thread, or waits for one, spins before it
 * blocks. Engine callbacks run on the machine's tracer thread; an engine whose own thread
 * answers each stop (a ptrace client restarting a tracee) and the machine waiting for that
 * answer each save a wake-up per stop when the other is awake (linux-backend.md section 3.3).
 * {@link Backoff} is the polling of a wait nobody signals.
 */
@Export
@Version("1.1.1")
package dev.utrace.api.spin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
