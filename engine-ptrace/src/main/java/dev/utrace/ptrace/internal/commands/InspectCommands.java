package dev.utrace.ptrace.internal.commands;

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
import java.util.List;
import java.util.Locale;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code ptrace:} commands that look at and change a stopped tracee: regs, peek, poke,
 * peekuser, pokeuser, siginfo, eventmsg, options. Refusals as in {@link ControlCommands}.
 */
@Component(service = Object.class, property = {
        "osgi.command.scope=ptrace",
        "osgi.command.function=regs", "osgi.command.function=peek", "osgi.command.function=poke",
        "osgi.command.function=peekuser", "osgi.command.function=pokeuser", "osgi.command.function=siginfo",
        "osgi.command.function=eventmsg", "osgi.command.function=options",
        "service.description=ptrace: commands that read and write a stopped tracee"})
public final class InspectCommands {
    static final String REGS = "regs <pid>";
    static final String PEEK = "peek <pid> <address> [words]  (address: 0x600000 or decimal; words: 1.." + Args.MAX_WORDS
            + ", default 1)";
    static final String POKE = "poke <pid> <address> <value>  (value: decimal or 0x hex)";
    static final String PEEKUSER = "peekuser <pid> <register|offset>  (register: rax, rip, dr7, ...; or an offset in struct user)";
    static final String POKEUSER = "pokeuser <pid> <register|offset> <value>";
    static final String SIGINFO = "siginfo <pid>";
    static final String EVENTMSG = "eventmsg <pid>";
    static final String OPTIONS = "options <pid> [options]  (options: "
            + PtraceOptions.format(PtraceOptions.ALL).replace('|', ',') + " comma separated, or 0; without: show them)";

    private final ShellTracer tracer;

    @Activate
    public InspectCommands(@Reference ShellTracer tracer) {
        this.tracer = tracer;
    }

    @Descriptor("show the registers of a tracee (missing: the pid)")
    public Registers regs() {
        throw Args.bad("regs needs the pid of a stopped tracee; ptrace:tracees lists them", REGS);
    }

    @Descriptor("PTRACE_GETREGS: show the general registers of a stopped tracee")
    public Registers regs(@Descriptor("the tracee's thread id") String pid) {
        int p = Args.pid(pid, REGS);
        return new Registers(p, tracer.request(s -> s.getRegs(p)));
    }

    @Descriptor("read a tracee's memory (missing: pid and address)")
    public Memory peek() {
        throw Args.bad("peek needs the pid of a stopped tracee and an address", PEEK);
    }

    @Descriptor("read a tracee's memory (missing: the address)")
    public Memory peek(@Descriptor("the tracee's thread id") String pid) {
        throw Args.bad("peek needs an address after the pid, e.g. 0x600000", PEEK);
    }

    @Descriptor("PTRACE_PEEKDATA: read one 8-byte word of a stopped tracee's memory")
    public Memory peek(
            @Descriptor("the tracee's thread id") String pid,
            @Descriptor("the address: 0x and hex digits, or decimal") String address) {
        return peek(pid, address, "1");
    }

    @Descriptor("PTRACE_PEEKDATA: read 8-byte words of a stopped tracee's memory, one after the other")
    public Memory peek(
            @Descriptor("the tracee's thread id") String pid,
            @Descriptor("the address: 0x and hex digits, or decimal") String address,
            @Descriptor("how many words, 1.." + Args.MAX_WORDS) String words) {
        int p = Args.pid(pid, PEEK);
        long a = Args.address(address, PEEK);
        int n = Args.words(words, PEEK);
        long[] values = tracer.request(s -> {
            long[] out = new long[n];
            for (int i = 0; i < n; i++) out[i] = s.peek(p, a + 8L * i);
            return out;
        });
        return new Memory(p, a, values);
    }

    @Descriptor("write a tracee's memory (missing: pid, address and value)")
    public Done poke() {
        throw Args.bad("poke needs the pid of a stopped tracee, an address and a value", POKE);
    }

    @Descriptor("write a tracee's memory (missing: address and value)")
    public Done poke(@Descriptor("the tracee's thread id") String pid) {
        throw Args.bad("poke needs an address and a value after the pid", POKE);
    }

    @Descriptor("write a tracee's memory (missing: the value)")
    public Done poke(@Descriptor("the tracee's thread id") String pid, @Descriptor("the address") String address) {
        throw Args.bad("poke needs a value after the address: decimal or 0x and hex digits", POKE);
    }

    @Descriptor("PTRACE_POKEDATA: write one 8-byte word of a stopped tracee's memory")
    public Done poke(
            @Descriptor("the tracee's thread id") String pid,
            @Descriptor("the address: 0x and hex digits, or decimal") String address,
            @Descriptor("the value: decimal or 0x and hex digits") String value) {
        int p = Args.pid(pid, POKE);
        long a = Args.address(address, POKE);
        long v = Args.value(value, POKE);
        tracer.request(s -> {
            s.poke(p, a, v);
            return null;
        });
        return new Done(p, "PTRACE_POKEDATA", "wrote 0x" + Long.toHexString(v) + " at 0x" + Long.toHexString(a));
    }

    @Descriptor("read a word of a tracee's user area (missing: pid and register)")
    public UserWord peekuser() {
        throw Args.bad("peekuser needs the pid of a stopped tracee and a register or offset", PEEKUSER);
    }

