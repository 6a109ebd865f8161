package dev.utrace.passive.internal.strace;

import java.util.List;

/**
 * How strace shows one syscall: what each argument is and how the result prints. Immutable;
 * whether it copies memory at entry or exit is worked out once, since it is asked at every syscall.
 */
final class Signature {

    /** How a successful result prints. */
    enum Result {
        /** Decimal (most syscalls). */
        DECIMAL,
        /** Hex: an address (mmap, brk, mremap, shmat). */
        HEX,
        /** Octal (umask). */
        OCTAL
    }

    private final String name;
    private final List<ArgKind> args;
    private final Result result;
    private final boolean atEntry;
    private final boolean atExit;

    Signature(String name, List<ArgKind> args, Result result) {
        this.name = name;
        this.args = List.copyOf(args);
        this.result = result;
        boolean entry = name.equals("clone3"); // its struct clone_args
        boolean exit = name.equals("clone") || name.equals("clone3"); // the tid the kernel stored at parent_tid
        for (ArgKind k : args) {
            entry |= k.copiedAtEntry();
            exit |= k.copiedAtExit();
        }
        this.atEntry = entry;
        this.atExit = exit;
    }

    /** A syscall the table does not know: six arguments in hex. */
    static Signature unknown(String name) {
        return new Signature(name, List.of(ArgKind.HEX, ArgKind.HEX, ArgKind.HEX, ArgKind.HEX, ArgKind.HEX,
                ArgKind.HEX), Result.DECIMAL);
    }

    String name() {
        return name;
    }

    /** The arguments' kinds, as many as strace shows. */
    List<ArgKind> args() {
        return args;
    }

    Result result() {
        return result;
    }

    boolean copiesAtEntry() {
        return atEntry;
    }

    boolean copiesAtExit() {
        return atExit;
    }
}
