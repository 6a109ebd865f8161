package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.Reg;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The inputs issue 12 found escaping the loader (a trailing comma, huge .data, signal numbers
 * past 32 bits) and the limits the loader now documents: each loads or fails with the
 * documented error, at the right line and column.
 */
class ProgramParser_LimitsTest {

    private static Program parse(String source) throws ProgramSyntaxException {
        return ProgramParser.parse("t", "test", "t.prog", source);
    }

    private static String error(String source) {
        return assertThrows(ProgramSyntaxException.class, () -> parse(source)).getMessage();
    }

    @Test
    void anOperandThenATrailingCommaIsAParseErrorNotANullPointer() {
        assertEquals("t.prog:1:8: expected nohang, untraced or continued, found the end of the line", error("wait 1,"));
        assertEquals("t.prog:1:13: expected nohang, untraced or continued, found the end of the line", error("wait nohang,"));
        assertEquals("t.prog:1:16: expected a number, register, label or string, found the end of the line",
                error("syscall kill 1,"));
        assertEquals("t.prog:1:15: expected a signal, found the end of the line", error("block SIGUSR1,"));
        assertEquals("t.prog:1:24: expected a flag: oneshot, nodefer or restart, found the end of the line",
                error("signal SIGUSR1, ignore,"));
        assertEquals("t.prog:1:17: expected an argument (a string or a number), found the end of the line",
                error("exec \"hello\", 1,"));
        assertEquals("t.prog:1:14: expected a number, found the end of the line", error("mov rax, rbx+"));
    }

    @Test
    void signalNumbersAreRangeCheckedBeforeAnyNarrowing() {
        String expected = "; expected a number 1..64 or a name such as SIGUSR1, TERM, usr1";
        assertEquals("t.prog:1:7: bad signal number '4294967306'" + expected, error("block 4294967306"));
        assertEquals("t.prog:1:8: bad signal number '4294967306'" + expected, error("signal 4294967306, ignore"));
        assertEquals("t.prog:1:9: bad signal number '0x10000000a'" + expected, error("setmask 0x10000000a"));
        assertEquals("t.prog:1:9: bad signal number '-1'" + expected, error("unblock -1"));
        assertEquals("t.prog:1:7: bad signal number '65'" + expected, error("block 65"));
        assertEquals("t.prog:1:7: expected a signal (a number 1..64 or a name such as SIGUSR1, TERM, usr1), found a string",
                error("block \"10\""));
    }

    @Test
    void numbersAreSixtyFourBitAndAsciiOrAnError() throws Exception {
        assertEquals(Long.MIN_VALUE, immediate("mov rax, -9223372036854775808"));
        assertEquals(Long.MAX_VALUE, immediate("mov rax, 9223372036854775807"));
        assertEquals(-1L, immediate("mov rax, 0xffff_ffff_ffff_ffff"));
        assertEquals(Long.MIN_VALUE, immediate("mov rax, -0x8000000000000000"));
        String range = " does not fit in 64 bits; expected -9223372036854775808 to 9223372036854775807, or 0x and at most 16 hex digits";
        assertEquals("t.prog:1:10: number '9223372036854775808'" + range, error("mov rax, 9223372036854775808"));
        assertEquals("t.prog:1:10: number '-9223372036854775809'" + range, error("mov rax, -9223372036854775809"));
        assertEquals("t.prog:1:10: number '0x10000000000000000'" + range, error("mov rax, 0x10000000000000000"));
        assertEquals("t.prog:1:10: number '-0x8000000000000001'" + range, error("mov rax, -0x8000000000000001"));
        assertEquals("t.prog:1:10: bad number '0x'; expected decimal digits, or 0x followed by hex digits", error("mov rax, 0x"));
        assertEquals("t.prog:1:10: bad number '12ab'; expected decimal digits, or 0x followed by hex digits", error("mov rax, 12ab"));
        // Other scripts' digits are not numbers (Long.parseLong would take them).
        assertEquals("t.prog:1:10: unexpected character '\u0663' (U+0663); expected an instruction, a label, a number,"
                + " a register or a \"string\"", error("mov rax, \u0663"));
        assertEquals("t.prog:1:10: unexpected character U+0000; expected an instruction, a label, a number, a register"
                + " or a \"string\"", error("mov rax, \0"));
        assertEquals("t.prog:1:10: unexpected character '\uD83D\uDE00' (U+1F600); expected an instruction, a label,"
                + " a number, a register or a \"string\"", error("mov rax, \uD83D\uDE00"));
        assertEquals("t.prog:1:9: expected a size from 1 to 1048576 bytes, found '4294967306'", error(".data a 4294967306"));
    }

    private static long immediate(String line) throws ProgramSyntaxException {
        return ((Operand.Imm) ((Instr.Mov) parse(line).code().get(0)).src()).value();
    }

