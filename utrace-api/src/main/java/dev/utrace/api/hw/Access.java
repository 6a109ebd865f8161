package dev.utrace.api.hw;

/** What a watchpoint traps on, as x86 DR7 R/W bits allow for data: writes, or reads and writes. */
public enum Access {
    /** Data writes (DR7 R/W = 01). */
    WRITE,
    /** Data reads or writes (DR7 R/W = 11). */
    READ_WRITE;

    /** The DR7 R/W encoding. */
    public int dr7Bits() {
        return this == WRITE ? 0b01 : 0b11;
    }
}
