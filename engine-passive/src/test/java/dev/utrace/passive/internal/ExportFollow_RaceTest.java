package dev.utrace.passive.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.passive.ExportFormat;
import dev.utrace.passive.ExportResult;
import dev.utrace.passive.ExportStream;
import dev.utrace.passive.Kind;
import dev.utrace.passive.TraceEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A following export racing its traces (real threads: the traced tasks, the listener, the
 * watcher): started before the family runs, or while it runs (its ring snapshot and its
 * subscription then overlap), it writes each event of the family exactly once and closes a
 * whole file when the family's traces end.
 */
class ExportFollow_RaceTest extends SimFixture {
    @TempDir
    Path out;

    @Test
    @DisplayName("a following export racing a forking family: every event once, a whole file, ended with the traces")
    void followingExportRacesItsTraces() throws Exception {
        int iterations = Math.max(20, Integer.getInteger("race.iterations", 10_000) / 50);
        tracer.deactivate();
        tracer = newTracer("race", new Settings(Kind.all(), 4096, true, 16));
        int whileRunning = 0;
        for (int i = 0; i < iterations; i++) {
            int pid = spawnStopped("forker", "1");
            tracer.trace(pid, null, true);
            Path file = out.resolve("race-" + i + ".json");
            boolean startFirst = i % 2 == 0;
            ExportStream stream = null;
            if (startFirst) stream = tracer.exportFollowing(pid, file, ExportFormat.CHROME, false);
            cont(pid);
            if (!startFirst) {
                stream = tracer.exportFollowing(pid, file, ExportFormat.CHROME, false);
                if (!stream.ended()) whileRunning++;
            }
            ExportResult r = stream.await();
            waitExit(pid);

            List<TraceEvent> family = new ArrayList<>(tracer.log(pid, Integer.MAX_VALUE));
            for (TraceEvent e : List.copyOf(family)) {
                if (e.kind() == Kind.CLONE) family.addAll(tracer.log(e.number(), Integer.MAX_VALUE));
            }
            Set<Long> expected = new HashSet<>();
            for (TraceEvent e : family) expected.add(e.seq());
            List<Long> written = new ArrayList<>();
            for (Map<String, Object> e : ExportTest.chromeEvents(file)) {
                if (e.get("ph").equals("X") || e.get("ph").equals("i")) written.add((Long) ExportTest.args(e).get("seq"));
            }
            assertEquals(expected, new HashSet<>(written), "iteration " + i + ": the family's events");
            assertEquals(written.size(), new HashSet<>(written).size(), "iteration " + i + ": each once");
            assertEquals(written.size(), r.events());
            assertEquals(0, r.lost());
            assertEquals("the traces ended", r.ended(), "iteration " + i);
            assertEquals(2, r.traces(), "iteration " + i + ": the forker and its child");
        }
        assertTrue(whileRunning > 0 || iterations < 20, "some exports began while the family ran");
        System.out.println("following export vs its traces, " + iterations + " iterations, " + whileRunning
                + " begun while the family ran: every event once, each file whole");
    }
}