    @Test
    void registerOffsetsReadAsDocumented() throws Exception {
        assertEquals(new Instr.Mov(Reg.RAX, new Operand.RegVal(Reg.RSP, -16)), parse("mov rax, rsp-16").code().get(0));
        assertEquals(new Instr.Mov(Reg.RAX, new Operand.RegVal(Reg.RSP, -16)), parse("mov rax, rsp - 16").code().get(0));
        assertEquals(new Instr.Mov(Reg.RAX, new Operand.RegVal(Reg.RBX, 8)), parse("mov rax, rbx+8").code().get(0));
        assertEquals("t.prog:2:13: expected '+' and a number after a label, found '-8'", error(".data buf 8\nmov rax, buf-8"));
        assertEquals("t.prog:1:16: expected a number without a sign after '+', found '-8'", error("mov rax, rbx + -8"));
    }

    @Test
    void theDataSegmentIsRefusedPastFourMebibytesWhereItCrossesTheLimit() throws Exception {
        StringBuilder fits = new StringBuilder();
        for (int i = 0; i < 4; i++) fits.append(".data b").append(i).append(" 1048576\n");
        assertEquals(DataBuilder.MAX_SIZE, parse(fits + "nop").data().length, "exactly 4 MiB loads");
        // The issue's case: a 23 KB source reserving 1,200 MiB. Refused at the fifth line, before any more is allocated.
        StringBuilder huge = new StringBuilder();
        for (int i = 0; i < 1200; i++) huge.append(".data buffer").append(i).append(" 1048576\n");
        huge.append("exit 0\n");
        assertTrue(huge.length() > 23_000, "the source is as small as the issue's");
        assertEquals("t.prog:5:15: the data segment is full: these 1048576 bytes would take it to 5242880 bytes, and a"
                + " program's data (strings, .data and the structs of signal, block, exec ...) may hold at most 4194304 bytes"
                + " (4 MiB); reserve less, or mmap memory at run time", error(huge.toString()));
        assertTrue(error(fits + "mov rax, \"x\"").startsWith("t.prog:5:10: the data segment is full: the string would take it"
                + " to 4194306 bytes"));
        assertTrue(error(fits + "block SIGUSR1").startsWith("t.prog:5:1: the data segment is full: the struct this form builds"));
    }

    @Test
    void aProgramHasAtMostSixtyFiveThousandInstructionsAndOneMebibyteOfSource() throws Exception {
        assertEquals(ProgramParser.MAX_INSTRUCTIONS, parse("nop\n".repeat(ProgramParser.MAX_INSTRUCTIONS)).code().size());
        assertEquals("t.prog:65537:1: the program is too long: this line takes it past 65536 instructions (convenience forms"
                + " count as the instructions they expand to); split it into programs that exec each other",
                error("nop\n".repeat(ProgramParser.MAX_INSTRUCTIONS + 1)));
        // wait expands to 6 instructions: the line that crosses the limit is named.
        assertTrue(error("wait\n".repeat(ProgramParser.MAX_INSTRUCTIONS / 6 + 1)).startsWith("t.prog:10923:1: the program is too long"));
        assertEquals("t.prog:1:1: the source is 1048577 characters long; a program may have at most 1048576 (1 MiB): split it"
                + " into programs that exec each other", error("#" + "x".repeat(ProgramParser.MAX_SOURCE)));
        ProgramSyntaxException big = assertThrows(ProgramSyntaxException.class, () -> ProgramLibrary.fromBytes("t", "/f/t.prog",
                "t.prog", ("nop\n" + "#".repeat(ProgramParser.MAX_SOURCE)).getBytes(StandardCharsets.UTF_8)));
        assertEquals("/f/t.prog:1:1: the file is 1048580 bytes; a program source may have at most 1048576 (1 MiB): split it"
                + " into programs that exec each other", big.getMessage());
    }

    @Test
    void aStringIsNoSignalFlagAndLongTokensAreQuotedShort() {
        assertEquals("t.prog:1:25: expected a flag: oneshot, nodefer or restart, found a string",
                error("signal SIGUSR1, ignore, \"oneshot\""));
        String word = "x".repeat(100_000);
        assertEquals("t.prog:1:1: unknown instruction '" + "x".repeat(Token.QUOTE_MAX) + "...'; expected one of: "
                + ProgramParser.mnemonics(), error(word));
    }

    @Test
    void bytesThatAreNotUtf8TextSayWhichByteAndWhatToDo() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n'};
        ProgramSyntaxException e = assertThrows(ProgramSyntaxException.class,
                () -> ProgramLibrary.fromBytes("img", "/p/img.prog", "img.prog", png));
        assertEquals("/p/img.prog:1:1: not a UTF-8 text program: byte 0x89 at offset 0 is not valid UTF-8; a program is a"
                + " text file in the format of docs/programs.md: remove this file from the programs folder, or save it as"
                + " UTF-8 text", e.getMessage());
        byte[] nul = "nop\nexit 0\0\n".getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(ProgramSyntaxException.class, () -> ProgramLibrary.fromBytes("n", "/p/n.prog", "n.prog", nul))
                .getMessage().startsWith("/p/n.prog:2:7: not a UTF-8 text program: byte 0x00 at offset 10 is a NUL"));
    }
}
