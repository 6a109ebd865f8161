package dev.utrace.watchpoint;

/** What a watch covers. */
public enum Scope {
    /** One thread. */
    THREAD,
    /** Every thread of the process: those it has now and those it starts later (each from its first instruction). */
    PROCESS
}
