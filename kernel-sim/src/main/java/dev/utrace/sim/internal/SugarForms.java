package dev.utrace.sim.internal;

import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.Signals;
import dev.utrace.sim.internal.ProgramParser.Ref;
import java.util.ArrayList;
import java.util.List;

/**
 * The convenience forms of the program format ({@code exit 0}, {@code print "..."},
 * {@code signal SIGUSR1, handler}, ...). Each expands into plain instructions ending in a
 * {@code syscall}, with any struct the syscall reads (sigaction, signal set, argv) placed in
 * the data segment, so engines see the same registers and memory a C program would give them.
 */
final class SugarForms {
    /** rt_sigprocmask's {@code how}. */
    private static final int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
    /** wait4 options. */
    static final int WNOHANG = 1, WUNTRACED = 2, WCONTINUED = 8;

    private SugarForms() {
    }

    static void expand(ProgramParser p, Token op, Cursor c) throws ProgramSyntaxException {
        switch (op.text()) {
            case "print" -> print(p, c);
            case "exit", "exit_group" -> p.syscall(op.text().equals("exit") ? SyscallTable.EXIT : SyscallTable.EXIT_GROUP,
                    c.atEnd() ? List.of(p.constant(0, op)) : List.of(p.operand(c)), op);
            case "sleep" -> p.syscall(SyscallTable.NANOSLEEP, List.of(p.operand(c)), op);
            case "pause", "yield", "fork", "vfork", "sigreturn", "getpid", "gettid", "getppid" -> p.syscall(noArgs(op.text()), List.of(), op);
            case "thread" -> p.syscall(SyscallTable.CLONE, List.of(p.constant(SyscallTable.THREAD_FLAGS, op), p.operand(c)), op);
            case "kill" -> p.syscall(SyscallTable.KILL, twoOrMore(p, c, 2), op);
            case "tgkill" -> p.syscall(SyscallTable.TGKILL, twoOrMore(p, c, 3), op);
            case "mmap", "munmap" -> p.syscall(op.text().equals("mmap") ? SyscallTable.MMAP : SyscallTable.MUNMAP, twoOrMore(p, c, 2), op);
            case "raise" -> raise(p, op, c);
            case "exec" -> exec(p, op, c);
            case "wait" -> waitFor(p, op, c);
            case "signal" -> signal(p, op, c);
            case "block", "unblock", "setmask" -> mask(p, op, c);
            default -> throw c.error(op, "unknown instruction " + Token.quote(op.text()) + "; expected one of: " + ProgramParser.mnemonics());
        }
    }

    private static int noArgs(String m) {
        return switch (m) {
            case "pause" -> SyscallTable.PAUSE;
            case "yield" -> SyscallTable.SCHED_YIELD;
            case "fork" -> SyscallTable.FORK;
            case "vfork" -> SyscallTable.VFORK;
            case "sigreturn" -> SyscallTable.RT_SIGRETURN;
            case "getpid" -> SyscallTable.GETPID;
            case "gettid" -> SyscallTable.GETTID;
            default -> SyscallTable.GETPPID;
        };
    }

    private static List<Ref> twoOrMore(ProgramParser p, Cursor c, int n) throws ProgramSyntaxException {
        int col = c.column();
        List<Ref> args = p.operands(c);
        if (args.size() != n) throw p.lexer().error(col, "expected " + n + " operands separated by ',', found " + args.size());
        return args;
    }

