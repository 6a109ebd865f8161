package dev.utrace.bench.core;

import dev.utrace.spi.Machine;
import dev.utrace.spi.TracedTask;

/** A machine with no tasks to look up; the benchmarks pass tasks directly. */
final class BenchMachine implements Machine {
    @Override public String name() { return "bench"; }
    @Override public TracedTask findTask(int tid) { return null; }
    @Override public boolean canSingleStep() { return false; }
    @Override public boolean canBlockStep() { return false; }
}
