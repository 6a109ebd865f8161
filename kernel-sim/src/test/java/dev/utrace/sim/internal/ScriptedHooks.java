package dev.utrace.sim.internal;

import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.spi.TracedTask;
import java.util.function.BiConsumer;

/** Recording hooks whose getSignal and resume a test scripts. */
class ScriptedHooks extends RecordingHooks {
    interface GetSignal {
        int apply(TracedTask t, SignalInfo info, SigAction returnKa);
    }

    volatile GetSignal onGetSignal = (t, i, k) -> 0;
    volatile BiConsumer<String, TracedTask> onEvent = (h, t) -> { };

    @Override
    public int getSignal(TracedTask t, SignalInfo info, SigAction returnKa) {
        super.getSignal(t, info, returnKa);
        return onGetSignal.apply(t, info, returnKa);
    }

    @Override
    public boolean syscallEntry(TracedTask t) {
        boolean abort = super.syscallEntry(t);
        onEvent.accept("syscallEntry", t);
        return abort;
    }

    @Override
    public void resume(TracedTask t) {
        super.resume(t);
        onEvent.accept("resume", t);
    }
}
