package dev.utrace.api;

/**
 * A snapshot of one engine for people and tools (the shell's {@code engines}).
 *
 * @param owner     who attached it (bundle symbolic name and id)
 * @param opsType   the class name of its ops
 * @param events    its event mask
 * @param refCount  its reference count at the time
 * @param state     its life state
 * @param holdsStop whether it holds the task stopped
 * @param syscalls  the syscalls it wants reported ({@link Utrace#setSyscalls})
 */
public record EngineInfo(String owner, String opsType, long events, int refCount, EngineState state,
                         boolean holdsStop, SyscallSet syscalls) {

    public EngineInfo {
        java.util.Objects.requireNonNull(syscalls, "syscalls (SyscallSet.ALL for every syscall)");
    }

    /** An engine that wants every syscall ({@link SyscallSet#ALL}): the snapshot before there were sets. */
    public EngineInfo(String owner, String opsType, long events, int refCount, EngineState state, boolean holdsStop) {
        this(owner, opsType, events, refCount, state, holdsStop, SyscallSet.ALL);
    }
}
