package dev.utrace.passive;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives recorded events asynchronously, in batches, on a thread of the tracer's (never
 * the traced task's). A listener that is slower than the tasks loses events; it is told how
 * many with the next batch, or in a batch of no events once its queue has gone idle.
 */
@ConsumerType
@FunctionalInterface
public interface TraceListener {
    /**
     * @param events the next events in recording order; empty only when the call just reports
     *               losses (then {@code lost > 0})
     * @param lost   how many events were lost since the previous batch because this
     *               listener's queue was full
     */
    void onEvents(List<TraceEvent> events, long lost);
}
