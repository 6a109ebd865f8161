package dev.utrace.api;

/**
 * The events an engine can ask for with {@link Utrace#setEvents}. The ordinal is the bit
 * number ({@code UTRACE_EVENT(x)} = {@code 1L << ordinal}), exactly as in the kernel's
 * {@code enum utrace_events}; do not reorder.
 *
 * <p>Event masks are plain {@code long}s so that the dispatch path allocates nothing:
 * build them with {@link #mask(Event...)} or {@link #bit()} and the constants
 * {@link #SIGNAL_ALL} and {@link #SYSCALL}.
 */
public enum Event {
    /** A reporting pass is happening (before each event-specific callback), or a resume point was requested. */
    QUIESCE,
    /** The task is being reaped; {@link EngineOps#reportReap} is the last callback. */
    REAP,
    /** The task created a thread or a child ({@link EngineOps#reportClone}). */
    CLONE,
    /** The task executed a new program ({@link EngineOps#reportExec}). */
    EXEC,
    /** The task began to exit ({@link EngineOps#reportExit}). */
    EXIT,
    /** The task is dead, a zombie or about to self-reap ({@link EngineOps#reportDeath}). */
    DEATH,
    /** Syscall entry, before the syscall runs ({@link EngineOps#reportSyscallEntry}). */
    SYSCALL_ENTRY,
    /** Syscall exit, before the return to user mode ({@link EngineOps#reportSyscallExit}). */
    SYSCALL_EXIT,
    /** A signal with a user handler is about to be delivered. */
    SIGNAL,
    /** A signal that is ignored (by SIG_IGN or by default). */
    SIGNAL_IGN,
    /** A signal whose default action stops the thread group. */
    SIGNAL_STOP,
    /** A signal whose default action terminates the thread group. */
    SIGNAL_TERM,
    /** A signal whose default action dumps core. */
    SIGNAL_CORE,
    /** A job-control stop or continue ({@link EngineOps#reportJctl}). */
    JCTL;

    /** {@code _UTRACE_NEVENTS}: the number of event bits. */
    public static final int COUNT = 14;

    /** Every signal event: {@code UTRACE_EVENT_SIGNAL_ALL} = 0x1F00. */
    public static final long SIGNAL_ALL =
            SIGNAL.bit() | SIGNAL_IGN.bit() | SIGNAL_STOP.bit() | SIGNAL_TERM.bit() | SIGNAL_CORE.bit();

    /** Both syscall events: {@code UTRACE_EVENT_SYSCALL} = 0x00C0. */
    public static final long SYSCALL = SYSCALL_ENTRY.bit() | SYSCALL_EXIT.bit();

    /** Every event bit. */
    public static final long ALL = (1L << COUNT) - 1;

    private static final Event[] VALUES = values();

    /** This event's bit, {@code UTRACE_EVENT(x)}. */
    public long bit() {
        return 1L << ordinal();
    }

    /** Whether {@code mask} contains this event. */
    public boolean in(long mask) {
        return (mask & bit()) != 0;
    }

    /** The mask with the given events set. */
    public static long mask(Event... events) {
        long m = 0;
        for (Event e : events) {
            m |= e.bit();
        }
        return m;
    }

    /**
     * Formats a mask as event names joined by {@code |}, e.g. {@code "EXEC|DEATH"}, or
     * {@code "0"} for the empty mask. Bits outside {@link #ALL} are shown in hex.
     */
    public static String format(long mask) {
        if (mask == 0) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        for (Event e : VALUES) {
            if (e.in(mask)) {
                if (!sb.isEmpty()) sb.append('|');
                sb.append(e.name());
            }
        }
        long rest = mask & ~ALL;
        if (rest != 0) {
            if (!sb.isEmpty()) sb.append('|');
            sb.append("0x").append(Long.toHexString(rest));
        }
        return sb.toString();
    }

    /**
     * Parses a mask written as event names separated by {@code |} or {@code ,}, case
     * insensitive; also accepts {@code SIGNAL_ALL}, {@code SYSCALL}, {@code ALL} and {@code 0}.
     *
     * @throws IllegalArgumentException naming the unknown word and the known names
     */
    public static long parse(String text) {
        long m = 0;
        for (String word : text.split("[|,\\s]+")) {
            if (word.isEmpty() || word.equals("0")) continue;
            String w = word.toUpperCase(java.util.Locale.ROOT);
            switch (w) {
                case "SIGNAL_ALL" -> m |= SIGNAL_ALL;
                case "SYSCALL" -> m |= SYSCALL;
                case "ALL" -> m |= ALL;
                default -> {
                    try {
                        m |= valueOf(w).bit();
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("unknown event '" + word + "'; known events: "
                                + java.util.Arrays.toString(VALUES) + ", SIGNAL_ALL, SYSCALL, ALL");
                    }
                }
            }
        }
        return m;
    }
}
