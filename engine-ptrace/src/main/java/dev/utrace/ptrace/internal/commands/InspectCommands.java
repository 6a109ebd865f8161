package dev.utrace.ptrace.internal.commands;

import static dev.utrace.ptrace.internal.commands.ControlCommands.SCOPE;
import static dev.utrace.ptrace.internal.commands.ControlCommands.TRACEE;
import static dev.utrace.shell.command.Command.command;

import dev.utrace.api.task.Reg;
import dev.utrace.ptrace.PtraceException;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.ptrace.PtraceSession;
import dev.utrace.ptrace.TraceeInfo;
import dev.utrace.ptrace.internal.commands.Views.Done;
import dev.utrace.ptrace.internal.commands.Views.EventMessage;
import dev.utrace.ptrace.internal.commands.Views.Memory;
import dev.utrace.ptrace.internal.commands.Views.Options;
import dev.utrace.ptrace.internal.commands.Views.Registers;
import dev.utrace.ptrace.internal.commands.Views.SigInfo;
import dev.utrace.ptrace.internal.commands.Views.UserWord;
import dev.utrace.shell.command.Command;
import dev.utrace.shell.command.Registrations;
import java.util.List;
import java.util.Locale;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code ptrace:} commands that look at and change a stopped tracee: regs, peek, poke,
 * peekuser, pokeuser, siginfo, eventmsg, options. Refusals as in {@link ControlCommands}.
 */
@Component(reference = @Reference(name = "gogo", service = CommandProcessor.class), // only with a shell: see package-info
        service = {}, property = "service.description=ptrace: commands that read and write a stopped tracee")
public final class InspectCommands {
    static final String ADDRESS = "the address: 0x and hex digits (0x600000), or decimal";
    static final String VALUE = "the value: decimal (42, -1) or 0x and hex digits (0x2a), 64 bits";
    static final String WHERE = "a register (rax, rip, dr0..dr3, dr6, dr7, ...) or a byte offset in struct user";

    private final ShellTracer tracer;
    private final List<Command> commands;
    private Registrations registrations;

    /** The commands, not registered anywhere (tests hand them to a Gogo runtime themselves). */
    public InspectCommands(ShellTracer tracer) {
        this.tracer = tracer;
        this.commands = List.of(regs(), peek(), poke(), peekuser(), pokeuser(), siginfo(), eventmsg(), options());
    }

    @Activate
    public InspectCommands(@Reference ShellTracer tracer, BundleContext context) {
        this(tracer);
        registrations = Registrations.register(context, commands);
    }

    @Deactivate
    void deactivate() {
        registrations.close();
    }

    public List<Command> commands() {
        return commands;
    }

    private Command regs() {
        return command(SCOPE, "regs").does("PTRACE_GETREGS: show the general registers of a stopped tracee")
                .param("pid", TRACEE)
                .runs(w -> {
                    int p = Args.pid(w.get("pid"));
                    return new Registers(p, tracer.request(s -> s.getRegs(p)));
                });
    }

    private Command peek() {
        return command(SCOPE, "peek").does("PTRACE_PEEKDATA: read 8-byte words of a stopped tracee's memory, one after the other")
                .param("pid", TRACEE)
                .param("address", ADDRESS)
                .optional("words", "how many words, 1.." + Args.MAX_WORDS + " (default 1)")
                .note("address: 0x600000 or decimal; words: 1.." + Args.MAX_WORDS + ", default 1")
                .runs(w -> {
                    int p = Args.pid(w.get("pid"));
                    long a = Args.address(w.get("address"));
                    int n = Args.words(w.get("words", "1"));
                    long[] values = tracer.request(s -> {
                        long[] out = new long[n];
                        for (int i = 0; i < n; i++) out[i] = s.peek(p, a + 8L * i);
                        return out;
                    });
                    return new Memory(p, a, values);
                });
    }

    private Command poke() {
        return command(SCOPE, "poke").does("PTRACE_POKEDATA: write one 8-byte word of a stopped tracee's memory")
                .param("pid", TRACEE)
                .param("address", ADDRESS)
                .param("value", VALUE)
                .note("value: decimal or 0x hex")
                .runs(w -> {
                    int p = Args.pid(w.get("pid"));
                    long a = Args.address(w.get("address"));
                    long v = Args.value(w.get("value"));
                    tracer.request(s -> {
                        s.poke(p, a, v);
                        return null;
                    });
                    return new Done(p, "PTRACE_POKEDATA", "wrote 0x" + Long.toHexString(v) + " at 0x" + Long.toHexString(a));
                });
    }

