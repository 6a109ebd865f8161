package dev.utrace.linux.internal.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.Event;
import dev.utrace.api.proc.WaitStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An engine on a real program sees its syscalls, each entry followed by its exit, then its exit, death and reap. */
class SyscallStream_Test extends MachineFixture {
    private static final List<Long> STREAM = List.of(39L, 257L, 0L, 3L, 1L, 257L, 3L, 230L, 9L, 11L, 63L, 39L, 62L, 110L, 231L);

    @TempDir
    Path dir;

    @Test
    @DisplayName("the syscall stream of a program, entry then exit each, from its first instruction on")
    void stream() throws Exception {
        Path file = Files.writeString(dir.resolve("input"), "seventeen bytes!\n");
        int pid = spawnStopped("stream", file.toString());
        Recorder rec = new Recorder();
        attach(task(pid), rec, Event.SYSCALL | Recorder.all(Event.EXIT, Event.DEATH, Event.REAP));
        cont(pid);
        WaitStatus st = waitExit(pid);
        assertEquals(WaitStatus.exited(3), st);
        await("reap reported", () -> rec.saw(pid + " reap"));
        List<String> lines = rec.all();
        // Entries come in pairs with their exits, except exit_group's.
        List<Long> entries = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.startsWith(pid + " entry ")) continue;
            long nr = Long.parseLong(l.substring((pid + " entry ").length()));
            entries.add(nr);
            if (nr != 231) assertTrue(lines.get(i + 1).startsWith(pid + " exit "), () -> "entry then exit: " + lines);
        }
        // The tail of the stream is the program's own code, after the C library's start-up (kill(getpid(), 0) calls getpid again).
        int from = entries.indexOf(39L);
        assertTrue(from >= 0, () -> "getpid in " + entries);
        assertEquals(STREAM, entries.subList(from, entries.size()), () -> lines.toString());
        assertEquals(List.of(pid + " exit-report 0x300", pid + " death group", pid + " reap"),
                lines.subList(lines.size() - 3, lines.size()));
        assertEquals("seventeen bytes!\n", console(pid, "seventeen"));
    }
}
