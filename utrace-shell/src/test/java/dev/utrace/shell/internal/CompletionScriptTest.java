package dev.utrace.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The completion script runs in Gogo (with a stand-in for gogo.jline's {@code complete}), declares
 * every command, and its candidate functions list live pids and program names.
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
    void declaresEveryCommandAndCompletesPidsAndPrograms() throws Exception {
        Complete complete = new Complete();
        processor.addCommand("gogo", complete, "complete");
        String script;
        try (InputStream in = getClass().getResourceAsStream("/utrace-completion.gosh")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        session.execute(script);
        for (String f : commands.stream().map(c -> c.name()).toList()) {
            assertTrue(complete.calls.contains("-c utrace:" + f + " -e"), f + " in " + complete.calls);
            assertTrue(complete.calls.stream().anyMatch(c -> c.startsWith("-c utrace:" + f + " -d ")), f);
        }
        run("spawn idle");
        assertEquals(List.of("1", "2"), session.execute("__utrace_pids"));
        assertTrue(((List<?>) session.execute("__utrace_programs")).containsAll(List.of("hello", "idle", "counter")));
        // Each command that takes a pid offers the live pids; spawn offers the programs
        // (the form checked by hand in a real jline console, see the script).
        for (String f : List.of("kill", "info", "console", "engines", "wait")) {
            assertTrue(complete.calls.contains("-c utrace:" + f + " -a __utrace_pids"), f + " in " + complete.calls);
        }
        assertTrue(complete.calls.contains("-c utrace:spawn -a __utrace_programs"), complete.calls.toString());
        assertTrue(complete.calls.contains("-c utrace:help -a __utrace_commands"), complete.calls.toString());
        assertTrue(((java.util.Collection<?>) session.execute("__utrace_commands")).containsAll(List.of("utrace:ps", "utrace:help")));
    }
}
