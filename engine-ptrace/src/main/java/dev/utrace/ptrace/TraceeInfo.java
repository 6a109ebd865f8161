package dev.utrace.ptrace;

/**
 * One tracee of a session, as {@link PtraceSession#tracees()} lists it.
 *
 * @param pid      its thread id now
 * @param tgid     its process id
 * @param state    "stopped" (in a ptrace stop, with {@code stop} describing it), "running",
 *                 "zombie" (dead, its status not yet waited for)
 * @param stop     the pending or current stop ({@link WaitResult#describe()}), or ""
 * @param options  its {@link PtraceOptions}
 * @param seized   attached by PTRACE_SEIZE rather than PTRACE_ATTACH
 */
public record TraceeInfo(int pid, int tgid, String state, String stop, int options, boolean seized) {
}
