package dev.utrace.sim.internal;

import dev.utrace.api.task.Reg;

/** A value an instruction reads: a constant (numbers, labels, strings resolve to one) or a register plus offset. */
sealed interface Operand {

    /** A constant. */
    record Imm(long value) implements Operand {
    }

    /** The value of {@code reg} plus {@code offset}. */
    record RegVal(Reg reg, long offset) implements Operand {
    }
}
