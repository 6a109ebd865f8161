package dev.utrace.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A machine that runs tasks: the simulated kernel, or later real Linux processes. The core
 * uses it to resolve thread ids and to learn what the hardware can do; it never imports a
 * machine's classes.
 */
@ConsumerType
public interface Machine {
    /** A short name for people, e.g. "kernel-sim". */
    String name();

    /** The live (not yet reaped) task with thread id {@code tid}, or {@code null}. */
    TracedTask findTask(int tid);

    /** Whether the machine can single-step ({@code arch_has_single_step}). */
    boolean canSingleStep();

    /** Whether the machine can block-step ({@code arch_has_block_step}). */
    boolean canBlockStep();
}
