package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.proc.ProgramInfo;
import dev.utrace.api.proc.ProcessException;
import dev.utrace.api.proc.WaitStatus;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * A file in the programs folder that is not a program (binary, or text that does not parse)
 * gets a message naming it and what to do; it never breaks the listing or other programs, and
 * a task that execs it gets -ENOEXEC and runs on (issues 12 and 18).
 */
class ProgramFolder_BadFilesTest {
    private static final byte[] BINARY = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0x0d};

    @Test
    void aBinaryFileIsNamedAsNotATextProgramAndTheOthersStillWork() throws IOException {
        try (Sim sim = new Sim()) {
            Files.write(sim.folder.resolve("picture.prog"), BINARY);
            sim.program("comma", "# trailing comma", "wait 1,", "exit 0");
            String path = sim.folder.resolve("picture.prog").toString();
            ProcessException e = assertThrows(ProcessException.class, () -> sim.spawn("picture"));
            assertEquals("program 'picture' does not load: " + path + ":1:1: not a UTF-8 text program: byte 0x89 at offset 0"
                    + " is not valid UTF-8; a program is a text file in the format of docs/programs.md: remove this file from"
                    + " the programs folder, or save it as UTF-8 text", e.getMessage());
            assertInstanceOf(ProgramSyntaxException.class, e.getCause());
            assertEquals("program 'comma' does not load: comma.prog:2:8: expected nohang, untraced or continued, found the"
                    + " end of the line", assertThrows(ProcessException.class, () -> sim.spawn("comma")).getMessage());

            java.util.List<ProgramInfo> listed = sim.machine.programs();
            assertTrue(describe(listed, "picture").startsWith("does not load: " + path + ":1:1: not a UTF-8 text program"));
            assertTrue(describe(listed, "comma").startsWith("does not load: comma.prog:2:8"));
            assertEquals("Prints a greeting and exits 0.", describe(listed, "hello"));

            int pid = sim.spawn("hello");
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid));
            // An unknown name lists the known programs, which loads every folder file.
            assertTrue(assertThrows(ProcessException.class, () -> sim.spawn("nosuch")).getMessage().contains("picture"));
        }
    }

    private static String describe(java.util.List<ProgramInfo> programs, String name) {
        return programs.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().description();
    }

    @Test
    void execOfAMalformedOrBinaryProgramReturnsEnoexecAndTheTaskRunsOn() throws IOException {
        try (Sim sim = new Sim()) {
            sim.program("comma", "wait nohang,", "exit 0");
            sim.program("huge", ".data a 1048576", ".data b 1048576", ".data c 1048576", ".data d 1048576", ".data e 8", "nop");
            Files.write(sim.folder.resolve("picture.prog"), BINARY);
            sim.program("runner",
                    "    exec \"comma\"",
                    "    print \"comma {rax}\\n\"",
                    "    exec \"huge\"",
                    "    print \"huge {rax}\\n\"",
                    "    exec \"picture\"",
                    "    print \"picture {rax}\\n\"",
                    "    exec \"hello\"",
                    "    exit 9");
            int pid = sim.spawn("runner");
            assertEquals(WaitStatus.exited(0), sim.waitExit(pid), "it ran on and finally exec'd hello");
            assertEquals("comma -8\nhuge -8\npicture -8\nhello, world\n", sim.machine.console(pid));
        }
    }
}
