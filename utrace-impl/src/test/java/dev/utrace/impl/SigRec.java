package dev.utrace.impl;

import dev.utrace.api.Engine;
import dev.utrace.api.ResumeAction;
import dev.utrace.api.SignalAction;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Task;
import java.util.List;

/** A recording engine that implements reportSignal; the answer is configurable. */
final class SigRec extends Rec {
    /** Computes the packed answer from the packed action received; default: keep the signal action, RESUME. */
    volatile SignalAnswer onSignal = (action, info, returnKa) -> (action & SignalAction.MASK) | ResumeAction.RESUME.code();
    volatile int lastAction;
    volatile SigAction lastOrigKa;

    interface SignalAnswer {
        int answer(int action, SignalInfo info, SigAction returnKa);
    }

    SigRec(String name, List<String> log) {
        super(name, log);
    }

    @Override
    public int reportSignal(int action, Engine engine, Task task, SignalInfo info, SigAction origKa, SigAction returnKa) {
        lastAction = action;
        lastOrigKa = origKa;
        record("signal(" + SignalAction.of(action) + "," + dev.utrace.api.task.Signals.name(info.signo) + ")", engine);
        return onSignal.answer(action, info, returnKa);
    }
}
