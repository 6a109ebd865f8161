package dev.utrace.bench.real;

import java.nio.file.Path;
import java.util.List;

/**
 * A traced program of the benchmark: its command line, the syscall its count is checked by, and
 * how many calls of it a run must see (a tracer that lost events must not pass for a fast one).
 *
 * @param name      short name for the tables
 * @param what      what it does, for the report
 * @param command   the program and its arguments
 * @param check     the syscall counted
 * @param expected  at least this many calls of {@code check} in a traced run
 * @param syscalls  about how many syscalls a run makes (for the overhead per syscall), from its code
 */
record Workload(String name, String what, List<String> command, String check, long expected, long syscalls) {

    /** The four workloads of issue 16, sizes multiplied by {@code scale} (1 = the sizes). */
    static List<Workload> all(Path bin, Path dataFile, double scale) {
        long getppids = Math.max(1, Math.round(1_000_000 * scale));
        long opens = Math.max(1, Math.round(100_000 * scale));
        long children = Math.max(1, Math.round(500 * scale));
        int threads = 4;
        long perThread = Math.max(1, Math.round(50_000 * scale));
        return List.of(
                new Workload("getppid", "getppid x " + getppids,
                        List.of(bin.resolve("getppid").toString(), Long.toString(getppids)), "getppid", getppids, getppids),
                new Workload("orc", "open/read/close x " + opens + " (a 17-byte file)",
                        List.of(bin.resolve("orc").toString(), Long.toString(opens), dataFile.toString()), "openat", opens,
                        3 * opens),
                new Workload("storm", "fork+exec storm: " + children + " short processes (/bin/true), 10 at a time",
                        List.of(bin.resolve("storm").toString(), Long.toString(children), "10", "/bin/true"), "execve",
                        children, children * 35),
                new Workload("threads", threads + " threads x " + perThread + " getppid, started at once",
                        List.of(bin.resolve("threads").toString(), Integer.toString(threads), Long.toString(perThread)),
                        "getppid", threads * perThread, threads * perThread));
    }
}
