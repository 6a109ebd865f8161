package dev.utrace.api.hw;

/**
 * One trap of a watchpoint: the access at {@code address} of {@code length} bytes by the
 * instruction at {@code ip} changed the watched bytes from {@code oldValue} to {@code newValue}
 * (equal for a read). Values are the watchpoint's whole range, little-endian.
 */
public record WatchHit(Watchpoint watchpoint, long address, int length, boolean write, long oldValue,
        long newValue, long ip) {
}
