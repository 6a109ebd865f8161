package dev.utrace.api;

/**
 * What to do with a signal ({@code enum utrace_signal_action}), packed into bits 4-7 of the
 * value {@link EngineOps#reportSignal} receives and returns, together with a
 * {@link ResumeAction} in the low bits and optionally {@link #HOLD}.
 *
 * <pre>{@code
 * return SignalAction.IGN.with(ResumeAction.STOP);          // hold the signal and stop
 * return SignalAction.DELIVER.with(ResumeAction.RESUME) | SignalAction.HOLD;
 * }</pre>
 */
public enum SignalAction {
    /** Deliver according to the {@code returnKa} disposition. */
    DELIVER(0x00),
    /** Ignore the signal. */
    IGN(0x10),
    /** Terminate the thread group (the number reported stays {@code info.signo}). */
    TERM(0x20),
    /** Terminate and dump core. */
    CORE(0x30),
    /** Job-control stop as SIGSTOP does. */
    STOP(0x40),
    /** Job-control stop as SIGTSTP does (respects orphaned process groups). */
    TSTP(0x50),
    /** A report with no signal: after {@code INTERRUPT} or a REPORT request. */
    REPORT(0x60),
    /** A report after a handler frame was set up. */
    HANDLER(0x70);

    /** {@code UTRACE_SIGNAL_MASK}. */
    public static final int MASK = 0xF0;
    /** {@code UTRACE_SIGNAL_HOLD}: push {@code info} back onto the pending queue (R-SIG-5). */
    public static final int HOLD = 0x100;

    private static final SignalAction[] VALUES = values();
    private final int code;

    SignalAction(int code) {
        this.code = code;
    }

    /** The bits of this action in a packed value. */
    public int code() {
        return code;
    }

    /** This signal action combined with a resume action. */
    public int with(ResumeAction resume) {
        return code | resume.code();
    }

    /** The signal action in a packed value. */
    public static SignalAction of(int packed) {
        return VALUES[(packed & MASK) >>> 4];
    }

    /** Whether a packed value carries {@link #HOLD}. */
    public static boolean isHold(int packed) {
        return (packed & HOLD) != 0;
    }
}
