package dev.utrace.api.task;

/**
 * A signal disposition ({@code struct k_sigaction}), mutable. The core hands engines the
 * task's disposition as {@code origKa} (read it, do not change it) and a copy as
 * {@code returnKa}, which decides what {@code SignalAction.DELIVER} does (R-SIG-3).
 */
public final class SigAction {
    /** {@link #handler} value for the default action. */
    public static final long SIG_DFL = 0;
    /** {@link #handler} value for "ignore". */
    public static final long SIG_IGN = 1;

    /** {@code SA_RESETHAND}: reset to SIG_DFL once delivered (SA_ONESHOT). */
    public static final int SA_ONESHOT = 0x80000000;
    /** {@code SA_NODEFER}: do not block the signal in its own handler. */
    public static final int SA_NODEFER = 0x40000000;
    /** {@code SA_RESTART}: restart interrupted syscalls. */
    public static final int SA_RESTART = 0x10000000;

    /** SIG_DFL, SIG_IGN, or the handler's address (a label's address in the simulated machine). */
    public long handler;
    /** SA_* flags. */
    public int flags;
    /** Signals blocked while the handler runs, bit {@code n-1} for signal {@code n}. */
    public long mask;

    public SigAction() {
    }

    public SigAction(long handler, int flags, long mask) {
        this.handler = handler;
        this.flags = flags;
        this.mask = mask;
    }

    /** Copies every field of {@code other} into this. */
    public SigAction copyFrom(SigAction other) {
        handler = other.handler;
        flags = other.flags;
        mask = other.mask;
        return this;
    }

    /** A copy of this. */
    public SigAction copy() {
        return new SigAction(handler, flags, mask);
    }

    /** Whether this is a user handler (neither SIG_DFL nor SIG_IGN). */
    public boolean isHandler() {
        return handler != SIG_DFL && handler != SIG_IGN;
    }

    @Override
    public String toString() {
        String h = handler == SIG_DFL ? "SIG_DFL" : handler == SIG_IGN ? "SIG_IGN" : "0x" + Long.toHexString(handler);
        return "{" + h + ", flags=0x" + Integer.toHexString(flags) + ", mask=0x" + Long.toHexString(mask) + "}";
    }
}
