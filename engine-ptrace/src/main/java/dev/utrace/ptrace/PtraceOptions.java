package dev.utrace.ptrace;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The {@code PTRACE_O_*} option bits of {@code PTRACE_SETOPTIONS} and {@code PTRACE_SEIZE}. */
public final class PtraceOptions {
    public static final int TRACESYSGOOD = 0x01;
    public static final int TRACEFORK = 0x02;
    public static final int TRACEVFORK = 0x04;
    public static final int TRACECLONE = 0x08;
    public static final int TRACEEXEC = 0x10;
    public static final int TRACEVFORKDONE = 0x20;
    public static final int TRACEEXIT = 0x40;
    public static final int EXITKILL = 0x100000;
    /** Every option this engine implements. */
    public static final int ALL = TRACESYSGOOD | TRACEFORK | TRACEVFORK | TRACECLONE | TRACEEXEC
            | TRACEVFORKDONE | TRACEEXIT | EXITKILL;

    private static final String[] NAMES = {"TRACESYSGOOD", "TRACEFORK", "TRACEVFORK", "TRACECLONE", "TRACEEXEC",
        "TRACEVFORKDONE", "TRACEEXIT", "EXITKILL"};
    private static final int[] BITS = {TRACESYSGOOD, TRACEFORK, TRACEVFORK, TRACECLONE, TRACEEXEC, TRACEVFORKDONE,
        TRACEEXIT, EXITKILL};

    private PtraceOptions() {
    }

    /**
     * Parses names separated by ',' or '|' (case-insensitive, with or without {@code PTRACE_O_}),
     * a number, or "0" / "none".
     *
     * @throws PtraceException EINVAL naming the unknown option and listing the known ones
     */
    public static int parse(String text) {
        String t = text.strip();
        if (t.isEmpty() || t.equalsIgnoreCase("none")) return 0;
        if (t.matches("[0-9]+|0x[0-9a-fA-F]+")) {
            int v = t.startsWith("0x") ? Integer.parseUnsignedInt(t.substring(2), 16) : Integer.parseInt(t);
            return check(v);
        }
        int v = 0;
        for (String part : t.split("[,|]")) {
            String name = part.strip().toUpperCase(Locale.ROOT).replaceFirst("^PTRACE_O_", "");
            int bit = 0;
            for (int i = 0; i < NAMES.length; i++) {
                if (NAMES[i].equals(name)) bit = BITS[i];
            }
            if (bit == 0) {
                throw new PtraceException("EINVAL", "unknown option '" + part.strip() + "'; known: " + String.join(", ", NAMES));
            }
            v |= bit;
        }
        return v;
    }

    /** Refuses bits this engine does not know, as PTRACE_SETOPTIONS does. */
    public static int check(int options) {
        if ((options & ~ALL) != 0) {
            throw new PtraceException("EINVAL", "unknown option bits 0x" + Integer.toHexString(options & ~ALL)
                    + "; known: " + format(ALL));
        }
        return options;
    }

    /** "TRACESYSGOOD|TRACEEXEC", or "0". */
    public static String format(int options) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            if ((options & BITS[i]) != 0) out.add(NAMES[i]);
        }
        return out.isEmpty() ? "0" : String.join("|", out);
    }
}
