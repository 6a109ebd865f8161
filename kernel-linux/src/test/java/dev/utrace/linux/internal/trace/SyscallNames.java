package dev.utrace.linux.internal.trace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** x86_64 syscall names and numbers, from the kernel headers gcc compiles against. */
final class SyscallNames {

    private static final Path HEADER = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
    private static final Pattern DEFINE = Pattern.compile("#define __NR_(\\w+) (\\d+)");

    private SyscallNames() {}

    static Map<String, Integer> numbers() throws IOException {
        Map<String, Integer> m = new HashMap<>();
        for (String line : Files.readAllLines(HEADER)) {
            Matcher d = DEFINE.matcher(line);
            if (d.matches()) m.put(d.group(1), Integer.parseInt(d.group(2)));
        }
        return m;
    }
}
