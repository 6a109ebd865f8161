package dev.utrace.passive.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.Signals;
import dev.utrace.passive.ExportFormat;
import dev.utrace.passive.ExportResult;
import dev.utrace.passive.ExportStream;
import dev.utrace.passive.Kind;
import dev.utrace.passive.Stats;
import dev.utrace.passive.SyscallStat;
import dev.utrace.passive.TraceEvent;
import dev.utrace.passive.TraceInfo;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * passive:export's files of real runs on the simulated machine, read back with Jackson: the
 * Chrome trace-event file's tracks, slices, instants and flows against the tracer's own log and
 * statistics; the NDJSON file line by line against its schema.
 */
class ExportTest extends SimFixture {
    /** A signal with a handler, an unknown syscall (ENOSYS), a thread, a child that execs hello, a wait. */
    static final String FAMILY = """
            # export test: a handled signal, ENOSYS, a thread, a forked child that execs hello, a wait
                signal SIGUSR1, onusr1
                raise SIGUSR1
                mov rax, 999
                syscall
                thread worker
                fork
                jz rax, child
                wait
                getpid
                exit_group 0
            child:
                exec "hello"
            worker:
                getpid
                exit 0
            onusr1:
                sigreturn
            """;

    @TempDir
    Path out;

    /** Runs FAMILY traced with follow from its first instruction to the end of every trace of it; its pid. */
    int runFamily() {
        program("family", FAMILY);
        Set<Integer> others = tracer.list().stream().map(TraceInfo::tid).collect(Collectors.toSet());
        int pid = spawnStopped("family");
        tracer.trace(pid, null, true);
        cont(pid);
        waitExit(pid);
        await("the three traces of the family ended", () -> {
            List<TraceInfo> family = tracer.list().stream().filter(i -> !others.contains(i.tid())).toList();
            return family.size() == 3 && family.stream().noneMatch(TraceInfo::active);
        });
        return pid;
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> chromeEvents(Path file) {
        Object doc = Json.parse(read(file));
        assertInstanceOf(List.class, doc, "a Chrome trace file in array form");
        for (Object o : (List<Object>) doc) assertInstanceOf(Map.class, o, "each element an event object");
        return (List<Map<String, Object>>) doc;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> args(Map<String, Object> e) {
        return (Map<String, Object>) e.get("args");
    }

    static int integer(Object o) {
        return Math.toIntExact((Long) o);
    }

    static BigDecimal number(Object o) {
        return o instanceof BigDecimal d ? d : BigDecimal.valueOf((Long) o);
    }

    static List<Map<String, Object>> phase(List<Map<String, Object>> events, String ph) {
        return events.stream().filter(e -> ph.equals(e.get("ph"))).toList();
    }

    /**
     * The structure of a Chrome file against the tracer: tracks named, one slice per syscall
     * (none overlapping on a thread), one instant per other event, flows in pairs, counts equal
     * to the statistics, times equal to the recorded ones on the tracer's clock.
     *
     * @param sortedPerThread whether each thread's events must come in time order in the file
     *                        (a one-shot export; a following one writes a slice when its syscall returns)
     */
    void assertChromeStructure(List<Map<String, Object>> events, List<TraceEvent> log, Stats stats,
                               boolean sortedPerThread) {
        Set<String> phases = events.stream().map(e -> (String) e.get("ph")).collect(Collectors.toSet());
        assertTrue(Set.of("M", "X", "i", "s", "f").containsAll(phases), "only names, complete slices, instants, flows: "
                + phases);
        assertTrue(phase(events, "B").isEmpty() && phase(events, "E").isEmpty(), "no begin or end to leave unmatched");

        // Tracks: every traced task's thread named after its program, its process too.
        Map<Integer, TraceInfo> traces = new HashMap<>();
        for (TraceInfo i : tracer.list()) traces.put(i.tid(), i);
        Map<Integer, String> threadNames = new HashMap<>();
        Map<Integer, String> processNames = new HashMap<>();
        for (Map<String, Object> m : phase(events, "M")) {
            String value = (String) args(m).get("name");
            Map<Integer, String> names = "thread_name".equals(m.get("name")) ? threadNames : processNames;
            assertNull(names.put(integer("thread_name".equals(m.get("name")) ? m.get("tid") : m.get("pid")), value),
                    "each track named once: " + m);
        }
        assertEquals(traces.keySet(), threadNames.keySet(), "a named thread track per trace");
        for (TraceInfo i : traces.values()) {
            assertEquals(i.comm(), threadNames.get(i.tid()));
            assertTrue(processNames.containsKey(i.tgid()), "process " + i.tgid() + " named");
        }

        Map<Long, TraceEvent> bySeq = log.stream().collect(Collectors.toMap(TraceEvent::seq, Function.identity()));
        long start = tracer.clock().startNanos();
        Map<Integer, List<Map<String, Object>>> perThread = new TreeMap<>();
        for (Map<String, Object> e : events) {
            if (e.get("ph").equals("X") || e.get("ph").equals("i")) {
                perThread.computeIfAbsent(integer(e.get("tid")), k -> new ArrayList<>()).add(e);
                TraceEvent r = bySeq.get((Long) args(e).get("seq"));
                assertNotNull(r, "every event is one the tracer recorded: " + e);
                assertEquals(r.tid(), integer(e.get("tid")));
                assertEquals(traces.get(r.tid()).tgid(), integer(e.get("pid")), "its process track");
                long begins = r.nanos() - r.durationNanos() - start;
                assertEquals(BigDecimal.valueOf(begins, 3), e.get("ts"), "microseconds since the tracer started: " + e);
                if (e.get("ph").equals("X")) {
                    assertEquals(BigDecimal.valueOf(r.durationNanos(), 3), e.get("dur"));
                    assertEquals(r.name(), e.get("name"));
                    assertEquals(6, ((List<?>) args(e).get("args")).size());
                    assertEquals(r.finished(), args(e).get("finished"));
                } else {
                    assertEquals("t", e.get("s"), "a thread instant");
                }
            }
        }
        assertEquals(log.size(), perThread.values().stream().mapToInt(List::size).sum(), "one slice or instant per event");

        // Slices nest: on one thread, each ends before the next begins; in a one-shot file they come in time order.
        for (Map.Entry<Integer, List<Map<String, Object>>> t : perThread.entrySet()) {
            List<Map<String, Object>> inFile = t.getValue();
            if (sortedPerThread) {
                for (int k = 1; k < inFile.size(); k++) {
                    assertTrue(number(inFile.get(k - 1).get("ts")).compareTo(number(inFile.get(k).get("ts"))) <= 0,
                            "thread " + t.getKey() + " in time order at " + inFile.get(k));
                }
            }
            List<Map<String, Object>> slices = inFile.stream().filter(e -> e.get("ph").equals("X"))
                    .sorted(Comparator.comparing(e -> number(e.get("ts")))).toList();
            for (int k = 1; k < slices.size(); k++) {
                BigDecimal end = number(slices.get(k - 1).get("ts")).add(number(slices.get(k - 1).get("dur")));
                assertTrue(end.compareTo(number(slices.get(k).get("ts"))) <= 0,
                        "no overlapping slices on thread " + t.getKey() + ": " + slices.get(k - 1) + " and " + slices.get(k));
            }
        }

        // Counts equal to the statistics, which count the syscalls that returned (as strace -c).
        List<Map<String, Object>> returned = phase(events, "X").stream().filter(e -> Boolean.TRUE.equals(args(e).get("finished")))
                .toList();
        for (SyscallStat s : stats.syscalls()) {
            List<Map<String, Object>> calls = returned.stream().filter(e -> s.name().equals(e.get("name"))).toList();
            assertEquals(s.calls(), calls.size(), "slices of " + s.name());
            assertEquals(s.errors(), calls.stream().filter(e -> args(e).containsKey("errno")).count(), "errors of " + s.name());
        }
        assertEquals(stats.totalCalls(), returned.size());
        Map<Integer, Long> signals = phase(events, "i").stream().filter(e -> "signal".equals(e.get("cat")))
                .collect(Collectors.groupingBy(e -> integer(args(e).get("signo")), Collectors.counting()));
        assertEquals(stats.signals(), signals);
        assertEquals(stats.exits(), phase(events, "i").stream().filter(e -> "exit".equals(e.get("name"))).count());

        // Flows: a start and a finish per id, from a clone's thread at the clone to its child's track, before its first event.
        Map<Long, Map<String, Object>> starts = new HashMap<>();
        Map<Long, Map<String, Object>> finishes = new HashMap<>();
        for (Map<String, Object> s : phase(events, "s")) assertNull(starts.put((Long) s.get("id"), s), "one start per id");
        for (Map<String, Object> f : phase(events, "f")) assertNull(finishes.put((Long) f.get("id"), f), "one finish per id");
        assertEquals(starts.keySet(), finishes.keySet(), "every flow has its start and its finish");
        List<Map<String, Object>> clones = phase(events, "i").stream().filter(e -> "clone".equals(e.get("cat"))).toList();
        int expectedFlows = 0;
        for (Map<String, Object> c : clones) {
            int child = integer(args(c).get("child"));
            if (!perThread.containsKey(child)) continue;
            expectedFlows++;
            long id = (Long) args(c).get("seq");
            Map<String, Object> s = starts.get(id);
            Map<String, Object> f = finishes.get(id);
            assertNotNull(s, "an arrow from the clone " + c);
            assertEquals(c.get("tid"), s.get("tid"));
            assertEquals(c.get("ts"), s.get("ts"));
            assertEquals(child, integer(f.get("tid")), "to the child's track");
            assertEquals(s.get("cat"), f.get("cat"), "start and finish pair by id, cat and name");
            assertEquals(s.get("name"), f.get("name"));
            assertFalse(f.containsKey("bp"), "bound to the next slice: the child's first event");
            BigDecimal first = perThread.get(child).stream().map(e -> number(e.get("ts"))).min(BigDecimal::compareTo).orElseThrow();
            assertTrue(number(f.get("ts")).compareTo(first) < 0, "the finish comes before the child's first event");
        }
        assertEquals(expectedFlows, starts.size(), "a flow per clone whose child has events");
    }

    @Test
    @DisplayName("a Chrome file of a family (signal, thread, fork, exec) parses back with tracks, slices, flows and the tracer's counts")
    void chromeFileOfARealRun() {
        runFamily();
        Path file = out.resolve("family.json");
        ExportResult r = tracer.export(0, file, ExportFormat.CHROME, false);
        List<TraceEvent> log = tracer.log(Integer.MAX_VALUE);
        assertEquals(file, r.file());
        assertEquals("written", r.ended());
        assertEquals(log.size(), r.events());
        assertEquals(tracer.list().size(), r.traces());
        assertEquals(0, r.dropped());
        List<Map<String, Object>> events = chromeEvents(file);
        assertChromeStructure(events, log, tracer.stats(), true);
        // What the family did is there: a thread and a fork (each with its arrow), an exec, SIGUSR1, ENOSYS.
        assertEquals(Set.of("clone", "fork"), phase(events, "i").stream().filter(e -> "clone".equals(e.get("cat")))
                .map(e -> (String) e.get("name")).collect(Collectors.toSet()));
        assertEquals(2, phase(events, "s").size());
        assertEquals(1, phase(events, "i").stream().filter(e -> "exec".equals(e.get("name"))).count());
        assertTrue(phase(events, "i").stream().anyMatch(e -> "SIGUSR1".equals(e.get("name"))));
        assertTrue(phase(events, "X").stream().anyMatch(e -> "syscall_999".equals(e.get("name"))
                && Long.valueOf(38).equals(args(e).get("errno"))));
        String text = read(file);
        assertTrue(text.startsWith("[\n{") && text.endsWith("}\n]\n"), "one event a line");
        assertEquals(events.size() + 2, text.lines().count());
    }

    @Test
    @DisplayName("an export of one pid covers its trace and the traces followed from it, and nothing else")
    void onePidCoversItsFamily() {
        int idle = spawnStopped("idle");
        tracer.trace(idle, Kind.parse("exit"), false);
        int pid = runFamily();
        Path file = out.resolve("one.json");
        ExportResult r = tracer.export(pid, file, ExportFormat.CHROME, false);
        Set<Integer> tids = phase(chromeEvents(file), "M").stream().map(e -> integer(e.get("tid"))).collect(Collectors.toSet());
        assertFalse(tids.contains(idle), "the unrelated trace is left out: " + tids);
        assertEquals(3, r.traces(), "the family: the process, its thread, its child");
        Set<Integer> family = tracer.list().stream().filter(i -> i.tid() != idle).map(TraceInfo::tid).collect(Collectors.toSet());
        assertTrue(tids.containsAll(family), tids + " has " + family);
    }

    @Test
    @DisplayName("an NDJSON file has one object per event per line, in the documented schema, in time order")
    void ndjsonFollowsTheSchema() {
        runFamily();
        Path file = out.resolve("family.ndjson");
        ExportResult r = tracer.export(0, file, ExportFormat.forFile(file), false);
        assertEquals(ExportFormat.NDJSON, r.format());
        List<TraceEvent> log = new ArrayList<>(tracer.log(Integer.MAX_VALUE));
        log.sort(Exporter.BY_START);
        String text = read(file);
        assertTrue(text.endsWith("\n"), "every line ends with a line break");
        List<String> lines = text.lines().toList();
        assertEquals(log.size(), lines.size());
        Map<Integer, TraceInfo> traces = tracer.list().stream().collect(Collectors.toMap(TraceInfo::tid, Function.identity()));
        long start = tracer.clock().startNanos();
        for (int k = 0; k < lines.size(); k++) {
            Map<String, Object> o = Json.object(lines.get(k));
            TraceEvent e = log.get(k);
            assertEquals(1L, o.get("v"));
            assertEquals(e.seq(), o.get("seq"));
            assertEquals(e.nanos() - start, o.get("ts_ns"));
            assertEquals(tracer.clock().wall(e.nanos()).toString(), o.get("time"));
            assertEquals((long) e.tid(), o.get("tid"));
            assertEquals((long) traces.get(e.tid()).tgid(), o.get("tgid"));
            assertEquals(traces.get(e.tid()).comm(), o.get("comm"));
            assertEquals(e.text(), o.get("text"));
            Set<String> common = Set.of("v", "seq", "ts_ns", "time", "tid", "tgid", "comm", "kind", "text");
            Set<String> own = new HashSet<>(o.keySet());
            own.removeAll(common);
            switch (e.kind()) {
                case SYSCALLS -> {
                    assertEquals("syscall", o.get("kind"));
                    assertEquals(Set.of("nr", "name", "args", "finished", "result", "errno", "start_ns", "duration_ns"), own);
                    assertEquals((long) e.number(), o.get("nr"));
                    assertEquals(e.name(), o.get("name"));
                    List<String> hex = new ArrayList<>();
                    for (long a : e.args()) hex.add("0x" + Long.toHexString(a));
                    assertEquals(hex, o.get("args"));
                    assertEquals(e.finished(), o.get("finished"));
                    assertEquals(e.finished() ? Long.valueOf(e.result()) : null, o.get("result"));
                    boolean error = e.finished() && e.result() < 0 && e.result() >= -4095;
                    assertEquals(error ? Long.valueOf(-e.result()) : null, o.get("errno"));
                    assertEquals(e.nanos() - e.durationNanos() - start, o.get("start_ns"));
                    assertEquals(e.durationNanos(), o.get("duration_ns"));
                }
                case SIGNALS -> {
                    assertEquals(Set.of("signo", "signal", "info"), own);
                    assertEquals(Signals.name(e.number()), o.get("signal"));
                    assertEquals(e.detail(), o.get("info"));
                }
                case CLONE -> {
                    assertEquals(Set.of("child", "flags", "flag_names", "thread"), own);
                    assertEquals((long) e.number(), o.get("child"));
                    assertEquals("0x" + Long.toHexString(e.result()), o.get("flags"));
                    assertEquals((e.result() & 0x10000) != 0, o.get("thread"));
                }
                case EXEC -> {
                    assertEquals(Set.of("detail"), own);
                    assertEquals(e.detail(), o.get("detail"));
                }
                case EXIT -> {
                    assertEquals(Set.of("status", "exit_code", "term_signal"), own);
                    assertEquals((long) e.number(), o.get("status"));
                    assertEquals(0L, o.get("exit_code"));
                    assertNull(o.get("term_signal"));
                }
                case DEATH -> assertEquals(Set.of("group_dead"), own);
            }
            assertEquals(NdjsonSink.kind(e), o.get("kind"));
        }
        Stats stats = tracer.stats();
        Map<String, Long> calls = new HashMap<>();
        for (String line : lines) {
            Map<String, Object> o = Json.object(line);
            if ("syscall".equals(o.get("kind")) && Boolean.TRUE.equals(o.get("finished"))) calls.merge((String) o.get("name"), 1L, Long::sum);
        }
        for (SyscallStat s : stats.syscalls()) assertEquals(s.calls(), calls.get(s.name()), s.name());
    }

    @Test
    @DisplayName("a following Chrome export of a family ends with its traces and holds what the tracer recorded")
    void followingChromeExportEndsWithTheTraces() throws Exception {
        program("family", FAMILY);
        int pid = spawnStopped("family");
        tracer.trace(pid, null, true);
        Path file = out.resolve("follow.json");
        ExportStream stream = tracer.exportFollowing(pid, file, ExportFormat.CHROME, false);
        assertFalse(stream.ended());
        cont(pid);
        ExportResult r = stream.await();
        assertTrue(stream.ended());
        assertEquals("the traces ended", r.ended());
        List<TraceEvent> log = tracer.log(Integer.MAX_VALUE);
        assertEquals(log.size(), r.events(), "every event recorded: " + r);
        assertEquals(0, r.lost());
        assertEquals(3, r.traces());
        assertChromeStructure(chromeEvents(file), log, tracer.stats(), false);
        assertEquals(r, stream.stop(), "stopping an ended export gives its result again");
    }

    @Test
    @DisplayName("a following NDJSON export writes each event once, whole lines only, and stops on request")
    void followingNdjsonWholeLinesThenStop() throws Exception {
        program("waiter", """
                # pauses for signals forever
                    signal SIGUSR1, got
                again:
                    pause
                    jmp again
                got:
                    sigreturn
                """);
        int pid = spawnStopped("waiter");
        tracer.trace(pid, null, false);
        cont(pid);
        await("the waiter pauses", () -> tracer.log(pid, 100).size() >= 2); // SIGCONT, rt_sigaction
        Path file = out.resolve("live.ndjson");
        ExportStream stream = tracer.exportFollowing(0, file, ExportFormat.NDJSON, false);
        for (int round = 1; round <= 3; round++) {
            sim.kill(pid, Signals.SIGUSR1);
            int seen = round;
            long[] caughtUp = new long[1];
            await("round " + round + " written", () -> {
                int count = tracer.log(pid, 1000).size();
                caughtUp[0] = count;
                return tracer.log(pid, 1000).stream()
                        .filter(e -> e.kind() == Kind.SIGNALS && e.number() == Signals.SIGUSR1).count() == seen
                        && stream.events() == count;
            });
            // The waiter runs on (its handler's sigreturn, the next pause), so events may be logged
            // and written after the wait: the file is read first, then the log, which only grows.
            String text = read(file);
            List<Long> logged = tracer.log(pid, 1000).stream().map(TraceEvent::seq).toList();
            assertTrue(text.endsWith("\n"), "a reader sees whole lines");
            List<Long> written = text.lines().map(l -> (Long) Json.object(l).get("seq")).sorted().toList();
            assertTrue(written.size() >= caughtUp[0], "every event logged when the stream caught up is in the file: "
                    + written.size() + " lines, " + caughtUp[0] + " events then");
            assertEquals(logged.subList(0, written.size()), written, "each event once, those from before the export too, none skipped");
        }
        ExportResult r = stream.stop();
        assertEquals("stopped", r.ended());
        assertTrue(tracer.tracing(pid), "stopping an export leaves the trace alone");
        sim.kill(pid, Signals.SIGUSR1);
        await("a fourth round recorded", () -> tracer.log(pid, 1000).stream()
                .filter(e -> e.kind() == Kind.SIGNALS && e.number() == Signals.SIGUSR1).count() == 4);
        assertEquals(r.events(), read(file).lines().count(), "nothing written after the stop");
        sim.kill(pid, Signals.SIGKILL);
    }

    @Test
    @DisplayName("a following Chrome file read while it grows is the events so far, one a line; at most the last line is cut")
    void aGrowingChromeFileIsReadableLineByLine() {
        int pid = spawnStopped("counter", "1000000");
        tracer.trace(pid, Kind.parse("syscalls"), false);
        Path file = out.resolve("growing.json");
        ExportStream stream = tracer.exportFollowing(pid, file, ExportFormat.CHROME, false);
        cont(pid);
        await("some events written", () -> stream.events() >= 20);
        // What a reader of a growing file (or of one whose writer was killed) does, as the README says:
        // skip the "[", take each line without its comma, keep the whole objects; only the last may be cut.
        List<String> lines = read(file).lines().toList();
        assertEquals("[", lines.getFirst());
        int slices = 0;
        for (int k = 1; k < lines.size(); k++) {
            String line = lines.get(k).endsWith(",") ? lines.get(k).substring(0, lines.get(k).length() - 1) : lines.get(k);
            try {
                if ("X".equals(Json.object(line).get("ph"))) slices++;
            } catch (java.io.UncheckedIOException cut) {
                assertEquals(lines.size() - 1, k, "only the line being written can be incomplete: " + line);
            }
        }
        assertTrue(slices >= 20, "what was flushed reads as events: " + slices);
        ExportResult r = stream.stop();
        sim.kill(pid, Signals.SIGKILL);
        assertEquals(r.events(), phase(chromeEvents(file), "X").size(), "once stopped, a whole JSON array");
    }

    @Test
    @DisplayName("when the tracer stops, its following exports end with whole files")
    void tracerStopEndsFollowingExports() throws Exception {
        int pid = spawnStopped("idle");
        tracer.trace(pid, null, false);
        Path file = out.resolve("stopping.json");
        ExportStream stream = tracer.exportFollowing(pid, file, ExportFormat.CHROME, false);
        cont(pid);
        tracer.deactivate();
        ExportResult r = stream.await();
        assertEquals("the tracer stopped", r.ended());
        assertEquals(r.events(), phase(chromeEvents(file), "X").size() + phase(chromeEvents(file), "i").size());
        sim.kill(pid, Signals.SIGKILL);
    }

    @Test
    @DisplayName("bad requests are refused with what was wrong, and change nothing")
    void refusalsChangeNothing() throws IOException {
        int pid = spawnStopped("idle");
        tracer.trace(pid, Kind.parse("exit"), false);
        Path existing = Files.writeString(out.resolve("existing.json"), "keep me");
        Path aFile = Files.writeString(out.resolve("plain"), "x");
        String[][] cases = {
                {"99", out.resolve("a.json").toString(), "no trace of pid 99 to export; passive:list shows the traces"},
                {"" + pid, existing.toString(), existing + " exists; give another file, or overwrite it (passive:export --force)"},
                {"" + pid, out.resolve("no/such/folder/a.json").toString(), "no folder " + out.resolve("no/such/folder")
                        + "; create it first, or give a file in an existing folder"},
                {"" + pid, out.toString(), out + " is a folder; give a file in it, such as " + out.resolve("trace.json")},
                {"" + pid, aFile.resolve("a.json").toString(), aFile + " is not a folder; give a file in a folder"},
        };
        List<TraceInfo> before = tracer.list();
        for (String[] c : cases) {
            for (boolean follow : List.of(false, true)) {
                Set<Path> files;
                try (var s = Files.list(out)) {
                    files = s.collect(Collectors.toSet());
                }
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
                    if (follow) tracer.exportFollowing(Integer.parseInt(c[0]), Path.of(c[1]), ExportFormat.CHROME, false);
                    else tracer.export(Integer.parseInt(c[0]), Path.of(c[1]), ExportFormat.NDJSON, false);
                }, c[1]);
                assertEquals(c[2], e.getMessage());
                try (var s = Files.list(out)) {
                    assertEquals(files, s.collect(Collectors.toSet()), "no file made or left: " + c[1]);
                }
                assertEquals("keep me", Files.readString(existing));
                assertEquals(before, tracer.list(), "traces untouched");
            }
        }
        ExportResult r = tracer.export(pid, existing, ExportFormat.CHROME, true);
        assertEquals("written", r.ended());
        assertEquals(1, phase(chromeEvents(existing), "M").stream().filter(m -> "thread_name".equals(m.get("name"))).count(),
                "an existing file is replaced when overwriting is allowed");
        try (var s = Files.list(out)) {
            assertEquals(Set.of(existing, aFile), s.collect(Collectors.toSet()), "no temporary file left");
        }
        sim.kill(pid, Signals.SIGKILL);
    }
}
