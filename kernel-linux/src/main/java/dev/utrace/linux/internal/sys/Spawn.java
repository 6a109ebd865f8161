package dev.utrace.linux.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * {@code posix_spawn(3)}: the only safe way for a JVM to start a process it will trace. glibc
 * spawns with {@code clone(CLONE_VM|CLONE_VFORK)} and runs only async-signal-safe C code before
 * {@code execve}, so no Java code runs in the child; {@code fork()} through FFM deadlocked the
 * child JVM on a lock another thread held. The JDK never learns the pid, so its process reaper
 * cannot steal the child's ptrace stops.
 *
 * <p>The child gets an empty signal mask (JVM threads block some signals and a child would
 * inherit the mask), every signal at its default action, and no file descriptor above 2.
 */
public final class Spawn {

    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final long ATTR_SIZE = 336;
    private static final long FILE_ACTIONS_SIZE = 80;
    private static final long SIGSET_SIZE = 128;
    private static final int O_RDONLY = 0;

    /**
     * What to start.
     *
     * @param path     the executable, absolute or relative to this JVM's working directory
     * @param argv     the argument vector, {@code argv[0]} included
     * @param env      {@code NAME=value} strings, or null for this JVM's environment
     * @param cwd      the child's working directory, or null for this JVM's
     * @param stdoutFd a descriptor of this JVM to become the child's stdout, or -1 to share this JVM's
     * @param stderrFd the same for stderr
     */
    public record Request(String path, List<String> argv, List<String> env, String cwd, int stdoutFd, int stderrFd) {}

    private Spawn() {}

    @SuppressWarnings("restricted") // environ is a char ** of the C library: its size is ours to state
    private static final class Handle {
        static final MethodHandle SPAWN = Libc.function("posix_spawn");
        static final MethodHandle ATTR_INIT = Libc.function("posix_spawnattr_init");
        static final MethodHandle ATTR_DESTROY = Libc.function("posix_spawnattr_destroy");
        static final MethodHandle ATTR_SETFLAGS = Libc.function("posix_spawnattr_setflags");
        static final MethodHandle ATTR_SETSIGMASK = Libc.function("posix_spawnattr_setsigmask");
        static final MethodHandle ATTR_SETSIGDEFAULT = Libc.function("posix_spawnattr_setsigdefault");
        static final MethodHandle SIGEMPTYSET = Libc.function("sigemptyset");
        static final MethodHandle SIGFILLSET = Libc.function("sigfillset");
        static final MethodHandle FA_INIT = Libc.function("posix_spawn_file_actions_init");
        static final MethodHandle FA_DESTROY = Libc.function("posix_spawn_file_actions_destroy");
        static final MethodHandle FA_DUP2 = Libc.function("posix_spawn_file_actions_adddup2");
        static final MethodHandle FA_OPEN = Libc.function("posix_spawn_file_actions_addopen");
        static final MethodHandle FA_CHDIR = Libc.function("posix_spawn_file_actions_addchdir_np");
        static final MethodHandle FA_CLOSEFROM = Libc.function("posix_spawn_file_actions_addclosefrom_np");
        static final MemorySegment ENVIRON = Libc.LINKER.defaultLookup().find("environ").orElseThrow()
                .reinterpret(ADDRESS.byteSize());
    }

