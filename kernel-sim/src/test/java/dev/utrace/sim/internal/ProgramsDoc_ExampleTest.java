package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.utrace.api.task.Signals;
import dev.utrace.api.task.TaskState;
import dev.utrace.api.proc.WaitStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The example in docs/programs.md loads and does what the text says. */
class ProgramsDoc_ExampleTest {

    @Test
    void theDocumentedExampleRuns() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "programs.md"));
        String section = doc.substring(doc.indexOf("## An example"));
        int start = section.indexOf("```\n") + 4;
        String example = section.substring(start, section.indexOf("```", start));
        try (Sim sim = new Sim()) {
            sim.program("example", example);
            int pid = sim.spawn("example");
            for (int i = 0; i < 3; i++) {
                Sim.await("it pauses", () -> sim.task(pid).state() == TaskState.SLEEPING);
                int before = sim.hooks.of("signalHandler").size();
                sim.machine.kill(pid, Signals.SIGUSR1);
                Sim.await("the handler runs", () -> sim.hooks.of("signalHandler").size() == before + 1);
            }
            assertEquals(WaitStatus.exited(3), sim.waitExit(pid));
            assertEquals("signal 10\nsignal 10\nsignal 10\n", sim.machine.console(pid));
        }
    }
}
