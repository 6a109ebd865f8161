/**
 * The simulated machine's service for people and other bundles: {@link dev.utrace.sim.SimMachine}
 * spawns programs, sends signals, lists tasks, waits for exits and shows a task's console.
 * The machine also registers the {@code dev.utrace.spi.Machine} SPI that the utrace core uses.
 */
@Export
@Version("1.0.0")
package dev.utrace.sim;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
