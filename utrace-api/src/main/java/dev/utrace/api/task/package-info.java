/**
 * The task view tracing engines see: {@link dev.utrace.api.task.Task}, its states,
 * registers and memory, and the signal, clone and exec values passed to callbacks.
 */
@Export
@Version("1.2.0")
package dev.utrace.api.task;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
