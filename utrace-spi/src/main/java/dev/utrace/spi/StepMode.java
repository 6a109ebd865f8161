package dev.utrace.spi;

/** How a task should run when it returns to user mode. */
public enum StepMode {
    /** Run freely. */
    NONE,
    /** Trap after one user instruction (SIGTRAP, TRAP_TRACE). */
    SINGLE,
    /** Trap at the next branch; machines without block-step single-step instead. */
    BLOCK
}
