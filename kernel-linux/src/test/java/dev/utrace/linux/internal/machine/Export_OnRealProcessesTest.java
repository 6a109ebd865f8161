package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.proc.WaitStatus;
import dev.utrace.passive.ExportFormat;
import dev.utrace.passive.ExportResult;
import dev.utrace.passive.Kind;
import dev.utrace.passive.TraceInfo;
import dev.utrace.passive.internal.Json;
import dev.utrace.passive.internal.PassiveTracerImpl;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The passive tracer's export (issue 17) of a real program that forks, vforks and execs, followed
 * from its start: the Chrome file parses back, names a track for every traced task, holds one
 * complete slice per recorded syscall (none overlapping on a thread) and a flow per clone; the
 * NDJSON file is one object per recorded event.
 */
class Export_OnRealProcessesTest extends MachineFixture {
    @TempDir
    Path out;

    @Test
    @DisplayName("passive:export of a real process family: Chrome tracks, slices and flows, NDJSON lines, counts equal to the tracer's")
    @SuppressWarnings("unchecked")
    void exportsOfARealFamily() throws IOException {
        dev.utrace.impl.UtraceFacade facade = core.facade("passive");
        PassiveTracerImpl passive = new PassiveTracerImpl(facade, machine, Map.of());
        try {
            int pid = spawnStopped("forks");
            passive.trace(pid, Kind.all(), true);
            cont(pid);
            assertEquals(WaitStatus.exited(7), waitExit(pid));
            await("every trace of the family ended", () -> passive.list().size() >= 3
                    && passive.list().stream().noneMatch(TraceInfo::active));

            Path chrome = out.resolve("family.json");
            ExportResult c = passive.export(pid, chrome, ExportFormat.CHROME, false);
            List<Map<String, Object>> events = (List<Map<String, Object>>) Json.parse(Files.readString(chrome));
            Set<Long> traced = new HashSet<>();
            for (TraceInfo i : passive.list()) traced.add((long) i.tid());
            Set<Long> named = new HashSet<>();
            Map<Long, BigDecimal> lastEnd = new HashMap<>();
            long slices = 0;
            long flowStarts = 0;
            long flowEnds = 0;
            for (Map<String, Object> e : events) {
                switch ((String) e.get("ph")) {
                    case "M" -> {
                        if ("thread_name".equals(e.get("name"))) named.add((Long) e.get("tid"));
                    }
                    case "X" -> {
                        if (Boolean.TRUE.equals(((Map<?, ?>) e.get("args")).get("finished"))) slices++;
                        long tid = (Long) e.get("tid");
                        BigDecimal ts = number(e.get("ts"));
                        BigDecimal end = ts.add(number(e.get("dur")));
                        BigDecimal before = lastEnd.get(tid);
                        assertTrue(before == null || before.compareTo(ts) <= 0, () -> "overlapping slices on thread " + tid + ": " + e);
                        lastEnd.put(tid, end);
                    }
                    case "s" -> flowStarts++;
                    case "f" -> flowEnds++;
                    default -> { }
                }
            }
            assertTrue(named.containsAll(traced), () -> "a named track for every traced task: " + traced + " named " + named);
            long syscalls = 0;
            for (TraceInfo i : passive.list()) syscalls += passive.stats(i.tid()).totalCalls();
            assertEquals(syscalls, slices, "one slice per syscall that returned (what the statistics count, as strace -c)");
            String flows = flowStarts + " starts, " + flowEnds + " ends";
            assertTrue(flowStarts >= 2 && flowStarts == flowEnds, () -> "a flow per fork and vfork: " + flows);
            assertEquals(passive.list().size(), c.traces(), "the family's traces");

            Path ndjson = out.resolve("family.ndjson");
            ExportResult n = passive.export(pid, ndjson, ExportFormat.NDJSON, false);
            List<String> lines = Files.readAllLines(ndjson);
            assertEquals(n.events(), lines.size(), "one line per event");
            long recorded = 0;
            for (String line : lines) {
                Map<String, Object> o = Json.object(line);
                assertTrue(traced.contains((Long) o.get("tid")), () -> "an event of a traced task: " + line);
                if ("syscall".equals(o.get("kind")) && Boolean.TRUE.equals(o.get("finished"))) recorded++;
            }
            assertEquals(syscalls, recorded, "every syscall that returned is a line");
        } finally {
            facade.revoke();
        }
    }

    private static BigDecimal number(Object o) {
        return o instanceof BigDecimal d ? d : BigDecimal.valueOf((Long) o);
    }
}
