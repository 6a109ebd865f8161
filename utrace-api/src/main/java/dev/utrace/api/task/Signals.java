package dev.utrace.api.task;

import java.util.Locale;

/** Linux x86_64 signal numbers, default actions and the si_code/CLD values engines meet. */
public final class Signals {
    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6,
            SIGBUS = 7, SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13,
            SIGALRM = 14, SIGTERM = 15, SIGSTKFLT = 16, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19,
            SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25,
            SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29, SIGPWR = 30, SIGSYS = 31;
    /** The highest signal number (real-time signals included). */
    public static final int NSIG = 64;

    /** si_code: sent by kill(). */
    public static final int SI_USER = 0;
    /** si_code: sent by the kernel. */
    public static final int SI_KERNEL = 0x80;
    /** si_code: sent by tkill()/tgkill(). */
    public static final int SI_TKILL = -6;
    /** SIGTRAP si_code: single-step trap. */
    public static final int TRAP_TRACE = 2;
    /** SIGTRAP si_code: hardware breakpoint or watchpoint. */
    public static final int TRAP_HWBKPT = 4;
    /** SIGSEGV si_code: address not mapped. */
    public static final int SEGV_MAPERR = 1;

    /** SIGCHLD si_code: child exited. */
    public static final int CLD_EXITED = 1;
    /** SIGCHLD si_code: child killed. */
    public static final int CLD_KILLED = 2;
    /** SIGCHLD si_code: child dumped core. */
    public static final int CLD_DUMPED = 3;
    /** SIGCHLD si_code: traced child trapped. */
    public static final int CLD_TRAPPED = 4;
    /** SIGCHLD si_code / jctl type: child stopped. */
    public static final int CLD_STOPPED = 5;
    /** SIGCHLD si_code / jctl type: child continued. */
    public static final int CLD_CONTINUED = 6;

    /** What the kernel does with a signal whose disposition is SIG_DFL. */
    public enum DefaultAction {
        /** Terminate the thread group. */
        TERM,
        /** Terminate and dump core. */
        CORE,
        /** Ignore. */
        IGNORE,
        /** Job-control stop. */
        STOP,
        /** Continue a stopped group (and otherwise ignore). */
        CONTINUE
    }

    private static final String[] NAMES = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
            "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
            "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
            "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    private Signals() {
    }

    /** Whether {@code sig} is a valid signal number (1..64). */
    public static boolean valid(int sig) {
        return sig >= 1 && sig <= NSIG;
    }

    /** The default action of {@code sig}, as on Linux x86_64. */
    public static DefaultAction defaultAction(int sig) {
        return switch (sig) {
            case SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS ->
                    DefaultAction.CORE;
            case SIGCHLD, SIGURG, SIGWINCH -> DefaultAction.IGNORE;
            case SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU -> DefaultAction.STOP;
            case SIGCONT -> DefaultAction.CONTINUE;
            default -> DefaultAction.TERM;
        };
    }

    /** SIGKILL and SIGSTOP can be neither caught, blocked nor ignored. */
    public static boolean unblockable(int sig) {
        return sig == SIGKILL || sig == SIGSTOP;
    }

    /** The mask bit of {@code sig} ({@code 1L << (sig - 1)}). */
    public static long bit(int sig) {
        return 1L << (sig - 1);
    }

    /** "SIGKILL" for 9, "SIGRTMIN+3" for 37, the number as text otherwise. */
    public static String name(int sig) {
        if (sig > 0 && sig < NAMES.length) return NAMES[sig];
        if (sig >= 34 && sig <= NSIG) return "SIGRTMIN+" + (sig - 34);
        return Integer.toString(sig);
    }

    /**
     * Parses a signal given as a number ("9"), a name ("SIGKILL") or a short name ("kill").
     *
     * @throws IllegalArgumentException saying what was wrong and what is accepted
     */
    public static int parse(String text) {
        String t = text.trim();
        if (t.matches("-?[0-9]+")) { // ASCII digits only: not '+9', not a '９' of another script
            int n = t.length() > 3 ? -1 : Integer.parseInt(t);
            if (!valid(n)) throw new IllegalArgumentException("bad signal number " + t + "; use 1.." + NSIG);
            return n;
        }
        String u = t.toUpperCase(Locale.ROOT);
        if (!u.startsWith("SIG")) u = "SIG" + u;
        for (int i = 1; i < NAMES.length; i++) {
            if (NAMES[i].equals(u)) return i;
        }
        throw new IllegalArgumentException("unknown signal '" + text + "'; use a number 1.." + NSIG
                + " or a name such as SIGKILL, TERM, usr1");
    }
}
