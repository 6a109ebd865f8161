package dev.utrace.passive;

import java.util.Map;

/** Names of the x86_64 syscall numbers the machine knows (docs/programs.md). */
public final class Syscalls {
    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "write"), Map.entry(9, "mmap"), Map.entry(11, "munmap"), Map.entry(13, "rt_sigaction"),
            Map.entry(14, "rt_sigprocmask"), Map.entry(15, "rt_sigreturn"), Map.entry(24, "sched_yield"),
            Map.entry(34, "pause"), Map.entry(35, "nanosleep"), Map.entry(39, "getpid"), Map.entry(56, "clone"),
            Map.entry(57, "fork"), Map.entry(58, "vfork"), Map.entry(59, "execve"), Map.entry(60, "exit"),
            Map.entry(61, "wait4"), Map.entry(62, "kill"), Map.entry(110, "getppid"), Map.entry(186, "gettid"),
            Map.entry(200, "tkill"), Map.entry(231, "exit_group"), Map.entry(234, "tgkill"));

    private Syscalls() {
    }

    /** The syscall's name, or {@code syscall_N} for a number the machine does not know. */
    public static String name(int number) {
        String n = NAMES.get(number);
        return n != null ? n : "syscall_" + number;
    }
}
