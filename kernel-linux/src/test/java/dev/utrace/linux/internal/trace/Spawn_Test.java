package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.linux.internal.sys.LinuxException;
import dev.utrace.linux.internal.sys.Signals;
import dev.utrace.linux.internal.sys.Spawn;
import dev.utrace.linux.internal.sys.Wait;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a spawned program gets (argv, environment, directory), and what a bad request gets (a clear refusal, nothing started). */
class Spawn_Test extends TracerTestBase {

    @TempDir
    Path temp;

    @Test
    @DisplayName("the program gets exactly the argv[0], arguments, environment (order, odd names, empty values) and directory asked for")
    void exactArgvEnvironmentAndDirectory() throws Exception {
        List<String> env = List.of("Z=last letter first", "A=2", "x.y=not a shell name", "EMPTY=", "PWD=/not/the/cwd");
        Spawned s = spawn(new SpawnSpec(Workloads.path("args"), List.of("a b", "", "ü"), "custom-name", env, temp.toString(), false, null));
        assertEquals(Wait.exitedStatus(0), exit(s));
        assertEquals("cwd [" + temp.toRealPath() + "]\nargv [custom-name]\nargv [a b]\nargv []\nargv [ü]\n"
                + env.stream().map(e -> "env [" + e + "]\n").collect(Collectors.joining()), stdout(s));
    }

    @Test
    @DisplayName("by default the program gets this JVM's environment in its order, argv[0] as given, and the JVM's directory")
    void inheritedEnvironment() throws Exception {
        String path = Workloads.path("args");
        Spawned s = spawn(SpawnSpec.of(path));
        assertEquals(Wait.exitedStatus(0), exit(s));
        assertEquals("cwd [" + Path.of("").toAbsolutePath() + "]\nargv [" + path + "]\n"
                + Spawn.environ().stream().map(e -> "env [" + e + "]\n").collect(Collectors.joining()), stdout(s));
    }

    @Test
    @DisplayName("a name without '/' is looked up on PATH, as a shell would")
    void nameOnPath() throws Exception {
        Spawned s = spawn(SpawnSpec.of("echo", "hello", "path"));
        assertEquals(Wait.exitedStatus(0), exit(s));
        assertEquals("hello path\n", stdout(s));
        assertTrue(s.path().endsWith("/echo") && Path.of(s.path()).isAbsolute(), s.path());
    }

    @Test
    @DisplayName("refusals say what is wrong and start nothing: no such program, not executable, a directory, no such working directory, a NUL")
    void refusals() throws Exception {
        Path script = Files.writeString(temp.resolve("notexec.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        assertRefused(SpawnSpec.of("no-such-program-utrace"), "cannot run no-such-program-utrace: no such program on PATH ");
        assertRefused(SpawnSpec.of(script.toString()), "cannot run " + script + ": " + script + " is not executable (chmod +x it)");
        assertRefused(SpawnSpec.of(temp.toString()), "cannot run " + temp + ": " + temp + " is a directory");
        assertRefused(SpawnSpec.of("echo").withCwd(temp.resolve("gone").toString()),
                "cannot run echo in " + temp.resolve("gone") + ": no such directory");
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class, () -> SpawnSpec.of("echo", "a\0b"));
        assertEquals("an argument contains a NUL character, which a C string cannot hold: a?b", nul.getMessage());
        assertEquals(1, childrenOfTracerThread(), "only the doorbell is a child of the tracer thread");
        assertEquals(0, get(tracer.stats()).tracees());
    }

    @Test
    @DisplayName("an exec that fails after the checks (the interpreter of a script is missing) fails the spawn with execve's errno")
    void execFailure() throws Exception {
        Path script = Files.writeString(temp.resolve("bad.sh"), "#!/no/such/interpreter\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        LinuxException e = assertThrows(LinuxException.class, () -> get(tracer.spawn(SpawnSpec.of(script.toString()), recorder)));
        assertEquals("cannot run " + script + ": execve of " + script + " failed: ENOENT (No such file or directory); "
                + "check the file and its interpreter (a script's #! line)", e.getMessage());
        assertTrue(recorder.all().isEmpty(), "the listener never saw the shell: " + recorder.all());
    }

    @Test
    @DisplayName("close kills the programs spawned with killOnClose and lets the others run on untraced; those are still reaped when they end")
    void closeKillsOnlyWhenAsked() throws Exception {
        Spawned killed = spawn(SpawnSpec.of(Workloads.path("holder")).withKillOnClose(true));
        Spawned kept = spawn(SpawnSpec.of(Workloads.path("holder")));
        recorder.policy = (t, stop) -> Resume.HOLD;
        Spawned held = spawn(SpawnSpec.of(Workloads.path("holder")));
        trackChildrenOfTracerThread();
        tracer.close();
        assertEquals(Wait.killedStatus(Signals.SIGKILL), exit(killed));
        for (Spawned s : List.of(kept, held)) {
            ProcFs.Status st = ProcFs.status(s.pid());
            assertEquals(0, st.tracerPid(), s + " is untraced");
            assertTrue(st.state() == 'S' || st.state() == 'R', s + " runs on: " + st);
            Signals.send(s.pid(), Signals.SIGTERM);
            assertEquals(Wait.killedStatus(Signals.SIGTERM), exit(s), "reaped after the tracer ended");
        }
        assertTrue(recorder.all().stream().anyMatch(e -> e.tid() == held.pid() && e.end() == End.DETACHED));
    }

    private void assertRefused(SpawnSpec spec, String messageStart) {
        LinuxException e = assertThrows(LinuxException.class, () -> get(tracer.spawn(spec, recorder)));
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    }

    private int childrenOfTracerThread() throws Exception {
        String list = Files.readString(Path.of("/proc/self/task/" + tracer.tracerTid() + "/children")).trim();
        return list.isEmpty() ? 0 : list.split("\\s+").length;
    }
}
