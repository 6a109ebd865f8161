package dev.utrace.linux.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
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
        private static final FunctionDescriptor PTR_TO_INT = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        private static final FunctionDescriptor PTR_PTR_TO_INT = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
        static final MethodHandle SPAWN = Libc.downcall("posix_spawn",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle ATTR_INIT = Libc.downcall("posix_spawnattr_init", PTR_TO_INT);
        static final MethodHandle ATTR_DESTROY = Libc.downcall("posix_spawnattr_destroy", PTR_TO_INT);
        static final MethodHandle ATTR_SETFLAGS = Libc.downcall("posix_spawnattr_setflags",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
        static final MethodHandle ATTR_SETSIGMASK = Libc.downcall("posix_spawnattr_setsigmask", PTR_PTR_TO_INT);
        static final MethodHandle ATTR_SETSIGDEFAULT = Libc.downcall("posix_spawnattr_setsigdefault", PTR_PTR_TO_INT);
        static final MethodHandle SIGEMPTYSET = Libc.downcall("sigemptyset", PTR_TO_INT);
        static final MethodHandle SIGFILLSET = Libc.downcall("sigfillset", PTR_TO_INT);
        static final MethodHandle FA_INIT = Libc.downcall("posix_spawn_file_actions_init", PTR_TO_INT);
        static final MethodHandle FA_DESTROY = Libc.downcall("posix_spawn_file_actions_destroy", PTR_TO_INT);
        static final MethodHandle FA_DUP2 = Libc.downcall("posix_spawn_file_actions_adddup2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        static final MethodHandle FA_OPEN = Libc.downcall("posix_spawn_file_actions_addopen",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        static final MethodHandle FA_CHDIR = Libc.downcall("posix_spawn_file_actions_addchdir_np", PTR_PTR_TO_INT);
        static final MethodHandle FA_CLOSEFROM = Libc.downcall("posix_spawn_file_actions_addclosefrom_np",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
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
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            MemorySegment actions = arena.allocate(FILE_ACTIONS_SIZE, 8);
            check("posix_spawnattr_init", (int) Handle.ATTR_INIT.invokeExact(attr));
            check("posix_spawn_file_actions_init", (int) Handle.FA_INIT.invokeExact(actions));
            try {
                MemorySegment none = arena.allocate(SIGSET_SIZE, 8);
                MemorySegment all = arena.allocate(SIGSET_SIZE, 8);
                check("sigemptyset", (int) Handle.SIGEMPTYSET.invokeExact(none));
                check("sigfillset", (int) Handle.SIGFILLSET.invokeExact(all));
                check("posix_spawnattr_setsigmask", (int) Handle.ATTR_SETSIGMASK.invokeExact(attr, none));
                check("posix_spawnattr_setsigdefault", (int) Handle.ATTR_SETSIGDEFAULT.invokeExact(attr, all));
                check("posix_spawnattr_setflags", (int) Handle.ATTR_SETFLAGS.invokeExact(attr,
                        (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)));
                addFileActions(arena, actions, request);
                MemorySegment pid = arena.allocate(JAVA_INT);
                MemorySegment envp = request.env() == null ? Handle.ENVIRON.get(ADDRESS, 0) : strings(arena, request.env());
                int err = (int) Handle.SPAWN.invokeExact(pid, arena.allocateFrom(request.path()), actions, attr,
                        strings(arena, request.argv()), envp);
                if (err != 0) {
                    throw new LinuxException("posix_spawn of " + request.path()
                            + (request.cwd() == null ? "" : " in " + request.cwd()), err,
                            "check that the program exists and is executable"
                            + (request.cwd() == null ? "" : " and that the working directory exists"));
                }
                return pid.get(JAVA_INT, 0);
            } finally {
                int ignored = (int) Handle.FA_DESTROY.invokeExact(actions);
                ignored = (int) Handle.ATTR_DESTROY.invokeExact(attr);
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static void addFileActions(Arena arena, MemorySegment actions, Request request) throws Throwable {
        check("posix_spawn_file_actions_addopen", (int) Handle.FA_OPEN.invokeExact(actions, 0,
                arena.allocateFrom("/dev/null"), O_RDONLY, 0));
        if (request.stdoutFd() >= 0) {
            check("posix_spawn_file_actions_adddup2", (int) Handle.FA_DUP2.invokeExact(actions, request.stdoutFd(), 1));
        }
        if (request.stderrFd() >= 0) {
            check("posix_spawn_file_actions_adddup2", (int) Handle.FA_DUP2.invokeExact(actions, request.stderrFd(), 2));
        }
        if (request.cwd() != null) {
            check("posix_spawn_file_actions_addchdir_np", (int) Handle.FA_CHDIR.invokeExact(actions,
                    arena.allocateFrom(request.cwd())));
        }
        // The JVM's descriptors (jars, sockets, our pipes' other ends) must not leak into the child.
        check("posix_spawn_file_actions_addclosefrom_np", (int) Handle.FA_CLOSEFROM.invokeExact(actions, 3));
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
