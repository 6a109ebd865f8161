package dev.utrace.linux.internal.trace;

import dev.utrace.linux.internal.sys.LinuxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the executable a shell would run for a program name, before anything is started. */
final class ProgramPath {

    private ProgramPath() {}

    /**
     * @param program a path (containing '/', relative to {@code cwd}) or a name to look up on {@code path}
     * @param path    a PATH value (':'-separated; an empty entry is the working directory), or null
     * @param cwd     the directory the program will run in
     * @return the absolute path of a regular, executable file
     * @throws LinuxException saying why there is none
     */
    static String resolve(String program, String path, Path cwd) {
        if (program.indexOf('/') >= 0) {
            Path p = cwd.resolve(program).normalize();
            String why = unusable(p);
            if (why != null) throw new LinuxException("cannot run " + program + ": " + p + " " + why);
            return p.toString();
        }
        if (path == null || path.isEmpty()) {
            throw new LinuxException("cannot run " + program + ": there is no PATH to look it up on; give its full path");
        }
        String firstUnusable = null;
        for (String dir : path.split(":", -1)) {
            Path p = (dir.isEmpty() ? cwd : cwd.resolve(dir)).resolve(program).normalize();
            String why = unusable(p);
            if (why == null) return p.toString();
            if (firstUnusable == null && Files.exists(p)) firstUnusable = p + " " + why;
        }
        throw new LinuxException("cannot run " + program + ": "
                + (firstUnusable != null ? firstUnusable + ", and no other" : "no such program")
                + " on PATH " + path + "; give its full path or fix PATH");
    }

    /** Why {@code p} cannot be exec'd, or null if it can. */
    private static String unusable(Path p) {
        if (!Files.exists(p)) return "does not exist";
        if (Files.isDirectory(p)) return "is a directory";
        if (!Files.isRegularFile(p)) return "is not a regular file";
        if (!Files.isExecutable(p)) return "is not executable (chmod +x it)";
        return null;
    }
}
