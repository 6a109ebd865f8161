package dev.utrace.sim.internal;

import dev.utrace.api.task.Reg;
import dev.utrace.api.task.SigAction;
import dev.utrace.api.task.Signals;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads the text format of {@code docs/programs.md} into a {@link Program}. Parsing is all or
 * nothing: the first error throws with file, line and column, and no program is returned, so
 * nothing half-loaded can run. Labels may be used before they are defined; they are resolved
 * once every line has been read.
 */
final class ProgramParser {
    private static final Reg[] ARGS = Reg.SYSCALL_ARGS;
    /** The largest source accepted, in characters (1 MiB); a program folder's file is also checked in bytes. */
    static final int MAX_SOURCE = 1 << 20;
    /**
     * The most instructions a program may have once its convenience forms are expanded: 4 bytes
     * each from 0x400000, the text stays below the data segment at 0x600000 (docs/programs.md).
     */
    static final int MAX_INSTRUCTIONS = 1 << 16;
    private static final Map<String, Reg> REGISTERS = new HashMap<>();
    private static final String MNEMONICS = "mov, add, sub, load1/2/4/8, store1/2/4/8, jmp, jz, jnz, loop, syscall,"
            + " print, exit, exit_group, sleep, pause, yield, fork, vfork, thread, exec, wait, signal, sigreturn,"
            + " block, unblock, setmask, kill, tgkill, raise, mmap, munmap, getpid, gettid, getppid, nop, .data";

    static {
        for (Reg r : new Reg[] {Reg.RAX, Reg.RBX, Reg.RCX, Reg.RDX, Reg.RSI, Reg.RDI, Reg.RBP, Reg.RSP, Reg.R8,
                Reg.R9, Reg.R10, Reg.R11, Reg.R12, Reg.R13, Reg.R14, Reg.R15}) {
            REGISTERS.put(r.name().toLowerCase(Locale.ROOT), r);
        }
    }

    /** An operand as written: a constant, a register plus offset, or a label plus offset. */
    record Ref(Reg reg, long value, String label, int line, int column) {
    }

    /** An instruction whose operands may name labels not yet defined. */
    interface Pending {
        Instr resolve() throws ProgramSyntaxException;
    }

    private final String file;
    private final List<Pending> code = new ArrayList<>();
    private final Map<String, Integer> codeLabels = new HashMap<>();
    private final Map<String, Long> dataLabels = new HashMap<>();
    private final List<Map.Entry<Long, Ref>> dataFixups = new ArrayList<>();
    private final DataBuilder data = new DataBuilder((column, message) -> this.lexer.error(column, message));
    private LineLexer lexer;
    private int lineNo;

    private ProgramParser(String file) {
        this.file = file;
    }

    /**
     * Parses {@code source}.
     *
     * @param file the name used in error messages, e.g. "hello.prog"
     * @throws ProgramSyntaxException at the first error
     */
    static Program parse(String name, String origin, String file, String source) throws ProgramSyntaxException {
        if (source.length() > MAX_SOURCE) {
            throw new ProgramSyntaxException(file, 1, 1, "the source is " + source.length() + " characters long; a"
                    + " program may have at most " + MAX_SOURCE + " (1 MiB): split it into programs that exec each other");
        }
        ProgramParser p = new ProgramParser(file);
        String[] lines = source.split("\r?\n", -1);
        String description = "";
        for (String line : lines) {
            String t = line.strip();
            if (!t.startsWith("#")) break;
            if (description.isEmpty()) description = t.substring(1).strip();
        }
        for (int i = 0; i < lines.length; i++) p.line(i + 1, lines[i]);
        if (p.code.isEmpty()) throw new ProgramSyntaxException(file, 1, 1, "empty program; expected at least one instruction");
        List<Instr> instrs = new ArrayList<>(p.code.size());
        for (Pending pending : p.code) instrs.add(pending.resolve());
        byte[] image = p.data.image();
        for (Map.Entry<Long, Ref> fix : p.dataFixups) p.data.patch(fix.getKey(), p.codeAddress(fix.getValue()), image);
        return new Program(name, description, origin, instrs, image);
    }

    private void line(int number, String text) throws ProgramSyntaxException {
        lineNo = number;
        lexer = new LineLexer(file, number, text);
        List<Token> tokens = lexer.tokens();
        int start = 0;
        if (tokens.size() >= 2 && tokens.get(0).kind() == Token.Kind.WORD && tokens.get(1).kind() == Token.Kind.COLON) {
            defineLabel(tokens.get(0), codeLabels.containsKey(tokens.get(0).text()));
            codeLabels.put(tokens.get(0).text(), code.size());
            start = 2;
        }
        if (start >= tokens.size()) return;
        Cursor c = new Cursor(lexer, tokens, start, text.length() + 1);
        Token op = c.next("an instruction");
        if (op.kind() != Token.Kind.WORD) throw c.error(op, "expected an instruction (" + MNEMONICS + "), found " + op.describe());
        statement(op, c);
        c.expectEnd(Token.quote(op.text()) + " and its operands");
        if (code.size() > MAX_INSTRUCTIONS) {
            throw lexer.error(op.column(), "the program is too long: this line takes it past " + MAX_INSTRUCTIONS
                    + " instructions (convenience forms count as the instructions they expand to); split it into"
                    + " programs that exec each other");
        }
    }

