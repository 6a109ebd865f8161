package dev.utrace.passive;

import org.osgi.annotation.versioning.ProviderType;

/** A listener's subscription; close it to stop receiving events. */
@ProviderType
public interface Subscription extends AutoCloseable {
    /** Events lost so far because the listener's queue was full. */
    long lost();

    /** Events handed to the listener so far. */
    long delivered();

    /** Stops delivery; events still queued are discarded. Idempotent. */
    @Override
    void close();
}
