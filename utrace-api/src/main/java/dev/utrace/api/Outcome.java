package dev.utrace.api;

/**
 * The typed result of a utrace call. Expected races are outcomes, not exceptions (the
 * kernel's 0 / -EINPROGRESS / -EALREADY / -ESRCH ...); programmer errors such as a null
 * argument throw. Each method of {@link Utrace} lists which outcomes it can return and
 * what the caller must do next.
 */
public enum Outcome {
    /** Done (0). */
    DONE("0"),
    /** A callback to this engine may still be running; use {@link Utrace#barrier} (-EINPROGRESS). */
    IN_PROGRESS("EINPROGRESS"),
    /** Too late: the death report has begun; the engine's death/reap callbacks own the clean-up (-EALREADY). */
    ALREADY("EALREADY"),
    /** Gone: the engine is detached or the reap has begun, or no such task (-ESRCH). */
    GONE("ESRCH"),
    /** Nothing matched, or the task never had engines (-ENOENT). */
    NOT_FOUND("ENOENT"),
    /** An exclusive attach found a matching engine (-EEXIST). */
    EXISTS("EEXIST"),
    /** The request is invalid in the engine's current state (-EINVAL). */
    INVALID("EINVAL"),
    /** Not permitted, e.g. attaching to a kernel thread (-EPERM). */
    NOT_PERMITTED("EPERM"),
    /** The task moved; discard what you examined and try again (-EAGAIN). */
    AGAIN("EAGAIN"),
    /** The calling thread was interrupted while waiting (-ERESTARTSYS); its interrupt flag is kept. */
    INTERRUPTED("ERESTARTSYS"),
    /** The machine cannot do this, e.g. single-step (-EOPNOTSUPP). */
    NOT_SUPPORTED("EOPNOTSUPP");

    private final String errno;

    Outcome(String errno) {
        this.errno = errno;
    }

    /** The kernel errno name this outcome stands for ({@code "0"} for {@link #DONE}). */
    public String errno() {
        return errno;
    }

    /** Whether this is {@link #DONE}. */
    public boolean ok() {
        return this == DONE;
    }
}
