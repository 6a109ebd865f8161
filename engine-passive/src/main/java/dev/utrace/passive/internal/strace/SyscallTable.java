package dev.utrace.passive.internal.strace;

import dev.utrace.api.task.Task;
import java.util.function.IntFunction;

/**
 * The record-time side of the strace output: a machine's syscall names, and what each syscall
 * needs copied from memory at its entry and exit. Names and signatures are looked up once per
 * number and kept (the machine names its syscalls once and for all), so a syscall costs an array
 * read, plus the memory reads of the arguments strace shows as strings. Thread-safe: a race to
 * fill a slot fills it with equal values.
 */
public final class SyscallTable {
    private static final int CACHED = 512;
    private final IntFunction<String> names;
    private final String[] name = new String[CACHED];
    private final Signature[] signature = new Signature[CACHED];

    /** @param names the machine's name of a syscall number ({@code Processes.syscallName}) */
    public SyscallTable(IntFunction<String> names) {
        this.names = names;
    }

    /** The machine's name of syscall {@code nr}. */
    public String name(int nr) {
        if (nr < 0 || nr >= CACHED) return names.apply(nr);
        String n = name[nr];
        if (n == null) name[nr] = n = names.apply(nr);
        return n;
    }

    private Signature signature(int nr) {
        if (nr < 0 || nr >= CACHED) return Signatures.of(name(nr));
        Signature s = signature[nr];
        if (s == null) signature[nr] = s = Signatures.of(name(nr));
        return s;
    }

    /**
     * Copies what the line of syscall {@code nr} shows from {@code task}'s memory at its entry
     * (paths, strings, buffers it reads, argv) into {@code into}, which the caller has cleared;
     * call in the syscall-entry callback.
     *
     * @return whether the syscall copies anything at its entry (its time then starts after the copying)
     */
    public boolean atEntry(int nr, Task task, long[] args, CopyBuffer into) {
        Signature s = signature(nr);
        if (!s.copiesAtEntry()) return false;
        Capture.entry(s, task, args, into);
        return true;
    }

    /**
     * Adds what syscall {@code nr} wrote and its line shows (a buffer read, a path readlink
     * stored, pipe's descriptors) to {@code into}, which holds what its entry copied; call in the
     * syscall-exit callback.
     */
    public void atExit(int nr, Task task, long[] args, long result, CopyBuffer into) {
        Signature s = signature(nr);
        if (s.copiesAtExit()) Capture.exit(s, task, args, result, into);
    }
}
