package dev.utrace.passive.internal.strace;

import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;

/**
 * A signal's siginfo as strace shows it, {@code {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42,
 * si_status=0}}: the fields the machines report (strace also shows si_uid, and for SIGCHLD
 * si_utime and si_stime, which they do not).
 */
public final class SignalText {
    private static final String[] SI = {"SI_USER", "SI_QUEUE", "SI_TIMER", "SI_MESGQ", "SI_ASYNCIO", "SI_SIGIO",
            "SI_TKILL", "SI_DETHREAD"};
    private static final String[] CLD = {null, "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED",
            "CLD_CONTINUED"};
    private static final String[] SEGV = {null, "SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR"};
    private static final String[] TRAP = {null, "TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH", "TRAP_HWBKPT"};
    private static final String[] BUS = {null, "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO"};
    private static final String[] FPE = {null, "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF", "FPE_FLTUND",
            "FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB"};
    private static final String[] ILL = {null, "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP", "ILL_PRVOPC",
            "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK"};

    private SignalText() {
    }

    /** {@code info} in strace's words; made when the signal is recorded, since engines may rewrite it later. */
    public static String siginfo(SignalInfo info) {
        StringBuilder sb = new StringBuilder("{si_signo=").append(Constants.signal(info.signo)).append(", si_code=");
        String code = code(info.signo, info.code);
        sb.append(code != null ? code : Integer.toString(info.code));
        if (info.code <= 0) {
            sb.append(", si_pid=").append(info.pid); // sent by a process: kill, tgkill, sigqueue
        } else if (info.signo == Signals.SIGCHLD) {
            sb.append(", si_pid=").append(info.pid).append(", si_status=");
            if (info.code == Signals.CLD_EXITED) sb.append(info.status);
            else sb.append(Constants.signal(info.status));
        } else if (info.code != Signals.SI_KERNEL && faults(info.signo)) {
            sb.append(", si_addr=");
            Args.pointer(sb, info.addr);
        }
        return sb.append('}').toString();
    }

    /** The signal line: {@code --- SIGCHLD {...} ---}. */
    public static String line(int signo, String siginfo) {
        return "--- " + Constants.signal(signo) + " " + siginfo + " ---";
    }

    /** A signal's name as strace prints it ({@code SIGRTMIN}, {@code SIGRT_1} for 33). */
    public static String name(int signo) {
        return Constants.signal(signo);
    }

    private static boolean faults(int signo) {
        return signo == Signals.SIGSEGV || signo == Signals.SIGBUS || signo == Signals.SIGILL || signo == Signals.SIGFPE
                || signo == Signals.SIGTRAP;
    }

    private static String code(int signo, int code) {
        if (code == Signals.SI_KERNEL) return "SI_KERNEL";
        if (code <= 0 && -code < SI.length) return SI[-code];
        if (code <= 0) return null;
        String[] names = switch (signo) {
            case Signals.SIGCHLD -> CLD;
            case Signals.SIGSEGV -> SEGV;
            case Signals.SIGTRAP -> TRAP;
            case Signals.SIGBUS -> BUS;
            case Signals.SIGFPE -> FPE;
            case Signals.SIGILL -> ILL;
            default -> null;
        };
        return names != null && code < names.length ? names[code] : null;
    }
}
