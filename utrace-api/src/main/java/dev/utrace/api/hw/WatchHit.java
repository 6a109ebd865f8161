package dev.utrace.api.hw;

/**
 * One trap of a watchpoint, as its claim's owner takes it ({@link DebugSlots#takeHits}): an
 * access of {@code length} bytes at {@code address} ({@code write} or a read) touched the
 * watched range and changed it from {@code oldValue} to {@code newValue} (equal for a read).
 * Values are the watchpoint's whole range, little-endian, zero-extended.
 *
 * <p>{@code ip} is the instruction pointer <em>after</em> the access, the next instruction to
 * run: x86 reports a data breakpoint as a trap, after the instruction, so this is what the
 * hardware gives, the SIGTRAP's {@code si_addr} and RIP at the signal report. (On the simulated
 * machine every instruction is 4 bytes, so the accessing one is at {@code ip - 4}.)
 */
public record WatchHit(Watchpoint watchpoint, long address, int length, boolean write, long oldValue,
        long newValue, long ip) {
}
