package dev.utrace.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.TaskState;
import dev.utrace.shell.command.Command;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.felix.service.command.Function;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.ParsedLine;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;
import org.jline.terminal.Terminal.Signal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;

/**
 * What the commands do for the jline console, with a real jline reader and terminal in a real
 * Gogo session: a bare name completes as the command it runs; Ctrl-C stops a utrace command,
 * which says "interrupted"; a refusal in the middle of a pipe is printed without a class name.
 */
class ConsoleTest extends ShellFixture {

    @Test
    void aBareNameCompletesAsTheCommandItRuns() throws Exception {
        // another scope's kill, as ptrace's: gogo.jline would look up the completion of "kill" under it
        processor.addCommand("ptrace", (Function) (s, args) -> null, "kill");
        List<List<String>> seen = new ArrayList<>();
        Completer recording = (reader, line, candidates) -> seen.add(line.words());
        try (Terminal terminal = new DumbTerminal(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream())) {
            LineReaderImpl reader = new LineReaderImpl(terminal);
            reader.setCompleter(recording);
            session.put(BareNameCompleter.READER, reader);
            BareNameCompleter.install(session);
            BareNameCompleter.install(session); // once per session, however often the prompt asks
            List<Candidate> candidates = new ArrayList<>();
            for (String line : List.of("kill 2", "ptrace:kill 2", "ki", "nosuch 2")) {
                reader.getCompleter().complete(reader, parse(line), candidates);
            }
        }
        assertEquals(List.of(List.of("utrace:kill", "2"), List.of("ptrace:kill", "2"), List.of("ki"), List.of("nosuch", "2")), seen);
    }

    private static ParsedLine parse(String line) {
        return new DefaultParser().parse(line, line.length());
    }

    @Test
    void ctrlCStopsAUtraceCommandWhichSaysInterrupted() throws Exception {
        run("spawn idle");
        awaitState(2, TaskState.SLEEPING);
        AtomicInteger gogoHandler = new AtomicInteger();
        try (Terminal terminal = new DumbTerminal(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream())) {
            terminal.handle(Signal.INT, s -> gogoHandler.incrementAndGet()); // as gogo.jline's prompt loop does
            session.put(CtrlC.TERMINAL, terminal);
            CtrlC.install(session);
            CtrlC.install(session);
            @SuppressWarnings("unchecked")
            Set<Thread> running = (Set<Thread>) session.get(Command.RUNNING);
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread console = new Thread(() -> {
                try {
                    outcome.set(session.execute("wait 2 600000"));
                } catch (Exception e) {
                    outcome.set(e);
                }
            });
            console.start();
            while (running.isEmpty()) Thread.onSpinWait();
            terminal.raise(Signal.INT);
            console.join();
            assertEquals("interrupted; utrace:wait stopped", String.valueOf(outcome.get()));
            assertEquals(0, gogoHandler.get(), "the job was not cancelled under the command");
            assertTrue(running.isEmpty(), "the command let go of its thread");
            terminal.raise(Signal.INT);
            assertEquals(1, gogoHandler.get(), "with no utrace command running, gogo.jline's handler as before");
        }
        assertEquals(TaskState.SLEEPING, sim.info(2).state(), "nothing changed");
    }

    @Test
    void aRefusalInTheMiddleOfAPipeIsPrintedWithoutAClassName() throws Exception {
        assertNull(session.execute("console 42 | tail -3"));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals("no process with pid 42 is alive or recently ended" + usage("console") + "\n", printed);
        assertFalse(printed.contains("gogo:") || printed.contains("Error"), printed);
    }
}
