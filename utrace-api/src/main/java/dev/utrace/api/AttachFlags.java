package dev.utrace.api;

/**
 * Flags for {@link Utrace#attach}. Without {@link #CREATE} attach is a lookup.
 * Values as in the kernel header.
 */
public final class AttachFlags {
    /** Match an engine whose ops are the same object as the given ops. */
    public static final int MATCH_OPS = 0x0001;
    /** Match an engine whose data is the same object as the given data. */
    public static final int MATCH_DATA = 0x0002;
    /** The bits that select matching. */
    public static final int MATCH_MASK = 0x000f;
    /** Create a new engine (else: look one up). */
    public static final int CREATE = 0x0010;
    /** With CREATE: fail with {@link Outcome#EXISTS} if a matching engine exists. */
    public static final int EXCLUSIVE = 0x0020;

    private AttachFlags() {
    }
}
