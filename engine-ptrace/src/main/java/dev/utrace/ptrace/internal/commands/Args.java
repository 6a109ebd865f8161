package dev.utrace.ptrace.internal.commands;

import dev.utrace.api.task.Reg;
import dev.utrace.ptrace.PtraceException;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.shell.command.Refusal;
import dev.utrace.shell.command.Values;

/**
 * Reads the words of a {@code ptrace:} command line. Each method either returns the value or
 * throws a {@link Refusal} saying what was wrong; they run before the engine is asked anything,
 * so a bad word changes nothing.
 */
final class Args {
    /** Most words {@code peek} reads at once. */
    static final int MAX_WORDS = 64;
    static final String LISTED = "as utrace:ps or ptrace:tracees shows it";

    private Args() {
    }

    /** A thread id: a positive number. */
    static int pid(String text) {
        return Values.pid(text, LISTED);
    }

    /** A signal to deliver: 0 or "none" for none, else a number 1..64 or a name (SIGUSR1, usr1). */
    static int signal(String text) {
        if (text.equals("0") || text.equalsIgnoreCase("none")) return 0;
        try {
            return Values.signal(text);
        } catch (Refusal r) {
            throw new Refusal(r.getMessage() + ", or 0 for none");
        }
    }

    /** An address: 0x and up to 16 hex digits, or a decimal number. */
    static long address(String text) {
        return Values.word(text, false, "an address", "give 0x and hex digits (0x600000) or a decimal number");
    }

    /** A 64-bit value: decimal (-1, 42) or 0x and up to 16 hex digits. */
    static long value(String text) {
        return Values.word(text, true, "a value", "give a decimal number (42, -1) or 0x and hex digits (0x2a)");
    }

    /** How many words to read: 1..{@value #MAX_WORDS}. */
    static int words(String text) {
        return (int) Values.decimal(text, 1, MAX_WORDS, "a count of words", "give 1.." + MAX_WORDS);
    }

    /** {@code PTRACE_O_*} names separated by ',' or '|', a number, or 0 / none. */
    static int options(String text) {
        try {
            return PtraceOptions.parse(text);
        } catch (PtraceException e) {
            throw new Refusal("ptrace: " + e.getMessage());
        } catch (NumberFormatException e) {
            throw new Refusal(Values.quote(text) + " is out of range; options are names (TRACESYSGOOD,TRACEEXEC) or a"
                    + " number of 32 bits");
        }
    }

    /** A word of {@code struct user}: a register's name (rax, dr7) or a byte offset (the engine checks it). */
    static long userOffset(String text) {
        for (Reg r : Reg.values()) {
            if (r.name().equalsIgnoreCase(text)) return r.userOffset();
        }
        return Values.word(text, false, "a register or an offset in struct user",
                "give a register (rax, rip, dr0..dr3, dr6, dr7, ...) or a byte offset");
    }
}
