package dev.utrace.passive;

import dev.utrace.api.Outcome;

/**
 * What {@link PassiveTracer#untrace} did, by the outcome of its {@code DETACH} (semantics
 * reference 10.3).
 *
 * @param pid     the task
 * @param detach  {@link Outcome#DONE}: detached, the tracer cleaned up;
 *                {@link Outcome#IN_PROGRESS}: a callback was running, the tracer waited for it
 *                ({@link #barrier}) and then cleaned up; {@link Outcome#ALREADY}: the task is
 *                dying, its death report detaches and {@code release} frees the data;
 *                {@link Outcome#GONE}: the reap began or the engine had already detached
 *                itself, the callbacks clean up; {@link Outcome#NOT_FOUND}: the engine had
 *                already detached (the trace is ending by itself)
 * @param barrier the barrier's outcome after {@link Outcome#IN_PROGRESS} ({@code DONE} or
 *                {@code GONE}, both success), else {@code null}
 */
public record UntraceResult(int pid, Outcome detach, Outcome barrier) {

    /** Who cleans up, in words. */
    public String meaning() {
        return switch (detach) {
            case DONE -> "detached; trace ended";
            case IN_PROGRESS -> "detached after the running callback finished (barrier " + barrier + "); trace ended";
            case ALREADY -> "the task is dying; its death report ends the trace";
            case GONE, NOT_FOUND -> "the trace had already ended; its callbacks cleaned up";
            default -> detach.toString();
        };
    }
}
