package dev.utrace.impl;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineOps;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.task.Task;

/**
 * {@code utrace_detached_ops} (R-OPS-2): what a marked-detached engine's ops become. A pass
 * that meets it calls its quiesce, which answers DETACH, so the real ops are never called
 * again (R-CTL-4); its reap does nothing. Core code only.
 */
final class DetachedOps implements EngineOps {
    static final DetachedOps INSTANCE = new DetachedOps();

    private DetachedOps() {
    }

    @Override
    public ResumeAction reportQuiesce(ResumeAction action, Engine engine, Task task, Event event) {
        return ResumeAction.DETACH;
    }

    @Override
    public void reportReap(Engine engine, Task task) {
    }
}
