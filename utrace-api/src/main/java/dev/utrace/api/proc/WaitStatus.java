package dev.utrace.api.proc;

import dev.utrace.api.task.Signals;

/**
 * A Linux wait status word, as {@code wait4} stores it, with its decoding
 * ({@code WIFEXITED}, {@code WEXITSTATUS}, {@code WIFSIGNALED}, ...).
 *
 * @param word the raw status word
 */
public record WaitStatus(int word) {

    /** The status of a task that called {@code exit(code)}. */
    public static WaitStatus exited(int code) {
        return new WaitStatus((code & 0xff) << 8);
    }

    /** The status of a task killed by {@code signo}, with the core-dump bit if {@code core}. */
    public static WaitStatus signaled(int signo, boolean core) {
        return new WaitStatus((signo & 0x7f) | (core ? 0x80 : 0));
    }

    /** The status of a task stopped by {@code signo} ({@code WUNTRACED}). */
    public static WaitStatus stopped(int signo) {
        return new WaitStatus(((signo & 0xff) << 8) | 0x7f);
    }

    /** The status of a task continued by SIGCONT ({@code WCONTINUED}). */
    public static WaitStatus continued() {
        return new WaitStatus(0xffff);
    }

    /** {@code WIFEXITED}: the task called exit. */
    public boolean isExited() {
        return (word & 0x7f) == 0;
    }

    /** {@code WEXITSTATUS}: the exit code; meaningful when {@link #isExited()}. */
    public int exitCode() {
        return (word >> 8) & 0xff;
    }

    /** {@code WIFSIGNALED}: the task was killed by a signal. */
    public boolean isSignaled() {
        return ((byte) ((word & 0x7f) + 1) >> 1) > 0;
    }

    /** {@code WTERMSIG}: the killing signal; meaningful when {@link #isSignaled()}. */
    public int termSignal() {
        return word & 0x7f;
    }

    /** {@code WCOREDUMP}. */
    public boolean coreDumped() {
        return isSignaled() && (word & 0x80) != 0;
    }

    /** {@code WIFSTOPPED}. */
    public boolean isStopped() {
        return (word & 0xff) == 0x7f;
    }

    /** {@code WSTOPSIG}; meaningful when {@link #isStopped()}. */
    public int stopSignal() {
        return (word >> 8) & 0xff;
    }

    /** {@code WIFCONTINUED}. */
    public boolean isContinued() {
        return word == 0xffff;
    }

    @Override
    public String toString() {
        if (isExited()) return "exited " + exitCode();
        if (isContinued()) return "continued";
        if (isStopped()) return "stopped by " + Signals.name(stopSignal());
        if (isSignaled()) return "killed by " + Signals.name(termSignal()) + (coreDumped() ? " (core dumped)" : "");
        return "status 0x" + Integer.toHexString(word);
    }
}