    private void defineLabel(Token name, boolean duplicate) throws ProgramSyntaxException {
        String n = name.text();
        if (duplicate || dataLabels.containsKey(n)) {
            throw lexer.error(name.column(), "label " + Token.quote(n) + " is defined twice; expected a new name");
        }
        if (REGISTERS.containsKey(n)) throw lexer.error(name.column(), Token.quote(n) + " is a register; expected a label name");
    }

    private void statement(Token op, Cursor c) throws ProgramSyntaxException {
        String m = op.text();
        switch (m) {
            case "nop" -> add(Instr.Nop::new);
            case "mov", "add", "sub" -> {
                Reg dst = register(c);
                comma(c);
                Ref src = operand(c);
                add(() -> m.equals("mov") ? new Instr.Mov(dst, resolve(src)) : new Instr.Arith(dst, resolve(src), m.equals("sub")));
            }
            case "load1", "load2", "load4", "load8" -> {
                Reg dst = register(c);
                comma(c);
                Ref addr = operand(c);
                int size = m.charAt(4) - '0';
                add(() -> new Instr.Load(size, dst, resolve(addr)));
            }
            case "store1", "store2", "store4", "store8" -> {
                Ref addr = operand(c);
                comma(c);
                Ref src = operand(c);
                int size = m.charAt(5) - '0';
                add(() -> new Instr.Store(size, resolve(addr), resolve(src)));
            }
            case "jmp" -> {
                Ref target = operand(c);
                add(() -> new Instr.Jump(Instr.JumpKind.ALWAYS, null, codeAddress(target)));
            }
            case "jz", "jnz", "loop" -> {
                Reg reg = register(c);
                comma(c);
                Ref target = operand(c);
                Instr.JumpKind kind = m.equals("jz") ? Instr.JumpKind.IF_ZERO
                        : m.equals("jnz") ? Instr.JumpKind.IF_NOT_ZERO : Instr.JumpKind.LOOP;
                add(() -> new Instr.Jump(kind, reg, codeAddress(target)));
            }
            case "syscall" -> {
                if (c.atEnd()) {
                    add(Instr.Syscall::new);
                    return;
                }
                Token name = c.next("a syscall name");
                Integer nr = name.kind() == Token.Kind.WORD ? SyscallTable.BY_NAME.get(name.text()) : null;
                if (nr == null) {
                    throw c.error(name, "unknown syscall " + name.describe() + "; expected one of "
                            + new java.util.TreeSet<>(SyscallTable.BY_NAME.keySet()));
                }
                syscall(nr, c.atEnd() ? List.of() : operands(c), name);
            }
            case ".data" -> {
                Token name = c.next("a name for the reserved bytes");
                if (name.kind() != Token.Kind.WORD) throw c.error(name, "expected a name, found " + name.describe());
                defineLabel(name, codeLabels.containsKey(name.text()));
                Token size = c.next("a size in bytes");
                if (size.kind() != Token.Kind.NUMBER || size.number() < 1 || size.number() > (1 << 20)) {
                    throw c.error(size, "expected a size from 1 to 1048576 bytes, found " + size.describe());
                }
                dataLabels.put(name.text(), data.reserve((int) size.number(), size));
            }
            default -> SugarForms.expand(this, op, c);
        }
    }

    // ---- used by SugarForms ----

    LineLexer lexer() {
        return lexer;
    }

    DataBuilder data() {
        return data;
    }

    void add(Pending p) {
        code.add(p);
    }

    void addNow(Instr instr) {
        code.add(() -> instr);
    }

    /** Emits the moves for up to six arguments and the syscall; refuses arguments that read a register set earlier. */
    void syscall(int nr, List<Ref> args, Token at) throws ProgramSyntaxException {
        if (args.size() > ARGS.length) throw lexer.error(at.column(), "too many arguments; a syscall takes at most 6");
        for (int k = 0; k < args.size(); k++) {
            Ref a = args.get(k);
            for (int j = 0; j < k; j++) {
                if (a.reg() == ARGS[j]) {
                    throw lexer.error(a.column(), "argument " + (k + 1) + " reads " + name(a.reg()) + ", which argument "
                            + (j + 1) + " sets first; expected another register (copy it with mov before)");
                }
            }
            Reg dst = ARGS[k];
            add(() -> new Instr.Mov(dst, resolve(a)));
        }
        addNow(new Instr.Mov(Reg.RAX, new Operand.Imm(nr)));
        addNow(new Instr.Syscall());
    }

    Ref constant(long value, Token at) {
        return new Ref(null, value, null, lineNo, at == null ? 1 : at.column());
    }

    Ref labelRef(String label, Token at) {
        return new Ref(null, 0, label, lineNo, at.column());
    }

