package dev.utrace.api;

/** Where an engine is in its life (R-DATA-2: the state of its ops). */
public enum EngineState {
    /** Attached: callbacks go to its ops. */
    ATTACHED,
    /** Marked detached but still on the task's list; no callback reaches its ops again. */
    DETACHING,
    /** Off the list; only {@link Engine#get()}, {@link Engine#put()} and {@link Engine#data()} still work. */
    DETACHED
}
