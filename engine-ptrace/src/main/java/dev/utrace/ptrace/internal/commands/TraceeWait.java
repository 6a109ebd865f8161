package dev.utrace.ptrace.internal.commands;

import dev.utrace.ptrace.internal.commands.Views.Waited;

/**
 * The {@code wait} command, declared in an interface (as utrace-shell's {@code WaitCommand}) so
 * that Gogo picks it over {@code Object.wait()}, {@code wait(long)} and {@code wait(long, int)},
 * which it also finds under that name: Gogo evaluates a word such as {@code 2} to a number, which
 * {@code Object} parameters take at no cost, as {@code long} does, and of equally good matches it
 * keeps the first, looking at a target's interfaces before its superclasses.
 */
interface TraceeWait {
    /** {@code wait [--nohang]}: any tracee. */
    Waited wait(String nohang) throws InterruptedException;

    /** {@code wait [--nohang] <pid>}. */
    Waited wait(String nohang, Object pid) throws InterruptedException;

    /** {@code wait} with one word too many: refused (else {@code Object.wait(long, int)} would run). */
    Waited wait(String nohang, Object pid, Object extra);
}
