package dev.utrace.sim.internal;

import java.util.Map;

/** The syscalls the machine implements, with their Linux x86_64 numbers. */
final class SyscallTable {
    static final int WRITE = 1, MMAP = 9, MUNMAP = 11, RT_SIGACTION = 13, RT_SIGPROCMASK = 14,
            RT_SIGRETURN = 15, SCHED_YIELD = 24, PAUSE = 34, NANOSLEEP = 35, GETPID = 39, CLONE = 56,
            FORK = 57, VFORK = 58, EXECVE = 59, EXIT = 60, WAIT4 = 61, KILL = 62, GETPPID = 110,
            GETTID = 186, TKILL = 200, EXIT_GROUP = 231, TGKILL = 234;

    /** By the names programs use ({@code sleep} is nanosleep taking milliseconds). */
    static final Map<String, Integer> BY_NAME = Map.ofEntries(
            Map.entry("write", WRITE), Map.entry("mmap", MMAP), Map.entry("munmap", MUNMAP),
            Map.entry("rt_sigaction", RT_SIGACTION), Map.entry("rt_sigprocmask", RT_SIGPROCMASK),
            Map.entry("rt_sigreturn", RT_SIGRETURN), Map.entry("sched_yield", SCHED_YIELD),
            Map.entry("pause", PAUSE), Map.entry("sleep", NANOSLEEP), Map.entry("nanosleep", NANOSLEEP),
            Map.entry("getpid", GETPID), Map.entry("clone", CLONE), Map.entry("fork", FORK),
            Map.entry("vfork", VFORK), Map.entry("execve", EXECVE), Map.entry("exit", EXIT),
            Map.entry("wait4", WAIT4), Map.entry("kill", KILL), Map.entry("getppid", GETPPID),
            Map.entry("gettid", GETTID), Map.entry("tkill", TKILL), Map.entry("exit_group", EXIT_GROUP),
            Map.entry("tgkill", TGKILL));

    /** Flags of the {@code thread} form of clone, as pthread_create passes them (the subset the machine knows). */
    static final long THREAD_FLAGS = dev.utrace.api.task.CloneFlags.CLONE_VM | dev.utrace.api.task.CloneFlags.CLONE_SIGHAND
            | dev.utrace.api.task.CloneFlags.CLONE_THREAD;

    private SyscallTable() {
    }
}
