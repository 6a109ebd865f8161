package dev.utrace.passive;

/**
 * One syscall's line in {@code strace -c} style statistics.
 *
 * @param number the syscall number
 * @param name   the syscall's name on its machine
 * @param calls  how many times it returned (as {@code strace -c} counts: a syscall that never returns,
 *               such as {@code exit_group}, is in the log but not here)
 * @param errors how many returned an error (-4095..-1)
 * @param nanos  total time from entry to exit
 */
public record SyscallStat(int number, String name, long calls, long errors, long nanos) {
    /** Mean time per finished call, in nanoseconds. */
    public long avgNanos() {
        return calls == 0 ? 0 : nanos / calls;
    }
}
