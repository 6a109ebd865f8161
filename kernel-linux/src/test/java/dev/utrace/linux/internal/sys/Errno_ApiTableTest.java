package dev.utrace.linux.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The machine-neutral errno table engines use ({@code dev.utrace.api.task.Errno}) is this machine's:
 * its names are the kernel headers', its messages glibc's {@code strerror} (what strace prints).
 */
class Errno_ApiTableTest {

    private static final Pattern DEFINE = Pattern.compile("#define\\s+(E[A-Z0-9]+)\\s+(\\d+)\\b");

    @Test
    @DisplayName("every errno of the kernel headers has the headers' name and glibc's strerror message")
    void namesFromTheHeadersMessagesFromGlibc() throws Throwable {
        MethodHandle strerror = strerror();
        int checked = 0;
        for (String header : new String[] {"/usr/include/asm-generic/errno-base.h", "/usr/include/asm-generic/errno.h"}) {
            for (String line : Files.readAllLines(Path.of(header))) {
                Matcher m = DEFINE.matcher(line);
                if (!m.find()) continue;
                int value = Integer.parseInt(m.group(2));
                assertEquals(m.group(1), dev.utrace.api.task.Errno.name(value), line);
                checked++;
            }
        }
        assertTrue(checked > 130, "checked " + checked + " values");
        for (int e = 0; e <= 140; e++) {
            MemorySegment text = ((MemorySegment) strerror.invokeExact(e)).reinterpret(1024);
            assertEquals(text.getString(0), dev.utrace.api.task.Errno.message(e), "strerror(" + e + ")");
        }
    }

    @Test
    @DisplayName("the kernel's restart codes have strace's names and texts; numbers without a name have none")
    void restartCodes() {
        assertEquals("ERESTARTSYS", dev.utrace.api.task.Errno.name(512));
        assertEquals("To be restarted if SA_RESTART is set", dev.utrace.api.task.Errno.message(512));
        assertEquals("ERESTART_RESTARTBLOCK", dev.utrace.api.task.Errno.name(516));
        assertTrue(dev.utrace.api.task.Errno.restart(513));
        assertFalse(dev.utrace.api.task.Errno.restart(515));
        assertNull(dev.utrace.api.task.Errno.name(41));
        assertNull(dev.utrace.api.task.Errno.name(515));
        assertTrue(dev.utrace.api.task.Errno.isError(-4095));
        assertFalse(dev.utrace.api.task.Errno.isError(-4096));
        assertFalse(dev.utrace.api.task.Errno.isError(0));
    }

    @SuppressWarnings("restricted") // the module's tests run with --enable-native-access
    private static MethodHandle strerror() {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find("strerror").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }
}