    @Descriptor("read a word of a tracee's user area (missing: the register)")
    public UserWord peekuser(@Descriptor("the tracee's thread id") String pid) {
        throw Args.bad("peekuser needs a register (rax, rip, dr7, ...) or an offset after the pid", PEEKUSER);
    }

    @Descriptor("PTRACE_PEEKUSER: read a register or debug register (this tracer's view) of a stopped tracee")
    public UserWord peekuser(
            @Descriptor("the tracee's thread id") String pid,
            @Descriptor("a register (rax, rip, dr0..dr3, dr6, dr7, ...) or a byte offset in struct user") String where) {
        int p = Args.pid(pid, PEEKUSER);
        long offset = Args.userOffset(where, PEEKUSER);
        long value = tracer.request(s -> s.peekUser(p, offset));
        return new UserWord(p, offset, registerName(offset), value);
    }

    @Descriptor("write a word of a tracee's user area (missing: pid, register and value)")
    public Done pokeuser() {
        throw Args.bad("pokeuser needs the pid of a stopped tracee, a register or offset, and a value", POKEUSER);
    }

    @Descriptor("write a word of a tracee's user area (missing: register and value)")
    public Done pokeuser(@Descriptor("the tracee's thread id") String pid) {
        throw Args.bad("pokeuser needs a register (rax, rip, dr7, ...) or an offset, and a value, after the pid", POKEUSER);
    }

    @Descriptor("write a word of a tracee's user area (missing: the value)")
    public Done pokeuser(@Descriptor("the tracee's thread id") String pid, @Descriptor("the register or offset") String where) {
        throw Args.bad("pokeuser needs a value after the register: decimal or 0x and hex digits", POKEUSER);
    }

    @Descriptor("PTRACE_POKEUSER: write a register or debug register of a stopped tracee (DR7 claims debug slots)")
    public Done pokeuser(
            @Descriptor("the tracee's thread id") String pid,
            @Descriptor("a register (rax, rip, dr0..dr3, dr6, dr7, ...) or a byte offset in struct user") String where,
            @Descriptor("the value: decimal or 0x and hex digits") String value) {
        int p = Args.pid(pid, POKEUSER);
        long offset = Args.userOffset(where, POKEUSER);
        long v = Args.value(value, POKEUSER);
        tracer.request(s -> {
            s.pokeUser(p, offset, v);
            return null;
        });
        String name = registerName(offset);
        return new Done(p, "PTRACE_POKEUSER", "wrote 0x" + Long.toHexString(v) + " to "
                + (name == null ? "offset " + offset : name));
    }

    @Descriptor("show the signal of a signal-delivery stop (missing: the pid)")
    public SigInfo siginfo() {
        throw Args.bad("siginfo needs the pid of a tracee in a signal-delivery stop", SIGINFO);
    }

    @Descriptor("PTRACE_GETSIGINFO: show the siginfo of a tracee in a signal-delivery stop")
    public SigInfo siginfo(@Descriptor("the tracee's thread id") String pid) {
        int p = Args.pid(pid, SIGINFO);
        return new SigInfo(p, tracer.request(s -> s.getSigInfo(p)));
    }

    @Descriptor("show the message of an event stop (missing: the pid)")
    public EventMessage eventmsg() {
        throw Args.bad("eventmsg needs the pid of a stopped tracee", EVENTMSG);
    }

    @Descriptor("PTRACE_GETEVENTMSG: the new child's pid, the exit status, or the former thread id after an exec")
    public EventMessage eventmsg(@Descriptor("the tracee's thread id") String pid) {
        int p = Args.pid(pid, EVENTMSG);
        return new EventMessage(p, tracer.request(s -> s.getEventMsg(p)));
    }

    @Descriptor("show or set a tracee's options (missing: the pid)")
    public Options options() {
        throw Args.bad("options needs the pid of a tracee; ptrace:tracees lists them", OPTIONS);
    }

    @Descriptor("show a tracee's ptrace options")
    public Options options(@Descriptor("the tracee's thread id") String pid) {
        int p = Args.pid(pid, OPTIONS);
        PtraceSession s = tracer.current();
        for (TraceeInfo t : s == null ? List.<TraceeInfo>of() : s.tracees()) {
            if (t.pid() == p) return new Options(p, t.options());
        }
        throw new Refused(new PtraceException("ESRCH", "pid " + p + " is not traced by tracer '" + ShellTracer.NAME
                + "'; attach or seize it first"));
    }

    @Descriptor("PTRACE_SETOPTIONS: set a stopped tracee's options (they replace the old ones)")
    public Done options(
            @Descriptor("the tracee's thread id") String pid,
            @Descriptor("TRACESYSGOOD, TRACEFORK, TRACEVFORK, TRACECLONE, TRACEEXEC, TRACEVFORKDONE, TRACEEXIT, EXITKILL,"
                    + " comma separated, or 0 for none") String options) {
        int p = Args.pid(pid, OPTIONS);
        int o = Args.options(options, OPTIONS);
        tracer.request(s -> {
            s.setOptions(p, o);
            return null;
        });
        return new Done(p, "PTRACE_SETOPTIONS", "options now " + PtraceOptions.format(o));
    }

    /** "rax", "dr7"; null for an offset that is no register (the engine refuses it). */
    private static String registerName(long offset) {
        for (Reg r : Reg.values()) {
            if (r.userOffset() == offset) return r.name().toLowerCase(Locale.ROOT);
        }
        return null;
    }
}
