package dev.utrace.ptrace.internal.commands;

import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SignalInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.ptrace.TraceeInfo;
import dev.utrace.ptrace.WaitResult;
import dev.utrace.ptrace.internal.commands.Views.Done;
import dev.utrace.ptrace.internal.commands.Views.EventMessage;
import dev.utrace.ptrace.internal.commands.Views.Memory;
import dev.utrace.ptrace.internal.commands.Views.Options;
import dev.utrace.ptrace.internal.commands.Views.Registers;
import dev.utrace.ptrace.internal.commands.Views.SigInfo;
import dev.utrace.ptrace.internal.commands.Views.Tracees;
import dev.utrace.ptrace.internal.commands.Views.UserWord;
import dev.utrace.ptrace.internal.commands.Views.Waited;
import dev.utrace.shell.format.Table;
import java.util.Locale;
import org.apache.felix.service.command.Converter;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Formats the values the {@code ptrace:} commands return: {@link Converter#INSPECT} as an
 * aligned table, {@link Converter#PART} as a pid or a count, other levels as one line. Other
 * values are left to Gogo.
 */
@Component(reference = @Reference(name = "gogo", service = CommandProcessor.class), // only with a shell: see package-info
        service = Converter.class, property = "service.description=Formats the results of the ptrace: commands")
public final class PtraceConverter implements Converter {
    /** The general registers in the order gdb's {@code info registers} shows them. */
    private static final Reg[] REGISTER_ORDER = {Reg.RAX, Reg.RBX, Reg.RCX, Reg.RDX, Reg.RSI, Reg.RDI, Reg.RBP,
        Reg.RSP, Reg.R8, Reg.R9, Reg.R10, Reg.R11, Reg.R12, Reg.R13, Reg.R14, Reg.R15, Reg.RIP, Reg.EFLAGS, Reg.CS,
        Reg.SS, Reg.DS, Reg.ES, Reg.FS, Reg.GS, Reg.FS_BASE, Reg.GS_BASE, Reg.ORIG_RAX};

    @Override
    public Object convert(Class<?> desiredType, Object in) {
        return null; // formats only; converts nothing
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        if (!(target instanceof Record) || target.getClass().getEnclosingClass() != Views.class) return null;
        return switch (level) {
            case INSPECT -> inspect(target);
            case PART -> part(target);
            default -> target.toString();
        };
    }

    static String inspect(Object target) {
        return switch (target) {
            case Done d -> new Table(">PID", "REQUEST", "RESULT").row(d.pid(), d.request(), d.result()).toString();
            case Waited w -> waited(w);
            case Tracees t -> tracees(t);
            case Registers r -> registers(r);
            case Memory m -> memory(m);
            case UserWord u -> new Table(">PID", "REGISTER", ">OFFSET", ">VALUE")
                    .row(u.pid(), u.register() == null ? "-" : u.register(), u.offset(), hex(u.value())).toString();
            case SigInfo s -> siginfo(s.info());
            case EventMessage e -> new Table(">PID", ">EVENTMSG").row(e.pid(), e.message()).toString();
            case Options o -> new Table(">PID", "OPTIONS").row(o.pid(), PtraceOptions.format(o.options())).toString();
            default -> target.toString();
        };
    }

    private static String part(Object target) {
        return switch (target) {
            case Done d -> Integer.toString(d.pid());
            case Waited w -> w.reported() ? Integer.toString(w.result().pid()) : "0";
            case Tracees t -> Integer.toString(t.tracees().size());
            case Registers r -> Integer.toString(r.pid());
            case Memory m -> Integer.toString(m.words().length);
            default -> target.toString();
        };
    }

    /** The decoded wait status, a row with its parts; "nothing to report" after --nohang. */
    static String waited(Waited w) {
        WaitResult r = w.result();
        if (r == null) {
            return w.pid() == -1 ? "no tracee has a stop or an end to report" : "pid " + w.pid() + " has no stop or end to report";
        }
        return new Table(">PID", "STATUS", "KIND", "SIGNAL", "EVENT", "DESCRIPTION")
                .row(r.pid(), "0x" + Integer.toHexString(r.status()), r.kind(), signal(r),
                        r.event() == 0 ? "-" : "PTRACE_EVENT_" + WaitResult.eventName(r.event()), r.describe())
                .toString();
    }

    /** SIGSTOP; SIGTRAP|0x80 for a TRACESYSGOOD syscall stop; "-" for a normal exit (its code is in the description). */
    private static String signal(WaitResult r) {
        if (r.kind() == WaitResult.Kind.EXITED) return "-";
        int sig = r.signal();
        return Signals.name(sig & 0x7f) + ((sig & 0x80) != 0 && r.kind() != WaitResult.Kind.KILLED ? "|0x80" : "");
    }

    static String tracees(Tracees t) {
        Table table = new Table(">PID", ">TGID", "HOW", "OPTIONS", "STATE", "STOP");
        for (TraceeInfo i : t.tracees()) {
            table.row(i.pid(), i.tgid(), i.seized() ? "seized" : "attached", PtraceOptions.format(i.options()), i.state(),
                    i.stop().isEmpty() ? "-" : i.stop());
        }
        return table.toString();
    }

    static String registers(Registers r) {
        Table table = new Table("REG", ">VALUE", ">DECIMAL");
        for (Reg reg : REGISTER_ORDER) {
            long v = r.values()[reg.ordinal()];
            table.row(reg.name().toLowerCase(Locale.ROOT), hex(v), v);
        }
        return table.toString();
    }

    static String memory(Memory m) {
        Table table = new Table("ADDRESS", "VALUE", "TEXT");
        for (int i = 0; i < m.words().length; i++) {
            long w = m.words()[i];
            table.row(hex(m.address() + 8L * i), String.format(Locale.ROOT, "0x%016x", w), text(w));
        }
        return table.toString();
    }

    /** The word's 8 bytes in memory order (little-endian), printable ASCII as itself, others as '.'. */
    private static String text(long word) {
        StringBuilder sb = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            int b = (int) (word >>> (8 * i)) & 0xff;
            sb.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return sb.toString();
    }

    static String siginfo(SignalInfo i) {
        return new Table("FIELD", "VALUE")
                .row("si_signo", Signals.name(i.signo) + " (" + i.signo + ")")
                .row("si_code", codeName(i.signo, i.code) + " (" + i.code + ")")
                .row("si_errno", i.errno)
                .row("si_pid", i.pid)
                .row("si_addr", hex(i.addr))
                .row("si_status", i.status)
                .toString();
    }

    /**
     * The name of the si_code values the machine uses, and of those Linux makes up for a ptrace
     * stop that is no signal's (the status's bits 8-23: SIGTRAP|0x80 for a syscall stop,
     * SIGTRAP|PTRACE_EVENT_EXEC<<8 for an event); "-" for others.
     */
    private static String codeName(int signo, int code) {
        if (code > 0x7f && (code & 0x7f) == signo && (code & ~0xffff) == 0) {
            int event = code >> 8 & 0xff;
            return Signals.name(signo) + (event == 0 ? "|0x80" : "|PTRACE_EVENT_" + dev.utrace.ptrace.WaitResult.eventName(event) + "<<8");
        }
        return switch (code) {
            case Signals.SI_USER -> "SI_USER";
            case Signals.SI_KERNEL -> "SI_KERNEL";
            case Signals.SI_TKILL -> "SI_TKILL";
            default -> switch (signo) {
                case Signals.SIGTRAP -> code == Signals.TRAP_TRACE ? "TRAP_TRACE" : code == Signals.TRAP_HWBKPT ? "TRAP_HWBKPT" : "-";
                case Signals.SIGSEGV -> code == Signals.SEGV_MAPERR ? "SEGV_MAPERR" : "-";
                case Signals.SIGCHLD -> code >= Signals.CLD_EXITED && code <= Signals.CLD_CONTINUED
                        ? new String[] {"CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED",
                            "CLD_CONTINUED"}[code - 1] : "-";
                default -> "-";
            };
        };
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
