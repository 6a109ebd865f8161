package dev.utrace.api.proc;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to start: a program, its arguments and, where the machine supports them, its environment
 * and working directory. Immutable; the {@code with...} methods return changed copies.
 *
 * @param program          a name the machine offers ({@link Processes#programs()}), or, on a
 *                         machine that runs files, a path or a name looked up on its PATH
 * @param args             the arguments after the program (argv[1..])
 * @param environment      the whole environment, or null for the machine's own
 * @param workingDirectory the working directory, or null for the machine's own
 * @param stopped          start it held before its first instruction, in a job-control stop
 *                         (SIGCONT lets it run): engines can attach before it does anything
 */
public record SpawnRequest(String program, List<String> args, Map<String, String> environment, String workingDirectory,
        boolean stopped) {

    public SpawnRequest {
        Objects.requireNonNull(program, "program");
        args = List.copyOf(Objects.requireNonNull(args, "args (List.of() for none)"));
        environment = environment == null ? null : Map.copyOf(environment);
    }

    /** {@code program} with {@code args}, the machine's environment and directory, running at once. */
    public static SpawnRequest of(String program, List<String> args) {
        return new SpawnRequest(program, args, null, null, false);
    }

    public SpawnRequest withStopped(boolean held) {
        return new SpawnRequest(program, args, environment, workingDirectory, held);
    }

    public SpawnRequest withEnvironment(Map<String, String> env) {
        return new SpawnRequest(program, args, env, workingDirectory, stopped);
    }

    public SpawnRequest withWorkingDirectory(String dir) {
        return new SpawnRequest(program, args, environment, dir, stopped);
    }
}
