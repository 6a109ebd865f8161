package dev.utrace.watchpoint;

/**
 * One hit of a watch: thread {@code tid} made an access of {@code length} bytes at
 * {@code address} (a write, or a read for a read/write watch) that changed the watched range
 * from {@code oldValue} to {@code newValue} (equal for a read; both the whole watched range,
 * little-endian). {@code ip} is the instruction pointer after the access, as x86 reports a data
 * watchpoint (on the simulated machine the accessing instruction is at {@code ip - 4}).
 *
 * @param seq     order over every hit this engine recorded
 * @param stopped whether the thread was stopped on this hit
 */
public record Hit(long seq, int watch, int tid, long address, int length, boolean write, long oldValue, long newValue,
        long ip, boolean stopped) {
}