    /**
     * Starts {@code request} and returns its pid. The child is a child of the calling thread,
     * which matters to a tracer waiting with {@code __WNOTHREAD}: spawn from the thread that waits.
     *
     * @throws LinuxException if posix_spawn failed (the program or the working directory does
     *         not exist or cannot be used); nothing was started then
     */
    public static int spawn(Request request) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCallState(arena); // these functions return their error, errno is not theirs
            long attr = arena.allocate(ATTR_SIZE, 8).address();
            long actions = arena.allocate(FILE_ACTIONS_SIZE, 8).address();
            check("posix_spawnattr_init", call(Handle.ATTR_INIT, cs, attr, 0, 0, 0, 0, 0));
            check("posix_spawn_file_actions_init", call(Handle.FA_INIT, cs, actions, 0, 0, 0, 0, 0));
            try {
                long none = arena.allocate(SIGSET_SIZE, 8).address();
                long all = arena.allocate(SIGSET_SIZE, 8).address();
                check("sigemptyset", call(Handle.SIGEMPTYSET, cs, none, 0, 0, 0, 0, 0));
                check("sigfillset", call(Handle.SIGFILLSET, cs, all, 0, 0, 0, 0, 0));
                check("posix_spawnattr_setsigmask", call(Handle.ATTR_SETSIGMASK, cs, attr, none, 0, 0, 0, 0));
                check("posix_spawnattr_setsigdefault", call(Handle.ATTR_SETSIGDEFAULT, cs, attr, all, 0, 0, 0, 0));
                check("posix_spawnattr_setflags", call(Handle.ATTR_SETFLAGS, cs, attr,
                        POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF, 0, 0, 0, 0));
                addFileActions(arena, cs, actions, request);
                MemorySegment pid = arena.allocate(JAVA_INT);
                MemorySegment envp = request.env() == null ? Handle.ENVIRON.get(ADDRESS, 0) : strings(arena, request.env());
                int err = call(Handle.SPAWN, cs, pid.address(), arena.allocateFrom(request.path()).address(), actions, attr,
                        strings(arena, request.argv()).address(), envp.address());
                if (err != 0) {
                    throw new LinuxException("posix_spawn of " + request.path()
                            + (request.cwd() == null ? "" : " in " + request.cwd()), err,
                            "check that the program exists and is executable"
                            + (request.cwd() == null ? "" : " and that the working directory exists"));
                }
                return pid.get(JAVA_INT, 0);
            } finally {
                call(Handle.FA_DESTROY, cs, actions, 0, 0, 0, 0, 0);
                call(Handle.ATTR_DESTROY, cs, attr, 0, 0, 0, 0, 0);
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static void addFileActions(Arena arena, MemorySegment cs, long actions, Request request) throws Throwable {
        check("posix_spawn_file_actions_addopen", call(Handle.FA_OPEN, cs, actions, 0,
                arena.allocateFrom("/dev/null").address(), O_RDONLY, 0, 0));
        if (request.stdoutFd() >= 0) {
            check("posix_spawn_file_actions_adddup2", call(Handle.FA_DUP2, cs, actions, request.stdoutFd(), 1, 0, 0, 0));
        }
        if (request.stderrFd() >= 0) {
            check("posix_spawn_file_actions_adddup2", call(Handle.FA_DUP2, cs, actions, request.stderrFd(), 2, 0, 0, 0));
        }
        if (request.cwd() != null) {
            check("posix_spawn_file_actions_addchdir_np", call(Handle.FA_CHDIR, cs, actions,
                    arena.allocateFrom(request.cwd()).address(), 0, 0, 0, 0));
        }
        // The JVM's descriptors (jars, sockets, our pipes' other ends) must not leak into the child.
        check("posix_spawn_file_actions_addclosefrom_np", call(Handle.FA_CLOSEFROM, cs, actions, 3, 0, 0, 0, 0));
    }

    /** One of the functions above, which return an {@code int}: 0, or an error number. */
    private static int call(MethodHandle function, MemorySegment cs, long a0, long a1, long a2, long a3, long a4, long a5)
            throws Throwable {
        return (int) (long) function.invokeExact(cs, a0, a1, a2, a3, a4, a5);
    }

    /** This process's environment, in its order ({@code environ}, which {@code System.getenv()} turns into an unordered map). */
    @SuppressWarnings("restricted") // environ's entries are C strings of unknown length
    public static List<String> environ() {
        MemorySegment array = Handle.ENVIRON.get(ADDRESS, 0).reinterpret(Long.MAX_VALUE);
        List<String> entries = new java.util.ArrayList<>();
        for (long i = 0; ; i++) {
            MemorySegment entry = array.getAtIndex(ADDRESS, i);
            if (entry.equals(MemorySegment.NULL)) return entries;
            entries.add(entry.reinterpret(Long.MAX_VALUE).getString(0));
        }
    }

    /** A NULL-terminated {@code char *[]} of {@code values}, in {@code arena}. */
    static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    private static void check(String call, int result) {
        if (result != 0) {
            throw new LinuxException(call, result > 0 ? result : Errno.EINVAL, "posix_spawn could not be prepared");
        }
    }
}
