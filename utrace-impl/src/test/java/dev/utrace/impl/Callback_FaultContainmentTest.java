package dev.utrace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Engine;
import dev.utrace.api.EngineState;
import dev.utrace.api.Event;
import dev.utrace.api.ResumeAction;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A callback that throws is contained: logged with engine, task and event; the engine is
 * detached; the task and the other engines go on.
 */
class Callback_FaultContainmentTest extends CoreFixture {
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r.getLevel() + " " + r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        Logger.getLogger("dev.utrace.impl").addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        Logger.getLogger("dev.utrace.impl").removeHandler(capture);
    }

    @Test
    @DisplayName("a throwing callback detaches its engine; later engines and the task go on; it is logged with engine, task and event")
    void throwingCallbackIsContained() {
        FakeTask t = newTask();
        Rec bad = rec("Bad");
        Rec good = rec("Good");
        bad.during = (callback, e) -> {
            if (callback.equals("exec")) throw new IllegalStateException("engine bug");
            return null;
        };
        Engine b = attach(t, bad, Event.mask(Event.EXEC, Event.SYSCALL_EXIT));
        Engine g = attach(t, good, Event.mask(Event.EXEC, Event.SYSCALL_EXIT));
        Tracee tracee = tracee(t);
        tracee.exec("prog");
        assertEquals(List.of("Bad.exec", "Good.exec"), log, "the next engine still got the event");
        assertEquals(EngineState.DETACHED, b.state(), "the faulty engine is detached at the end of the pass");
        log.clear();
        assertTrue(tracee.syscall(39), "the task goes on");
        assertEquals(List.of("Good.syscallExit"), log, "no callback reaches the faulty engine again");
        assertTrue(logged.stream().anyMatch(m -> m.startsWith("SEVERE") && m.contains("reportExec")
                && m.contains("task " + t.tid) && m.contains(Rec.class.getName())), logged.toString());
        b.put();
        assertEquals(1, bad.releases.get(), "its data is still released once");
        g.put();
    }

    @Test
    @DisplayName("a callback that returns null is treated as a fault: detached, the pass goes on")
    void nullReturnIsAFault() {
        FakeTask t = newTask();
        Rec bad = rec("Bad");
        bad.onExec = null;
        Rec good = rec("Good");
        good.onExec = ResumeAction.RESUME;
        Engine b = attach(t, bad, Event.mask(Event.EXEC));
        attach(t, good, Event.mask(Event.EXEC)).put();
        tracee(t).exec("prog");
        assertEquals(List.of("Bad.exec", "Good.exec"), log);
        assertEquals(EngineState.DETACHED, b.state());
        b.put();
    }

    @Test
    @DisplayName("a throwing report_reap or release does not stop the teardown of the other engines")
    void throwingReapAndReleaseAreContained() {
        FakeTask t = newTask();
        Rec bad = new Rec("Bad", log) {
            @Override
            public void release(Object data) {
                super.release(data);
                throw new IllegalStateException("release bug");
            }
        };
        bad.during = (callback, e) -> {
            if (callback.equals("reap")) throw new IllegalStateException("reap bug");
            return null;
        };
        Rec good = rec("Good");
        attach(t, bad, Event.mask(Event.REAP)).put();
        attach(t, good, Event.mask(Event.REAP)).put();
        Tracee.exitAndReap(t, core.hooks());
        assertEquals(List.of("Bad.reap", "Bad.release", "Good.reap", "Good.release"), log);
        assertEquals(1, bad.releases.get());
        assertEquals(1, good.releases.get());
        assertEquals(0, utrace.liveEngines());
        assertTrue(logged.stream().anyMatch(m -> m.contains("reportReap")), logged.toString());
        assertTrue(logged.stream().anyMatch(m -> m.contains("release(data) threw")), logged.toString());
    }
}
