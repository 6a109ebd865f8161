package dev.utrace.passive;

import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A following export ({@link PassiveTracer#exportFollowing}): it writes each event as it is
 * recorded, and ends, closing its file as a whole document, when every trace it covers has ended,
 * when it is stopped (or closed), or when the tracer stops. Each batch of events is flushed to the file as
 * whole lines, so a reader can follow the file while it grows.
 */
@ProviderType
public interface ExportStream extends AutoCloseable {
    /** The file, absolute. */
    Path file();

    /** Its format. */
    ExportFormat format();

    /** Events written (and flushed) so far. */
    long events();

    /** Whether it has ended and its file is closed. */
    boolean ended();

    /**
     * Waits until it has ended (every trace it covers ended, or {@link #stop}).
     *
     * @return what it wrote
     * @throws InterruptedException if the waiting thread is interrupted; the export goes on
     */
    ExportResult await() throws InterruptedException;

    /**
     * Ends it now: the events already handed to it are written, the file is closed as a whole
     * document. Idempotent; after the end, it returns the same result.
     *
     * @return what it wrote
     */
    ExportResult stop();

    /** {@link #stop}, for try-with-resources. */
    @Override
    default void close() {
        stop();
    }
}
