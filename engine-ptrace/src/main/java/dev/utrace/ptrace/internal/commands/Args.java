package dev.utrace.ptrace.internal.commands;

import dev.utrace.api.task.Reg;
import dev.utrace.api.task.Signals;
import dev.utrace.ptrace.PtraceException;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.shell.format.UsageError;
import java.util.Locale;

/**
 * Reads the words of a {@code ptrace:} command line. Each method either returns the value or
 * throws a {@link UsageError} saying what was wrong, then how to call the command; they run
 * before the engine is asked anything, so a bad word changes nothing.
 */
final class Args {
    /** Most words {@code peek} reads at once. */
    static final int MAX_WORDS = 64;

    private Args() {
    }

    /** A thread id: a positive number. */
    static int pid(String text, String usage) {
        int p;
        try {
            p = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p <= 0) {
            throw bad("'" + text + "' is not a pid; a pid is a positive number, as utrace:ps or ptrace:tracees shows it", usage);
        }
        return p;
    }

    /** A signal to deliver: 0 or "none" for none, else a number 1..64 or a name (SIGUSR1, usr1). */
    static int signal(String text, String usage) {
        String t = text.strip();
        if (t.equals("0") || t.equalsIgnoreCase("none")) return 0;
        try {
            return Signals.parse(t);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage() + ", or 0 for none", usage);
        }
    }

    /** An address: 0x and hex digits, or a decimal number. */
    static long address(String text, String usage) {
        try {
            return number(text);
        } catch (NumberFormatException e) {
            throw bad("'" + text + "' is not an address; give 0x and hex digits (0x600000) or a decimal number", usage);
        }
    }

    /** A 64-bit value: decimal (-1, 42) or 0x and hex digits. */
    static long value(String text, String usage) {
        try {
            return number(text);
        } catch (NumberFormatException e) {
            throw bad("'" + text + "' is not a value; give a decimal number (42, -1) or 0x and hex digits (0x2a)", usage);
        }
    }

    /** How many words to read: 1..{@value #MAX_WORDS}. */
    static int words(String text, String usage) {
        int n;
        try {
            n = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > MAX_WORDS) {
            throw bad("'" + text + "' is not a count of words; give 1.." + MAX_WORDS, usage);
        }
        return n;
    }

    /** {@code PTRACE_O_*} names separated by ',' or '|', a number, or 0 / none. */
    static int options(String text, String usage) {
        try {
            return PtraceOptions.parse(text);
        } catch (PtraceException e) {
            throw bad("ptrace: " + e.getMessage(), usage);
        } catch (NumberFormatException e) {
            throw bad("'" + text + "' is out of range; options are names (TRACESYSGOOD,TRACEEXEC) or a number", usage);
        }
    }

    /** A word of {@code struct user}: a register's name (rax, dr7) or a byte offset (the engine checks it). */
    static long userOffset(String text, String usage) {
        String t = text.strip();
        for (Reg r : Reg.values()) {
            if (r.name().equalsIgnoreCase(t)) return r.userOffset();
        }
        try {
            return number(t);
        } catch (NumberFormatException e) {
            throw bad("'" + text + "' is neither a register (rax, rip, dr0..dr3, dr6, dr7, ...) nor an offset in struct user", usage);
        }
    }

    private static long number(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("0x")) return Long.parseUnsignedLong(t.substring(2), 16);
        return Long.parseLong(t);
    }

    static UsageError bad(String what, String usage) {
        return new UsageError(what + "\nusage: ptrace:" + usage);
    }
}
