package dev.utrace.impl;

import dev.utrace.api.EngineOps;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Task;

/**
 * What an ops class implements, computed once per class. A ClassValue keeps nothing alive:
 * an unloaded bundle's ops class stays collectable.
 */
final class OpsTraits {
    private static final ClassValue<Boolean> OVERRIDES_SIGNAL = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("reportSignal", int.class, dev.utrace.api.Engine.class, Task.class,
                        SignalInfo.class, SigAction.class, SigAction.class).getDeclaringClass() != EngineOps.class;
            } catch (NoSuchMethodException impossible) {
                throw new AssertionError(impossible);
            }
        }
    };

    private OpsTraits() {
    }

    static boolean overridesReportSignal(Class<?> opsClass) {
        return OVERRIDES_SIGNAL.get(opsClass);
    }
}
