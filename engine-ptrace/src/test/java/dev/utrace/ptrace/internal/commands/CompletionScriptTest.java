package dev.utrace.ptrace.internal.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The completion script runs in Gogo (with a stand-in for gogo.jline's {@code complete}),
 * declares every ptrace: command, and its candidate function lists the shell tracer's tracees.
 */
class CompletionScriptTest extends ShellFixture {

    /** Records what the script declares, as gogo.jline's {@code complete} would take it. */
    public static final class Complete {
        final List<String> calls = new ArrayList<>();

        public void complete(String... args) {
            calls.add(String.join(" ", args));
        }
    }

    @Test
    void declaresEveryCommandAndCompletesTracees() throws Exception {
        Complete complete = new Complete();
        processor.addCommand("gogo", complete, "complete");
        String script;
        try (InputStream in = getClass().getResourceAsStream("/ptrace-completion.gosh")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        session.execute(script);
        List<String> all = Stream.of(CONTROL, INSPECT, WAIT).flatMap(Stream::of).toList();
        for (String f : all) {
            assertTrue(complete.calls.contains("-c ptrace:" + f + " -e"), f + " in " + complete.calls);
            assertTrue(complete.calls.stream().anyMatch(c -> c.startsWith("-c ptrace:" + f + " -d ")), f);
            String candidates = f.equals("attach") || f.equals("seize") ? "__ptrace_tasks" : "__ptrace_tracees";
            assertEquals(!f.equals("tracees"), complete.calls.contains("-c ptrace:" + f + " -a " + candidates), f + " in " + complete.calls);
        }
        assertTrue(complete.calls.contains("-c ptrace:wait -l nohang -d Return at once when nothing is ready"), complete.calls.toString());

        program("spin", PtraceCommandsTest.SPIN);
        assertEquals(List.of(), session.execute("__ptrace_tracees"));
        int pid = spawn("spin");
        run("seize " + pid);
        assertEquals(List.of(Integer.toString(pid)), session.execute("__ptrace_tracees"));
    }
}
