package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.proc.ProgramInfo;
import dev.utrace.api.proc.ProcessException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgramParser_SyntaxTest {

    private static Program parse(String... lines) throws ProgramSyntaxException {
        return ProgramParser.parse("t", "test", "t.prog", String.join("\n", lines));
    }

    private static String error(String... lines) {
        return assertThrows(ProgramSyntaxException.class, () -> parse(lines)).getMessage();
    }

    @Test
    void everyLibraryProgramLoads() {
        List<ProgramInfo> programs = new ProgramLibrary(null).list();
        List<String> names = programs.stream().map(ProgramInfo::name).toList();
        assertTrue(names.containsAll(List.of("hello", "counter", "forker", "threadpool", "mt-exec", "signals", "stopper",
                "memwriter")), names.toString());
        programs.forEach(p -> assertTrue(!p.description().isEmpty(), p.name() + " has no description"));
    }

    @Test
    void labelsResolveForwardAndBackward() throws Exception {
        Program p = parse("top: jmp end", "  nop", "end: jmp top");
        assertEquals(new Instr.Jump(Instr.JumpKind.ALWAYS, null, Program.address(2)), p.code().get(0));
        assertEquals(new Instr.Jump(Instr.JumpKind.ALWAYS, null, Program.address(0)), p.code().get(2));
    }

    @Test
    void syscallFormSetsArgumentsThenNumber() throws Exception {
        Program p = parse("syscall kill 5, SIGTERM");
        assertEquals(List.of(new Instr.Mov(dev.utrace.api.task.Reg.RDI, new Operand.Imm(5)),
                new Instr.Mov(dev.utrace.api.task.Reg.RSI, new Operand.Imm(15)),
                new Instr.Mov(dev.utrace.api.task.Reg.RAX, new Operand.Imm(62)), new Instr.Syscall()), p.code());
    }

    @Test
    void stringsLiveInTheDataSegment() throws Exception {
        Program p = parse("mov rdi, \"ab\"");
        assertEquals(new Instr.Mov(dev.utrace.api.task.Reg.RDI, new Operand.Imm(Program.DATA_BASE)), p.code().get(0));
        assertEquals('a', p.data()[0]);
        assertEquals(0, p.data()[2]);
    }

    @Test
    void errorsNameFileLineColumnAndWhatWasExpected() {
        assertEquals("t.prog:2:3: unknown instruction 'mvo'; expected one of: " + ProgramParser.mnemonics(),
                error("nop", "  mvo rax, 1"));
        assertEquals("t.prog:1:5: expected a register (rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp, r8..r15), found '5'",
                error("mov 5, rax"));
        assertEquals("t.prog:1:9: expected ',', found '1'", error("mov rax 1"));
        assertEquals("t.prog:1:8: expected ',', found the end of the line", error("mov rax"));
        assertEquals("t.prog:1:7: string not closed; expected a '\"' before the end of the line", error("print \"abc"));
        assertEquals("t.prog:3:5: expected a label defined in this program with 'name:', found 'nowhere'",
                error("nop", "nop", "jmp nowhere"));
        assertEquals("t.prog:2:1: label 'a' is defined twice; expected a new name", error("a: nop", "a: nop"));
        assertEquals("t.prog:1:1: empty program; expected at least one instruction", error("# nothing"));
        assertTrue(error("syscall kill rsi, rdi").startsWith("t.prog:1:19: argument 2 reads rdi, which argument 1 sets first"));
        assertTrue(error("signal SIGKILL, h", "h: sigreturn").startsWith("t.prog:1:8: SIGKILL cannot be caught"));
        assertTrue(error("print \"{rzz}\"").startsWith("t.prog:1:7: bad placeholder"));
        assertTrue(error("kill 1").startsWith("t.prog:1:6: expected 2 operands"));
    }

    @Test
    void aMalformedUserProgramDoesNotRunAtAll() {
        try (Sim sim = new Sim()) {
            sim.program("bad", "print \"would run\"", "exit 0", "oops");
            int before = sim.machine.tasks().size();
            ProcessException e = assertThrows(ProcessException.class, () -> sim.spawn("bad"));
            assertEquals("program 'bad' does not load: bad.prog:3:1: unknown instruction 'oops'; expected one of: "
                    + ProgramParser.mnemonics(), e.getMessage());
            assertInstanceOf(ProgramSyntaxException.class, e.getCause());
            assertEquals(before, sim.machine.tasks().size());
            assertTrue(sim.hooks.events().isEmpty(), sim.hooks.events().toString());
            ProgramInfo info = sim.machine.programs().stream().filter(p -> p.name().equals("bad")).findFirst().orElseThrow();
            assertTrue(info.description().startsWith("does not load: bad.prog:3:1"), info.description());
        }
    }

    @Test
    void userProgramsComeFromTheFolderAndCanReplaceLibraryOnes() {
        try (Sim sim = new Sim()) {
            sim.program("hello", "# my own hello", "print \"hi from the folder\\n\"", "exit 3");
            int pid = sim.spawn("hello");
            assertEquals(3, sim.waitExit(pid).exitCode());
            assertEquals("hi from the folder\n", sim.machine.console(pid));
        }
    }
}
