/**
 * The machine SPI: {@link dev.utrace.spi.TraceHooks}, the hook points a machine calls into
 * the core, and {@link dev.utrace.spi.TracedTask} and {@link dev.utrace.spi.Machine}, what
 * the core needs back. Engines do not use this package.
 */
@Export
@Version("1.2.0")
package dev.utrace.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
