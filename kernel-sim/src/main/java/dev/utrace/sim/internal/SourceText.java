package dev.utrace.sim.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Turns the bytes of a program file into text, or says which byte makes it not a text program:
 * a program is UTF-8 text (docs/programs.md), and a binary file dropped into the programs
 * folder must get a message that names the file and what to do, not a decoder's exception.
 */
final class SourceText {
    private SourceText() {
    }

    /**
     * The text of {@code bytes}.
     *
     * @param file the name used in the error
     * @throws ProgramSyntaxException at the first byte that is not UTF-8 or is a NUL (binary data)
     */
    static String decode(String file, byte[] bytes) throws ProgramSyntaxException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) throw notText(file, bytes, in.position(), "is not valid UTF-8");
        decoder.flush(out);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) throw notText(file, bytes, i, "is a NUL, which no text program holds");
        }
        return out.flip().toString();
    }

    private static ProgramSyntaxException notText(String file, byte[] bytes, int offset, String what) {
        int line = 1, lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new ProgramSyntaxException(file, line, offset - lineStart + 1, "not a UTF-8 text program: byte "
                + String.format("0x%02x", bytes[offset] & 0xff) + " at offset " + offset + " " + what + "; a program is"
                + " a text file in the format of docs/programs.md: remove this file from the programs folder, or save it"
                + " as UTF-8 text");
    }

    /** What went wrong reading a file, in words (an exception's message is often just the path). */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof NoSuchFileException) return "it no longer exists";
        String m = e.getMessage();
        return m == null || m.isBlank() ? "an input/output error" : m;
    }
}