    /** {@code print "text {reg}"}: format into the stack, then write(1, buf, len). */
    private static void print(ProgramParser p, Cursor c) throws ProgramSyntaxException {
        Token s = c.next("a \"string\" to print");
        if (s.kind() != Token.Kind.STRING) throw c.error(s, "expected a \"string\" to print, found " + s.describe());
        List<Object> parts = new ArrayList<>();
        String text = s.text();
        StringBuilder lit = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch != '{') {
                lit.append(ch);
            } else if (i + 1 < text.length() && text.charAt(i + 1) == '{') {
                lit.append('{');
                i++;
            } else {
                int end = text.indexOf('}', i);
                Reg r = end < 0 ? null : ProgramParser.registerNamed(text.substring(i + 1, end));
                if (r == null) {
                    throw c.error(s, "bad placeholder in string at offset " + i + "; expected {register} such as {rax},"
                            + " or {{ for a brace");
                }
                if (!lit.isEmpty()) parts.add(lit.toString());
                lit.setLength(0);
                parts.add(r);
                i = end;
            }
        }
        if (!lit.isEmpty()) parts.add(lit.toString());
        p.addNow(new Instr.Format(parts));
        p.addNow(new Instr.Mov(Reg.RDI, new Operand.Imm(1)));
        p.addNow(new Instr.Mov(Reg.RAX, new Operand.Imm(SyscallTable.WRITE)));
        p.addNow(new Instr.Syscall());
    }

    /** {@code raise SIG}: tkill(gettid(), SIG). */
    private static void raise(ProgramParser p, Token op, Cursor c) throws ProgramSyntaxException {
        Ref sig = p.operand(c);
        if (sig.reg() == Reg.RAX || sig.reg() == Reg.RDI) {
            throw p.lexer().error(sig.column(), "raise reads the signal after setting rax and rdi; expected another register");
        }
        p.syscall(SyscallTable.GETTID, List.of(), op);
        p.add(() -> new Instr.Mov(Reg.RSI, p.resolve(sig)));
        p.addNow(new Instr.Mov(Reg.RDI, new Operand.RegVal(Reg.RAX, 0)));
        p.addNow(new Instr.Mov(Reg.RAX, new Operand.Imm(SyscallTable.TKILL)));
        p.addNow(new Instr.Syscall());
    }

    /** {@code exec "name", "arg", 5}: execve(name, argv) with argv = {name, args..., NULL}. */
    private static void exec(ProgramParser p, Token op, Cursor c) throws ProgramSyntaxException {
        Token name = c.next("a program name in quotes");
        if (name.kind() != Token.Kind.STRING) throw c.error(name, "expected a program name in quotes, found " + name.describe());
        List<Long> argv = new ArrayList<>();
        long path = p.data().string(name.text(), name);
        argv.add(path);
        while (c.accept(Token.Kind.COMMA)) {
            Token a = c.next("an argument (a string or a number)");
            if (a.kind() == Token.Kind.STRING) argv.add(p.data().string(a.text(), a));
            else if (a.kind() == Token.Kind.NUMBER) argv.add(p.data().string(Long.toString(a.number()), a));
            else throw c.error(a, "expected an argument (a string or a number), found " + a.describe());
        }
        argv.add(0L);
        long array = p.data().words(name, argv.stream().mapToLong(Long::longValue).toArray());
        p.syscall(SyscallTable.EXECVE, List.of(p.constant(path, name), p.constant(array, name)), op);
    }

    /** {@code wait [PID] [, nohang|untraced|continued ...]}: wait4 into the stack; rax = pid, rdx = status. */
    private static void waitFor(ProgramParser p, Token op, Cursor c) throws ProgramSyntaxException {
        Ref pid = p.constant(-1, op);
        int options = 0;
        boolean first = true;
        while (!c.atEnd()) {
            if (!first) p.comma(c);
            Token t = c.peek();
            if (t.kind() == Token.Kind.WORD && (t.text().equals("nohang") || t.text().equals("untraced") || t.text().equals("continued"))) {
                c.next("an option");
                options |= t.text().equals("nohang") ? WNOHANG : t.text().equals("untraced") ? WUNTRACED : WCONTINUED;
            } else if (first) {
                pid = p.operand(c);
            } else {
                throw c.error(t, "expected nohang, untraced or continued, found " + t.describe());
            }
            first = false;
        }
        p.syscall(SyscallTable.WAIT4, List.of(pid, new Ref(Reg.RSP, -16, null, 0, op.column()), p.constant(options, op)), op);
        p.addNow(new Instr.Load(4, Reg.RDX, new Operand.RegVal(Reg.RSP, -16)));
    }

    /** {@code signal SIG, handler|ignore|default [, oneshot|nodefer|restart ...]}: rt_sigaction with a k_sigaction in data. */
    private static void signal(ProgramParser p, Token op, Cursor c) throws ProgramSyntaxException {
        Token st = c.next("a signal");
        int sig = p.signal(st, c);
        if (Signals.unblockable(sig)) throw c.error(st, Signals.name(sig) + " cannot be caught or ignored; expected another signal");
        p.comma(c);
        Token h = c.next("a handler label, ignore or default");
        if (h.kind() != Token.Kind.WORD) throw c.error(h, "expected a handler label, ignore or default, found " + h.describe());
        int flags = 0;
        while (c.accept(Token.Kind.COMMA)) {
            Token f = c.next("a flag: oneshot, nodefer or restart");
            flags |= switch (f.kind() == Token.Kind.WORD ? f.text() : "") {
                case "oneshot" -> SigAction.SA_ONESHOT;
                case "nodefer" -> SigAction.SA_NODEFER;
                case "restart" -> SigAction.SA_RESTART;
                default -> throw c.error(f, "expected a flag: oneshot, nodefer or restart, found " + f.describe());
            };
        }
        boolean keyword = ProgramParser.isHandlerKeyword(h.text());
        long act = p.data().words(h, keyword ? ProgramParser.handlerValue(h.text()) : 0, flags & 0xffffffffL, 0, 0);
        if (!keyword) p.dataFixup(act, p.labelRef(h.text(), h));
        p.syscall(SyscallTable.RT_SIGACTION, List.of(p.constant(sig, st), p.constant(act, st), p.constant(0, st)), op);
    }

    /** {@code block SIG, ...}: rt_sigprocmask(SIG_BLOCK, set) with the set in data. */
    private static void mask(ProgramParser p, Token op, Cursor c) throws ProgramSyntaxException {
        long set = 0;
        do {
            Token t = c.next("a signal");
            set |= Signals.bit(p.signal(t, c));
        } while (c.accept(Token.Kind.COMMA));
        int how = switch (op.text()) {
            case "block" -> SIG_BLOCK;
            case "unblock" -> SIG_UNBLOCK;
            default -> SIG_SETMASK;
        };
        long addr = p.data().words(op, set);
        p.syscall(SyscallTable.RT_SIGPROCMASK, List.of(p.constant(how, op), p.constant(addr, op), p.constant(0, op)), op);
    }
}
