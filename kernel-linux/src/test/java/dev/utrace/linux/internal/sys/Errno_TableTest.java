package dev.utrace.linux.internal.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** This machine's errno constants and messages (checked against the headers of the machine that runs the test). */
class Errno_TableTest {

    private static final Pattern DEFINE = Pattern.compile("#define\\s+(E[A-Z0-9]+)\\s+(\\d+)\\s*/\\*\\s*(.*?)\\s*\\*/");

    @Test
    @DisplayName("this machine's errno constants name the values the kernel headers give them, and describe them as strerror does")
    void constantsMatchTheHeaders() throws Exception {
        java.util.Map<String, Integer> headers = new java.util.HashMap<>();
        for (String header : new String[] {"/usr/include/asm-generic/errno-base.h", "/usr/include/asm-generic/errno.h"}) {
            for (String line : Files.readAllLines(Path.of(header))) {
                Matcher m = DEFINE.matcher(line);
                if (m.find()) headers.put(m.group(1), Integer.parseInt(m.group(2)));
            }
        }
        int checked = 0;
        for (java.lang.reflect.Field f : Errno.class.getFields()) {
            assertEquals(headers.get(f.getName()), f.getInt(null), f.getName());
            assertEquals(f.getName(), Errno.name(f.getInt(null)));
            checked++;
        }
        assertTrue(checked >= 15, "checked " + checked + " constants");
        assertEquals("ESRCH (No such process)", Errno.describe(Errno.ESRCH));
        assertEquals("EAGAIN (Resource temporarily unavailable)", Errno.describe(Errno.EAGAIN));
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
