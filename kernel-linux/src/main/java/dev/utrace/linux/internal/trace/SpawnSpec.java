package dev.utrace.linux.internal.trace;

import dev.utrace.api.SyscallSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A program to start traced.
 *
 * @param program     a path (with a '/'), or a name looked up on the PATH of {@code env} (this
 *                    JVM's PATH when {@code env} is null), as a shell would
 * @param args        the arguments after {@code argv[0]}
 * @param argv0       {@code argv[0]}; null for {@code program} as given
 * @param env         {@code NAME=value} strings, exactly the program's environment; null for this JVM's
 * @param cwd         the working directory; null for this JVM's
 * @param killOnClose whether closing the tracer kills the program (and the children it forked
 *                    while traced) rather than letting it run on untraced; with it, the kernel
 *                    also kills them if this JVM dies ({@code PTRACE_O_EXITKILL})
 * @param syscalls    the syscalls to stop at, through a seccomp filter installed before the
 *                    program's first instruction (inherited by its threads and children): the
 *                    others never stop; null for every syscall (no filter). A listener sees a
 *                    filtered syscall's entry as usual, and its exit. A program under a filter is
 *                    kept attached when detached or at close, and dies with this JVM
 *                    ({@link Tracer#detach})
 */
public record SpawnSpec(String program, List<String> args, String argv0, List<String> env, String cwd,
                        boolean killOnClose, SyscallSet syscalls) {

    public SpawnSpec {
        if (program == null || program.isEmpty()) throw new IllegalArgumentException("no program given: name a program to run");
        args = List.copyOf(args);
        env = env == null ? null : List.copyOf(env);
        noNul("the program", program);
        for (String a : args) noNul("an argument", a);
        if (argv0 != null) noNul("argv[0]", argv0);
        if (cwd != null) noNul("the working directory", cwd);
        if (env != null) {
            for (String e : env) {
                noNul("an environment entry", e);
                if (e.indexOf('=') <= 0) {
                    throw new IllegalArgumentException("environment entry \"" + e + "\" is not NAME=value");
                }
            }
        }
    }

    /** {@code program} with {@code args}, this JVM's environment and directory, left running at close. */
    public static SpawnSpec of(String program, String... args) {
        return new SpawnSpec(program, List.of(args), null, null, null, false, null);
    }

    public SpawnSpec withEnv(Map<String, String> variables) {
        List<String> list = new ArrayList<>();
        variables.forEach((k, v) -> list.add(k + "=" + v));
        return withEnvList(list);
    }

    public SpawnSpec withEnvList(List<String> entries) {
        return new SpawnSpec(program, args, argv0, entries, cwd, killOnClose, syscalls);
    }

    public SpawnSpec withCwd(String directory) {
        return new SpawnSpec(program, args, argv0, env, directory, killOnClose, syscalls);
    }

    public SpawnSpec withArgv0(String name) {
        return new SpawnSpec(program, args, name, env, cwd, killOnClose, syscalls);
    }

    public SpawnSpec withKillOnClose(boolean kill) {
        return new SpawnSpec(program, args, argv0, env, cwd, kill, syscalls);
    }

    /** Stops only at {@code stopAt} (a seccomp filter), or at every syscall for null. */
    public SpawnSpec withSyscalls(SyscallSet stopAt) {
        return new SpawnSpec(program, args, argv0, env, cwd, killOnClose, stopAt == null || stopAt.isAll() ? null : stopAt);
    }

    private static void noNul(String what, String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains a NUL character, which a C string cannot hold: " + value.replace('\0', '?'));
        }
    }
}
