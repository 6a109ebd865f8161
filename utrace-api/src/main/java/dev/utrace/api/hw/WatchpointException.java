package dev.utrace.api.hw;

/**
 * A request {@link DebugSlots} refused, with the errno Linux gives: {@code EINVAL} (bad
 * length, misaligned or non-user address), {@code ENOSPC} (no free slot), {@code ESRCH} (the
 * thread is exiting or gone). Nothing changed.
 */
public final class WatchpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String errno;

    public WatchpointException(String errno, String message) {
        super(errno + ": " + message);
        this.errno = errno;
    }

    /** "EINVAL", "ENOSPC" or "ESRCH". */
    public String errno() {
        return errno;
    }
}
