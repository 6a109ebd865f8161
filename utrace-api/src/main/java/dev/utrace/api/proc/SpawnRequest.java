package dev.utrace.api.proc;

import dev.utrace.api.SyscallSet;
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
 * @param syscalls         the syscalls engines will want of the program and of the threads and
 *                         children it creates, or {@link SyscallSet#ALL} (the default) for any. A
 *                         machine that can stop a task in the kernel only at chosen syscalls (the
 *                         Linux machine: a seccomp filter installed before the program's first
 *                         instruction) stops the program at these alone, and at the few it keeps its
 *                         own books with (creating processes and threads, exec, exit); a syscall
 *                         nobody named costs the program nothing. An engine that later wants one
 *                         outside them makes that task stop at every syscall ({@link
 *                         Processes#syscallStops}). Engines still choose what they get with
 *                         {@code Utrace.setSyscalls}; a machine that cannot filter ignores this.
 */
public record SpawnRequest(String program, List<String> args, Map<String, String> environment, String workingDirectory,
        boolean stopped, SyscallSet syscalls) {

    public SpawnRequest {
        Objects.requireNonNull(program, "program");
        args = List.copyOf(Objects.requireNonNull(args, "args (List.of() for none)"));
        environment = environment == null ? null : Map.copyOf(environment);
        Objects.requireNonNull(syscalls, "syscalls (SyscallSet.ALL for any)");
    }

    /** A request for any syscalls ({@link SyscallSet#ALL}): the request before there were filters. */
    public SpawnRequest(String program, List<String> args, Map<String, String> environment, String workingDirectory,
            boolean stopped) {
        this(program, args, environment, workingDirectory, stopped, SyscallSet.ALL);
    }

    /** {@code program} with {@code args}, the machine's environment and directory, running at once. */
    public static SpawnRequest of(String program, List<String> args) {
        return new SpawnRequest(program, args, null, null, false, SyscallSet.ALL);
    }

    public SpawnRequest withStopped(boolean held) {
        return new SpawnRequest(program, args, environment, workingDirectory, held, syscalls);
    }

    public SpawnRequest withEnvironment(Map<String, String> env) {
        return new SpawnRequest(program, args, env, workingDirectory, stopped, syscalls);
    }

    public SpawnRequest withWorkingDirectory(String dir) {
        return new SpawnRequest(program, args, environment, dir, stopped, syscalls);
    }

    /** The same request, stopping the program only at {@code wanted} where the machine can filter (see {@code syscalls}). */
    public SpawnRequest withSyscalls(SyscallSet wanted) {
        return new SpawnRequest(program, args, environment, workingDirectory, stopped, wanted);
    }
}