    Reg register(Cursor c) throws ProgramSyntaxException {
        Token t = c.next("a register");
        Reg r = t.kind() == Token.Kind.WORD ? REGISTERS.get(t.text().toLowerCase(Locale.ROOT)) : null;
        if (r == null) throw c.error(t, "expected a register (rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp, r8..r15), found " + t.describe());
        return r;
    }

    static Reg registerNamed(String name) {
        return REGISTERS.get(name.toLowerCase(Locale.ROOT));
    }

    void comma(Cursor c) throws ProgramSyntaxException {
        c.expect(Token.Kind.COMMA, "','");
    }

    List<Ref> operands(Cursor c) throws ProgramSyntaxException {
        List<Ref> out = new ArrayList<>();
        out.add(operand(c));
        while (c.accept(Token.Kind.COMMA)) out.add(operand(c));
        return out;
    }

    /** A number, a signal name, a "string" (its address), a label (+offset) or a register (+/-offset). */
    Ref operand(Cursor c) throws ProgramSyntaxException {
        Token t = c.next("a number, register, label or string");
        switch (t.kind()) {
            case NUMBER -> {
                return constant(t.number(), t);
            }
            case STRING -> {
                return constant(data.string(t.text(), t), t);
            }
            case WORD -> {
                Reg r = registerNamed(t.text());
                if (r != null) return new Ref(r, offset(c, true), null, lineNo, t.column());
                if (t.text().toUpperCase(Locale.ROOT).startsWith("SIG")) return constant(signal(t, c), t);
                return new Ref(null, offset(c, false), t.text(), lineNo, t.column());
            }
            default -> throw c.error(t, "expected a number, register, label or string, found " + t.describe());
        }
    }

    /** An offset after a register ({@code +8}, {@code -16}, {@code - 16}) or a label ({@code +8} only). */
    private long offset(Cursor c, boolean minusAllowed) throws ProgramSyntaxException {
        Token t = c.peek();
        boolean signedNumber = t.kind() == Token.Kind.NUMBER && t.text().startsWith("-");
        boolean minus = t.kind() == Token.Kind.MINUS || signedNumber;
        if (t.kind() != Token.Kind.PLUS && !minus) return 0;
        if (minus && !minusAllowed) throw c.error(t, "expected '+' and a number after a label, found " + t.describe());
        c.next("'+' or '-'");
        if (signedNumber) return t.number();
        Token n = c.next("a number");
        if (n.kind() != Token.Kind.NUMBER) throw c.error(n, "expected a number after " + t.describe() + ", found " + n.describe());
        if (n.text().startsWith("-")) throw c.error(n, "expected a number without a sign after " + t.describe() + ", found " + n.describe());
        return minus ? -n.number() : n.number();
    }

    /** A signal: a number from 1 to 64, or a standard signal's name (SIGUSR1, usr1, TERM). */
    int signal(Token t, Cursor c) throws ProgramSyntaxException {
        String expected = "a number 1.." + Signals.NSIG + " or a name such as SIGUSR1, TERM, usr1";
        if (t.kind() == Token.Kind.NUMBER) {
            // Checked as the 64-bit value it is: a narrowing cast first would make 4294967306 signal 10.
            if (t.number() < 1 || t.number() > Signals.NSIG) throw c.error(t, "bad signal number " + Token.quote(t.text()) + "; expected " + expected);
            return (int) t.number();
        }
        if (t.kind() != Token.Kind.WORD) throw c.error(t, "expected a signal (" + expected + "), found " + t.describe());
        try {
            return Signals.parse(t.text());
        } catch (IllegalArgumentException e) {
            throw c.error(t, "unknown signal " + Token.quote(t.text()) + "; expected " + expected);
        }
    }

    Operand resolve(Ref r) throws ProgramSyntaxException {
        if (r.reg() != null) return new Operand.RegVal(r.reg(), r.value());
        if (r.label() == null) return new Operand.Imm(r.value());
        Long d = dataLabels.get(r.label());
        if (d != null) return new Operand.Imm(d + r.value());
        return new Operand.Imm(codeAddress(r));
    }

    long codeAddress(Ref r) throws ProgramSyntaxException {
        Integer index = r.label() == null ? null : codeLabels.get(r.label());
        if (index == null) {
            String what = r.label() == null ? "a number or register" : Token.quote(r.label());
            throw new ProgramSyntaxException(file, r.line(), r.column(), "expected a label defined in this program"
                    + " with 'name:', found " + what);
        }
        return Program.address(index) + r.value();
    }

    static boolean isHandlerKeyword(String s) {
        return s.equals("ignore") || s.equals("default");
    }

    static long handlerValue(String keyword) {
        return keyword.equals("ignore") ? SigAction.SIG_IGN : SigAction.SIG_DFL;
    }

    /** Records that the data word at {@code at} holds the address of the code label in {@code label}. */
    void dataFixup(long at, Ref label) {
        dataFixups.add(Map.entry(at, label));
    }

    static String name(Reg r) {
        return r.name().toLowerCase(Locale.ROOT);
    }

    static String mnemonics() {
        return MNEMONICS;
    }

}
