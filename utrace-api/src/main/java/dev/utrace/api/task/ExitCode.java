package dev.utrace.api.task;

/**
 * The wait status a task's parent will see, mutable in {@code reportExit} (the kernel's
 * {@code long *code}). The original is passed separately and never changes.
 */
public final class ExitCode {
    private long value;

    public ExitCode(long value) {
        this.value = value;
    }

    /** The status as it stands. */
    public long get() {
        return value;
    }

    /** Changes the status the parent will see. */
    public void set(long value) {
        this.value = value;
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(value);
    }
}