    private Command peekuser() {
        return command(SCOPE, "peekuser")
                .does("PTRACE_PEEKUSER: read a register or debug register (this tracer's view) of a stopped tracee")
                .param("pid", TRACEE)
                .param("register|offset", WHERE)
                .note("register: rax, rip, dr7, ...; or an offset in struct user")
                .runs(w -> {
                    int p = Args.pid(w.get("pid"));
                    long offset = Args.userOffset(w.get("register|offset"));
                    long value = tracer.request(s -> s.peekUser(p, offset));
                    return new UserWord(p, offset, registerName(offset), value);
                });
    }

    private Command pokeuser() {
        return command(SCOPE, "pokeuser")
                .does("PTRACE_POKEUSER: write a register or debug register of a stopped tracee (DR7 claims debug slots)")
                .param("pid", TRACEE)
                .param("register|offset", WHERE)
                .param("value", VALUE)
                .runs(w -> {
                    int p = Args.pid(w.get("pid"));
                    long offset = Args.userOffset(w.get("register|offset"));
                    long v = Args.value(w.get("value"));
                    tracer.request(s -> {
                        s.pokeUser(p, offset, v);
                        return null;
                    });
                    String name = registerName(offset);
                    return new Done(p, "PTRACE_POKEUSER", "wrote 0x" + Long.toHexString(v) + " to "
                            + (name == null ? "offset " + offset : name));
                });
    }

    private Command siginfo() {
        return command(SCOPE, "siginfo").does("PTRACE_GETSIGINFO: show the siginfo of a stopped tracee (an event's or syscall stop's is the one Linux makes up)")
                .param("pid", TRACEE)
                .runs(w -> {
                    int p = Args.pid(w.get("pid"));
                    return new SigInfo(p, tracer.request(s -> s.getSigInfo(p)));
                });
    }

    private Command eventmsg() {
        return command(SCOPE, "eventmsg")
                .does("PTRACE_GETEVENTMSG: the new child's pid, the exit status, or the former thread id after an exec")
                .param("pid", TRACEE)
                .runs(w -> {
                    int p = Args.pid(w.get("pid"));
                    return new EventMessage(p, tracer.request(s -> s.getEventMsg(p)));
                });
    }

    private Command options() {
        return command(SCOPE, "options")
                .does("show a tracee's ptrace options, or set a stopped tracee's (PTRACE_SETOPTIONS: they replace the old ones)")
                .param("pid", TRACEE)
                .optional("options", "TRACESYSGOOD, TRACEFORK, TRACEVFORK, TRACECLONE, TRACEEXEC, TRACEVFORKDONE, TRACEEXIT,"
                        + " EXITKILL, comma separated, or 0 for none (without: show them)")
                .note("options: " + PtraceOptions.format(PtraceOptions.ALL).replace('|', ',')
                        + " comma separated, or 0; without: show them")
                .runs(w -> {
                    int p = Args.pid(w.get("pid"));
                    if (!w.has("options")) return current(p);
                    int o = Args.options(w.get("options"));
                    tracer.request(s -> {
                        s.setOptions(p, o);
                        return null;
                    });
                    return new Done(p, "PTRACE_SETOPTIONS", "options now " + PtraceOptions.format(o));
                });
    }

    private Options current(int pid) {
        PtraceSession s = tracer.current();
        for (TraceeInfo t : s == null ? List.<TraceeInfo>of() : s.tracees()) {
            if (t.pid() == pid) return new Options(pid, t.options());
        }
        throw new Refused(new PtraceException("ESRCH", "pid " + pid + " is not traced by tracer '" + ShellTracer.NAME
                + "'; attach or seize it first"));
    }

    /** "rax", "dr7"; null for an offset that is no register (the engine refuses it). */
    private static String registerName(long offset) {
        for (Reg r : Reg.values()) {
            if (r.userOffset() == offset) return r.name().toLowerCase(Locale.ROOT);
        }
        return null;
    }
}
