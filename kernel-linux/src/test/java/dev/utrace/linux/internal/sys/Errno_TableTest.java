package dev.utrace.linux.internal.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The errno table is the kernel headers' (read from the machine that runs the test). */
class Errno_TableTest {

    private static final Pattern DEFINE = Pattern.compile("#define\\s+(E[A-Z0-9]+)\\s+(\\d+)\\s*/\\*\\s*(.*?)\\s*\\*/");

    @Test
    @DisplayName("every errno of asm-generic/errno-base.h and errno.h has its name and description")
    void matchesTheHeaders() throws Exception {
        int checked = 0;
        for (String header : new String[] {"/usr/include/asm-generic/errno-base.h", "/usr/include/asm-generic/errno.h"}) {
            for (String line : Files.readAllLines(Path.of(header))) {
                Matcher m = DEFINE.matcher(line);
                if (!m.find()) continue;
                int value = Integer.parseInt(m.group(2));
                assertEquals(m.group(1), Errno.name(value), line);
                assertEquals(m.group(3), Errno.text(value), line);
                checked++;
            }
        }
        assertTrue(checked > 130, "checked " + checked + " values");
        assertEquals("ESRCH (No such process)", Errno.describe(Errno.ESRCH));
        assertEquals("errno 9999", Errno.name(9999));
    }

    @Test
    @DisplayName("a failure's message names the call, the errno and what to do")
    void exceptionMessage() {
        LinuxException e = new LinuxException("ptrace(PTRACE_GETREGS) on thread 42", Errno.ESRCH, "the thread is gone");
        assertEquals("ptrace(PTRACE_GETREGS) on thread 42 failed: ESRCH (No such process); the thread is gone", e.getMessage());
        assertEquals("ESRCH", e.errnoName());
        assertEquals(Errno.ESRCH, e.errno());
    }
}
