package dev.utrace.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.shell.format.UsageError;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** help, exit and quit, tail, and the answer to an unknown command, in a real Gogo session. */
class ShellCommandsTest extends ShellFixture {

    @Test
    void helpListsEveryUtraceCommandWithWhatItDoes() throws Exception {
        String listing = run("help");
        assertTrue(listing.startsWith("COMMAND "), listing);
        for (String f : FUNCTIONS) {
            assertTrue(listing.lines().anyMatch(l -> l.matches("utrace:" + f + " +\\S.*")), f + " in\n" + listing);
        }
        assertTrue(listing.lines().anyMatch(l -> l.matches("utrace:help +list the commands, or show how to call one.*")), listing);
        assertTrue(listing.contains("exit, quit or Ctrl-D leaves the shell."), listing);
    }

    @Test
    void helpShowsEachParameterByNameAndMeaningOnce() throws Exception {
        assertEquals("""
                utrace:spawn [--syscalls <list>] <program> [args...]
                start a program as a new process, a child of init; prints its pid
                  --syscalls <list>  the syscalls engines will want of it, comma separated (e.g. openat,connect): on real \
                processes it then stops only at those (a seccomp filter); default all
                  <program>          the program's name, as programs lists it
                  [args...]          up to six numbers (decimal, or 0x and hex digits; 64 bits each), given to the program \
                in rdi, rsi, rdx, r10, r8, r9""", run("help spawn"));
        assertEquals(run("help spawn"), run("spawn --help"));
        assertEquals(run("help spawn"), run("help utrace:spawn"));
        String wait = run("help wait");
        assertTrue(wait.startsWith("utrace:wait <pid> [timeout-ms]\n"), wait);
        assertFalse(wait.contains("wait(") || wait.contains("Object") || wait.contains("ptrace"), "utrace:wait alone: " + wait);
        assertEquals(1, wait.lines().filter(l -> l.contains("<pid>")).count() - 1, "pid explained once: " + wait);
    }

    @Test
    void helpOfAnUnknownCommandSuggestsNearNames() {
        assertEquals("unknown command 'sapwn'; did you mean spawn?; help lists the commands\nusage: utrace:help [command]",
                refused("help sapwn"));
        assertEquals("help takes at most 1 argument ([command]); 'b' is one too many\nusage: utrace:help [command]",
                refused("help a b"));
    }

    @Test
    void anUnknownCommandIsNamedWithNearNamesAndChangesNothing() throws Exception {
        awaitState(1, dev.utrace.api.task.TaskState.SLEEPING); // init starts RUNNING and goes to sleep in its wait
        String before = run("ps");
        UsageError e = assertThrows(UsageError.class, () -> session.execute("sapwn idle"));
        assertEquals("unknown command 'sapwn'; did you mean spawn?; help lists the commands", e.toString());
        assertEquals("unknown command 'frobnicate'; help lists the commands",
                assertThrows(UsageError.class, () -> session.execute("frobnicate 1 [2] $x")).toString());
        assertEquals("unknown command 'nosuch:ps'; did you mean ps?; help lists the commands",
                assertThrows(UsageError.class, () -> session.execute("nosuch:ps")).toString());
        processor.addCommand("other", (org.apache.felix.service.command.Function) (s, a) -> null, "spawn");
        processor.addCommand("other", (org.apache.felix.service.command.Function) (s, a) -> null, "spwn");
        assertEquals("unknown command 'sapwn'; did you mean spwn or spawn?; help lists the commands",
                assertThrows(UsageError.class, () -> session.execute("sapwn")).toString(), "each name once, bare");
        assertEquals(before, run("ps"));
    }

    @Test
    void exitAndQuitLeaveTheShellAndTakeNoArguments() throws Exception {
        assertEquals("stopping the framework", run("exit"));
        assertEquals(1, left.get());
        assertEquals("stopping the framework", run("quit"));
        assertEquals(2, left.get());
        assertEquals("exit takes no arguments; 'now' is one too many\nusage: utrace:exit", refused("exit now"));
        assertEquals(2, left.get(), "a refused exit does not leave");
    }

    @Test
    void tailShowsTheLastLinesOfAPipe() throws Exception {
        run("spawn counter 5");
        run("wait 2");
        assertEquals("3\n4\n5", session.execute("console 2 | tail -3"));
        assertEquals("4\n5", session.execute("console 2 | tail -n 2"));
        assertEquals("1\n2\n3\n4\n5", session.execute("console 2 | tail"));
        assertNull(session.execute("console 2 | tail -0"));
        assertEquals("nothing is piped into tail; give it a command's output (console 2 | tail -3) or files"
                + usage("tail"), refused("tail -3"));
        assertEquals("'x' is not a count of lines; give how many lines, 0 or more" + usage("tail"), refused("console 2 | tail -x"
                .replace("-x", "-n x")));
        assertEquals("unknown option '-f'; tail takes -n" + usage("tail"), refused("tail -f"));
    }

    @Test
    void tailReadsFiles() throws Exception {
        Files.writeString(programs.resolve("a.txt"), "one\ntwo\nthree\n");
        session.currentDir(programs);
        assertEquals("two\nthree", session.execute("tail -2 a.txt"));
        assertEquals("no file 'b.txt' in " + programs + usage("tail"), refused("tail b.txt"));
        Files.write(programs.resolve("c.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertEquals("'c.bin' is not text (UTF-8); tail shows lines of text" + usage("tail"), refused("tail c.bin"));
        assertEquals("'.' is a folder; tail reads files" + usage("tail"), refused("tail ."));
    }
}
