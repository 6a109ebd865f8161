package dev.utrace.itests.soak;

import dev.utrace.api.Engine;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Task;

/** A soak engine that also answers {@code reportSignal}: every signal action, with and without HOLD. */
final class SoakSignalOps extends SoakOps {
    SoakSignalOps(CallbackChaos chaos, String label) {
        super(chaos, label);
    }

    @Override
    public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa, SigAction returnKa) {
        return chaos.signal(engine, task, action, info);
    }
}
