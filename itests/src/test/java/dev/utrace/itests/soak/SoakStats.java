package dev.utrace.itests.soak;

import java.util.concurrent.atomic.LongAdder;

/** What a run did, for its summary. */
final class SoakStats {
    final LongAdder spawns = new LongAdder();
    final LongAdder attaches = new LongAdder();
    final LongAdder attachFailures = new LongAdder();
    final LongAdder childAttaches = new LongAdder();
    final LongAdder lookups = new LongAdder();
    final LongAdder controls = new LongAdder();
    final LongAdder setEvents = new LongAdder();
    final LongAdder barriers = new LongAdder();
    final LongAdder barriersInterrupted = new LongAdder();
    final LongAdder examines = new LongAdder();
    final LongAdder examinesDone = new LongAdder();
    final LongAdder signals = new LongAdder();
    final LongAdder kills = new LongAdder();
    final LongAdder revocations = new LongAdder();
    final LongAdder callbacks = new LongAdder();
    final LongAdder callbackFaults = new LongAdder();
    final LongAdder callbackSleeps = new LongAdder();
    final LongAdder selfCalls = new LongAdder();
    final LongAdder releases = new LongAdder();
    final LongAdder rounds = new LongAdder();

    String describe() {
        return "spawns " + spawns + ", engines attached " + attaches + " (" + childAttaches + " from reportClone), failed attaches "
                + attachFailures + ", lookups " + lookups + ", controls " + controls + ", setEvents " + setEvents
                + ", barriers " + barriers + " (" + barriersInterrupted + " interrupted), examinations " + examines
                + " (" + examinesDone + " done), signals " + signals + ", SIGKILLs " + kills + ", revocations "
                + revocations + ", callbacks " + callbacks + " (" + callbackFaults + " threw, " + callbackSleeps
                + " slept, " + selfCalls + " called the API on their own task), releases " + releases
                + ", quiet points " + rounds;
    }
}
