package dev.utrace.bench.real;

import java.util.Map;

/** The x86_64 numbers of the syscalls the workloads are checked by. */
final class Syscalls {
    private static final Map<String, Long> NUMBERS = Map.of("getppid", 110L, "openat", 257L, "execve", 59L,
            "clone", 56L, "clone3", 435L, "exit_group", 231L);

    private Syscalls() {}

    static long number(String name) {
        Long n = NUMBERS.get(name);
        if (n == null) throw new IllegalArgumentException("no number known for syscall " + name + "; known: " + NUMBERS.keySet());
        return n;
    }
}
