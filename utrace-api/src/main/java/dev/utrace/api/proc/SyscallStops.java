package dev.utrace.api.proc;

import dev.utrace.api.SyscallSet;
import java.util.Objects;

/**
 * Where a machine stops a task at syscalls ({@link Processes#syscallStops}). Engines are told of
 * the syscalls they want ({@code Utrace.setSyscalls}) whatever this says; it says what that costs
 * the task: a stop in the kernel at every syscall, or only at those of a filter.
 *
 * @param mode   how
 * @param filter the syscalls of the task's filter; {@link SyscallSet#ALL} when it has none
 */
public record SyscallStops(Mode mode, SyscallSet filter) {

    /** How a task is stopped at syscalls. */
    public enum Mode {
        /** At every syscall: the task has no filter (the simulated machine; an adopted process; a program spawned for any syscall). */
        EVERY,
        /** Only at the syscalls of its filter: its engines want none outside it. */
        FILTERED,
        /**
         * At every syscall although it has a filter: an engine wants a syscall outside the filter,
         * which cannot be widened. It goes back to {@link #FILTERED} when they no longer do.
         */
        EVERY_BEYOND_FILTER
    }

    /** A task without a filter. */
    public static final SyscallStops EVERY = new SyscallStops(Mode.EVERY, SyscallSet.ALL);

    public SyscallStops {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(filter, "filter (SyscallSet.ALL for none)");
    }
}
