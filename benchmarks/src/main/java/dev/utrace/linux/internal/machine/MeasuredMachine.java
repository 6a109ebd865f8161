package dev.utrace.linux.internal.machine;

import dev.utrace.spi.TraceHooks;

/**
 * For the real-process benchmark ({@code dev.utrace.bench.real}) only: the Linux machine with its
 * tracer thread pinned to a CPU, through the constructor kernel-linux keeps package-private for
 * measurements (the programs it spawns inherit the pin, as linux-backend.md section 5.1 measures).
 * Spawned programs are ended when the machine closes, so a failed run leaves nothing behind.
 */
public final class MeasuredMachine {
    private MeasuredMachine() {}

    /** A machine reporting to {@code hooks}, its tracer thread pinned to {@code cpu} (-1: not pinned). */
    public static LinuxMachine pinned(TraceHooks hooks, int cpu) {
        return new LinuxMachine(hooks, true, cpu);
    }
}
